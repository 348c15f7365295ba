/* The site's emergency call list (000 §3.4-3.8): per emergency type, the mailing lists (roles) told
   at intake. The desk reads it under the intake form; managers change it there. Read each time the
   panel is opened; the emergency types come from the catalogue, the lists from the API. */
import * as FD from "./common.js";
import { mayEdit } from "./staff-canned.js";
import { staffApi } from "./staff-session.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

function path() {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/emergency-calls";
}

function names(text) {
  return text.split(/[\s,，、]+/).filter(Boolean);
}

function render(box, list) {
  const edit = mayEdit();
  // the catalogue's emergencies that have a call list: first aid is an emergency category the
  // manual names no one for (the desk calls 120), and the API refuses a list for it
  const emergencies = (state.known.categories.emergency || []).filter(function (type) {
    return Object.prototype.hasOwnProperty.call(list.calls, type);
  });
  const form = h("form", { class: "calls-form", novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("p", { class: "hint", text: t(list.default ? "staff.calls.default" : "staff.calls.set") }),
    emergencies.map(function (type) {
      const id = "calls-" + type;
      const roles = (list.calls[type] || []).join(", ");
      return h("div", { class: "field", "data-field": "calls." + type },
        h("label", { for: id, text: t("category.emergency." + type) }),
        edit ? h("input", { id: id, name: type, value: roles, autocomplete: "off", "aria-describedby": id + "-error" }) : h("p", { id: id, text: roles }),
        h("p", { class: "field-error", id: id + "-error", hidden: true })
      );
    }),
    edit ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.calls.save") })) : null
  );
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const alert = form.querySelector(".alert");
    FD.clearErrors(form);
    FD.hideAlert(alert);
    const calls = {};
    emergencies.forEach(function (type) { calls[type] = names(form.elements[type].value); });
    const result = await staffApi("PUT", path(), { calls: calls });
    if (!result) return;
    if (result.ok) {
      render(box, result.data);
      FD.announce(el("status"), t("staff.calls.saved"));
      return;
    }
    FD.serverErrors(form, result.data, function (f) { return f ? String(f).split(".").slice(0, 2).join(".") : null; });
    FD.showAlert(alert, result.data.message);
  });
  FD.fill(box, form);
}

async function load() {
  const box = el("calls-body");
  const result = await staffApi("GET", path());
  if (!result) return;
  if (result.ok) render(box, result.data);
  else FD.fill(box, h("p", { class: "muted", text: result.data.message }));
}

/** The panel loads (again) each time it is opened. */
export function wireCalls() {
  el("calls").addEventListener("toggle", function () {
    if (el("calls").open && state.siteId) load();
  });
}
