/* The engineer picker of the assigning forms (dispatch, reassign, dispatch again): the site's
   engineers from GET /staff/sites/{site}/people?role=engineer (read once per site, again on
   demand), least busy first, filtered by name, user name or phone as the operator types. The
   assignee is always a name from the list: the select holds only the roster's user names. */
import * as FD from "./common.js";
import { fieldId, fieldLabel } from "./staff-fields.js";
import { staffApi } from "./staff-session.js";
import { state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const rosters = {}; // site id -> Promise<{people: [...] | null, message}>

/** The site's engineers, read once (or again when `fresh`); a failed read is tried again next time. */
function engineers(siteId, fresh) {
  if (fresh || !rosters[siteId]) {
    rosters[siteId] = staffApi("GET", "staff/sites/" + encodeURIComponent(siteId) + "/people?role=engineer").then(function (result) {
      if (result && result.ok) return { people: result.data.people || [], message: "" };
      delete rosters[siteId];
      return { people: null, message: result ? result.data.message : "" };
    });
  }
  return rosters[siteId];
}

/** After an assignment the open-ticket counts have changed: the next form reads the list again. */
export function forgetEngineers(siteId) {
  delete rosters[siteId];
}

function digits(text) {
  return String(text || "").replace(/\D/g, "");
}

function matches(person, query) {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (person.username.toLowerCase().indexOf(q) >= 0 || (person.name || "").toLowerCase().indexOf(q) >= 0) return true;
  const d = digits(q);
  return d.length >= 3 && d.length === q.replace(/[\s+-]/g, "").length && digits(person.phone).indexOf(d) >= 0;
}

/** Name · user name · department · how busy. */
function optionText(person) {
  return [
    person.name || person.username,
    person.username,
    person.department ? FD.tAny(["department." + person.department, person.department]) : "",
    person.open_tickets ? t("staff.people.open", { n: person.open_tickets }) : t("staff.people.free"),
  ].filter(Boolean).join(" · ");
}

/**
 * A labelled engineer picker named spec.name (a search box over a list box) for `siteId`;
 * spec.exclude: a user name left out (the current assignee, whom a move cannot name again).
 */
export function engineerField(action, spec, siteId) {
  const id = fieldId(action, spec.name);
  const findId = id + "-find";
  const hintId = id + "-hint";
  const errorId = id + "-error";
  const exclude = (spec.exclude || "").toLowerCase();
  let people = [];
  const list = h("select", { id: id, name: spec.name, size: 5, required: !!spec.required, class: "engineer-list", "aria-describedby": hintId + " " + errorId });
  const find = h("input", { id: findId, type: "search", autocomplete: "off", maxlength: state.known.limits.name || null, "aria-controls": id, "aria-describedby": hintId + " " + errorId });
  const hint = h("p", { class: "hint", id: hintId, "aria-live": "polite", text: t("staff.people.loading") });

  function shown() {
    return people.filter(function (p) { return p.username.toLowerCase() !== exclude && matches(p, find.value); });
  }

  function paint() {
    const picked = list.value;
    const visible = shown();
    FD.fill(list, visible.map(function (p) {
      return h("option", { value: p.username, text: optionText(p), "data-busy": p.busy ? "true" : "false" });
    }));
    const kept = visible.some(function (p) { return p.username === picked; });
    list.value = kept ? picked : visible.length === 1 && find.value.trim() ? visible[0].username : "";
    hint.textContent = visible.length
      ? t("staff.people.count", { n: visible.length })
      : people.length ? t("staff.people.none", { q: find.value.trim() }) : t("staff.people.empty");
  }

  async function load(fresh) {
    hint.textContent = t("staff.people.loading");
    const roster = await engineers(siteId, fresh);
    if (!roster.people) {
      hint.textContent = t("staff.people.failed", { message: roster.message || t("error.generic") });
      return;
    }
    people = roster.people;
    paint();
  }

  find.addEventListener("input", paint);
  find.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && list.options.length) {
      event.preventDefault();
      if (!list.value) list.value = list.options[0].value;
      list.focus();
    } else if (event.key === "Enter" && !list.value && list.options.length) {
      // The first (least busy) match is picked; a second Enter sends the form.
      event.preventDefault();
      list.value = list.options[0].value;
    }
  });
  list.addEventListener("keydown", function (event) {
    // A list box does not send its form on Enter as a text box does: the keyboard path is search, ↓, Enter.
    if (event.key === "Enter" && list.value) {
      event.preventDefault();
      list.form.requestSubmit();
    }
  });
  load(false);

  return h("div", { class: "field engineer-picker", "data-field": spec.name },
    fieldLabel(id, spec),
    h("div", { class: "engineer-find" },
      h("label", { for: findId, class: "small-label", text: t("staff.in.engineer_find") }),
      find,
      h("button", { type: "button", class: "link", text: t("staff.people.refresh"), onclick: function () { load(true); } })
    ),
    list,
    hint,
    h("p", { class: "field-error", id: errorId, hidden: true })
  );
}
