/* A site's canned replies: read once per site for the reply form, and edited by managers (the
   whole list, each with a title and a text in Chinese and in English, saved with the version read). */
import * as FD from "./common.js";
import { capRows, field } from "./staff-fields.js";
import { staffApi } from "./staff-session.js";
import { longest, most, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const lists = {}; // site id → a promise of {version, replies[]}, read once per site
const PARTS = [
  { name: "title_zh", label: "staff.canned.title_zh" },
  { name: "title_en", label: "staff.canned.title_en" },
  { name: "text_zh", label: "staff.canned.text_zh", type: "textarea" },
  { name: "text_en", label: "staff.canned.text_en", type: "textarea" },
];

function path(siteId) {
  return "staff/sites/" + encodeURIComponent(siteId) + "/canned-replies";
}

function load(siteId) {
  if (!lists[siteId]) {
    lists[siteId] = staffApi("GET", path(siteId)).then(function (result) {
      if (result && result.ok) return result.data;
      delete lists[siteId]; // read again next time
      return { version: 0, replies: [] };
    });
  }
  return lists[siteId];
}

/** The site's canned replies (an empty list when they cannot be read). */
export function cannedReplies(siteId) {
  return load(siteId).then(function (list) { return list.replies; });
}

export function mayEdit() {
  return !!state.session && state.session.groups.indexOf("manager") >= 0;
}

let nextRow = 0;

function row(reply) {
  const id = String(nextRow);
  nextRow += 1;
  return h("fieldset", { class: "canned-row", "data-row": id },
    PARTS.map(function (part) {
      const name = "replies." + id + "." + part.name;
      const box = field("canned", Object.assign({ required: true }, part, { name: name, max: longest("canned_replies", name) }));
      box.querySelector("input, textarea").value = reply ? reply[part.name] : "";
      return box;
    }),
    h("button", { type: "button", class: "link", text: t("staff.canned.remove"), onclick: function (event) {
      event.target.closest(".canned-row").remove();
    } })
  );
}

async function save(siteId, form, version, onSaved) {
  const alert = form.querySelector(".alert");
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const rows = Array.from(form.querySelectorAll(".canned-row"));
  const replies = rows.map(function (r) {
    const reply = {};
    PARTS.forEach(function (part) {
      const name = "replies." + r.getAttribute("data-row") + "." + part.name;
      reply[part.name] = form.elements[name].value.trim();
      if (!reply[part.name]) FD.fieldError(form, name, t("error.required"), "error.required");
    });
    return reply;
  });
  if (FD.focusFirstInvalid(form)) return;
  const result = await staffApi("PUT", path(siteId), { version: version, replies: replies });
  if (!result) return;
  if (result.ok) {
    lists[siteId] = Promise.resolve(result.data);
    onSaved();
    return;
  }
  delete lists[siteId]; // a conflict: the next rendering reads the list again
  const ids = rows.map(function (r) { return r.getAttribute("data-row"); });
  FD.serverErrors(form, result.data, function (name) {
    const m = /^replies\.(\d+)\.(\w+)$/.exec(name || "");
    return m && ids[Number(m[1])] !== undefined ? "replies." + ids[Number(m[1])] + "." + m[2] : null;
  });
  FD.showAlert(alert, result.data.message);
  if (!FD.focusFirstInvalid(form)) alert.focus();
}

/** The managers' editor of the site's canned replies; onSaved() runs once a new list is stored. */
export function cannedEditor(siteId, onSaved) {
  const form = h("form", { class: "canned-form", novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("p", { class: "hint", text: t("staff.canned.hint") })
  );
  const rows = h("div", { class: "canned-rows" });
  form.appendChild(rows);
  const add = h("button", { type: "button", class: "secondary small", text: t("staff.canned.add"), onclick: function () { rows.appendChild(row(null)); } });
  capRows(add, rows, most("canned_replies", "replies"));
  form.appendChild(h("div", { class: "actions" },
    add,
    h("button", { type: "submit", class: "primary", text: t("staff.canned.save") })
  ));
  let version = 0;
  load(siteId).then(function (list) {
    version = list.version;
    FD.fill(rows, list.replies.map(row));
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save(siteId, form, version, onSaved);
  });
  return h("details", { class: "action conversation", "data-conversation": "canned" },
    h("summary", { text: t("staff.canned.edit") }),
    form
  );
}
