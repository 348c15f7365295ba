/* The site's callbacks (回访, docs/decisions/0023): the open ones by due time, each with its
   assignee and countdown; the desk records an attempt (phone or visit) with the manual's fields;
   a supervisor gives a callback to another member of the desk (GET …/people, the desk's roles).
   The choices and limits come from GET /public/catalogue (callbacks), never from here. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { duration, remaining } from "./staff-queue.js";
import { canIntake, canSupervise, isDesk, staffApi } from "./staff-session.js";
import { el, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

let rules = null; // the catalogue's callbacks (configureCallbacks): no copy of them here
let list = [];
let done = []; // the latest concluded, newest first
let recording = ""; // the callback whose form is open
let assigning = ""; // the callback whose reassign form is open
let loadedFor = "";
let readsAsked = 0;
let siteLink = null; // #callbacks=<site>, from the catalogue's patterns

export function configureCallbacks(known) {
  if (known && known.callbacks) rules = known.callbacks;
  siteLink = FD.hashLink("callbacks", [((known && known.patterns) || {}).site_id]);
}

/** Text and state of a callback's countdown, on its clock's time (N× faster in a scaled demo). */
function countdown(callback) {
  const left = remaining({ due: callback.due, start: callback.created_at, timed: true });
  if (left < 0) return { text: t("staff.overdue", { t: duration(left) }), state: "overdue" };
  return { text: t("staff.left", { t: duration(left) }), state: left < 3600000 ? "soon" : "ok" };
}

/** Repaints the callbacks' countdowns: the entry module calls it every second. */
export function tickCallbacks() {
  document.querySelectorAll("[data-callback-countdown]").forEach(function (node) {
    const id = node.getAttribute("data-callback-countdown");
    const callback = list.find(function (c) { return c.callback_id === id; });
    if (!callback) return;
    const c = countdown(callback);
    node.textContent = c.text;
    node.className = "left " + c.state;
  });
}

export async function loadCallbacks() {
  const site = state.siteId;
  if (!site || el("callbacks").hidden) return;
  if (!rules) configureCallbacks(await FD.catalogue()); // its first read failed: read it again
  if (!rules) return;
  const asked = ++readsAsked;
  const result = await staffApi("GET", "staff/sites/" + encodeURIComponent(site) + "/callbacks");
  // a later read (after a recorded attempt or a reassignment) answers for the panel: an earlier
  // read's late answer would put back the queue as it was before the save
  if (!result || site !== state.siteId || asked !== readsAsked) return;
  list = result.ok ? result.data.callbacks : [];
  done = result.ok ? result.data.concluded : [];
  loadedFor = site;
  renderCallbacks();
}

function marks() {
  const out = [];
  for (let n = rules.mark_min; n <= rules.mark_max; n += 1) out.push(String(n));
  return out;
}

function checkbox(name, label) {
  return h("div", { class: "field", "data-field": name },
    h("label", { class: "check" }, h("input", { type: "checkbox", name: name, id: "cb-" + name }), " ", h("span", { text: t(label) })),
    h("p", { class: "field-error", hidden: true })
  );
}

function form(callback) {
  const select = function (name, label, options, prefix) {
    return field("callback", { name: name, label: label, type: "select", blank: true, options: options, optionPrefix: prefix });
  };
  const node = h("form", { class: "callback-form", novalidate: true, "data-callback-form": callback.callback_id },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    select("method", "callback.field.method", rules.methods, "callback.method."),
    select("result", "callback.field.result", rules.results, "callback.result."),
    select("quality", "callback.field.quality", marks(), "callback.mark."),
    select("effect", "callback.field.effect", marks(), "callback.mark."),
    select("satisfaction", "callback.field.satisfaction", marks(), "callback.mark."),
    field("callback", { name: "shortcomings", label: "callback.field.shortcomings", type: "textarea", max: rules.text }),
    field("callback", { name: "suggestions", label: "callback.field.suggestions", type: "textarea", max: rules.text }),
    checkbox("defect_remains", "callback.field.defect_remains"),
    checkbox("client_confirmed", "callback.field.client_confirmed"),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", text: t("callback.record.submit") }),
      h("button", { type: "button", class: "link", text: t("callback.record.cancel"), onclick: function () { recording = ""; renderCallbacks(); } })
    )
  );
  node.addEventListener("submit", function (event) { event.preventDefault(); record(callback, node); });
  return node;
}

function body(callback, node) {
  const value = function (name) { return node.elements[name].value; };
  const out = { version: callback.version, method: value("method"), result: value("result") };
  ["quality", "effect", "satisfaction"].forEach(function (name) { if (value(name)) out[name] = Number(value(name)); });
  ["shortcomings", "suggestions"].forEach(function (name) { out[name] = value(name).trim(); });
  out.defect_remains = node.elements.defect_remains.checked;
  out.client_confirmed = node.elements.client_confirmed.checked;
  return out;
}

async function record(callback, node) {
  FD.clearErrors(node);
  const alert = node.querySelector(".alert");
  FD.hideAlert(alert);
  let missing = false;
  ["method", "result"].forEach(function (name) {
    if (!node.elements[name].value) missing = FD.fieldError(node, name, t("error.choose"), "error.choose") || missing;
  });
  if (missing) { FD.focusFirstInvalid(node); return; }
  const result = await staffApi("POST", "staff/callbacks/" + encodeURIComponent(callback.callback_id) + "/attempts", body(callback, node));
  if (!result) return;
  if (result.ok) {
    recording = "";
    FD.announce(el("status"), t("callback.recorded." + result.data.state));
    await loadCallbacks();
    return;
  }
  if (!FD.serverErrors(node, result.data)) FD.showAlert(alert, (result.data && result.data.message) || t("error.generic"));
  FD.focusFirstInvalid(node);
}

/** The site's desk (who may call back), least busy first: read when a reassign form opens. */
async function deskPeople() {
  const result = await staffApi("GET", "staff/sites/" + encodeURIComponent(state.siteId) + "/people");
  if (!result || !result.ok) return null;
  return result.data.people.filter(function (p) { return isDesk(p.roles); });
}

function assignForm(callback) {
  const select = field("callback-assign", { name: "assignee", label: "callback.assign.to", type: "select", blank: true, options: [] });
  const node = h("form", { class: "callback-form", novalidate: true, "data-callback-assign": callback.callback_id },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    select,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", text: t("callback.assign.submit") }),
      h("button", { type: "button", class: "link", text: t("callback.record.cancel"), onclick: function () { assigning = ""; renderCallbacks(); } })
    )
  );
  deskPeople().then(function (people) {
    const control = node.elements.assignee;
    (people || []).forEach(function (p) {
      if (p.username !== callback.assignee) control.appendChild(h("option", { value: p.username, text: p.name + "（" + p.username + "）" }));
    });
  });
  node.addEventListener("submit", function (event) { event.preventDefault(); reassign(callback, node); });
  return node;
}

async function reassign(callback, node) {
  FD.clearErrors(node);
  const alert = node.querySelector(".alert");
  FD.hideAlert(alert);
  const assignee = node.elements.assignee.value;
  if (!assignee) {
    FD.fieldError(node, "assignee", t("error.choose"), "error.choose");
    FD.focusFirstInvalid(node);
    return;
  }
  const path = "staff/callbacks/" + encodeURIComponent(callback.callback_id) + "/assignee";
  const result = await staffApi("POST", path, { version: callback.version, assignee: assignee });
  if (!result) return;
  if (result.ok) {
    assigning = "";
    FD.announce(el("status"), t("callback.assign.done", { assignee: result.data.assignee }));
    await loadCallbacks();
    return;
  }
  if (!FD.serverErrors(node, result.data)) FD.showAlert(alert, (result.data && result.data.message) || t("error.generic"));
  FD.focusFirstInvalid(node);
}

function actions(callback) {
  if (recording === callback.callback_id) return form(callback);
  if (assigning === callback.callback_id) return assignForm(callback);
  return h("div", { class: "actions" },
    canIntake()
      ? h("button", { type: "button", class: "secondary", text: t("callback.record.open"), onclick: function () { recording = callback.callback_id; assigning = ""; renderCallbacks(); } })
      : null,
    canSupervise()
      ? h("button", { type: "button", class: "secondary", text: t("callback.assign.open"), onclick: function () { assigning = callback.callback_id; recording = ""; renderCallbacks(); } })
      : null
  );
}

function row(callback) {
  const unreachable = callback.attempts.filter(function (a) { return a.result === "unreachable"; }).length;
  return h("li", { class: "callback", "data-callback": callback.callback_id },
    h("p", { class: "row1" },
      h("strong", { class: "number", text: callback.ticket_number }), " ",
      h("span", { class: "badge small", text: t("callback.reason." + callback.reason) }), " ",
      h("span", { class: "left", "data-callback-countdown": callback.callback_id })
    ),
    h("p", { class: "row3 muted", text: t("callback.row", {
      assignee: callback.assignee || t("callback.unassigned"),
      due: FD.formatTime(callback.due, tz()),
      n: unreachable,
      days: rules.unreachable_days,
    }) }),
    callback.joint ? h("p", { class: "row3 muted", text: t("callback.joint", { joint: callback.joint }) }) : null,
    actions(callback)
  );
}

/** A concluded callback: its result, and whether it was met (concluded by its due time). */
function doneRow(callback) {
  const met = callback.done_at <= callback.due;
  const last = callback.attempts[callback.attempts.length - 1] || {};
  return h("li", { class: "callback done", "data-callback-done": callback.callback_id },
    h("p", { class: "row1" },
      h("strong", { class: "number", text: callback.ticket_number }), " ",
      h("span", { class: "badge small", text: t("callback.reason." + callback.reason) }), " ",
      h("span", { class: "badge small", "data-met": String(met), text: t(met ? "callback.done.met" : "callback.done.late") }), " ",
      h("span", { class: "badge small", text: t("callback.result." + callback.state) })
    ),
    h("p", { class: "row3 muted", text: t("callback.done.row", {
      at: FD.formatTime(callback.done_at, tz()),
      method: t("callback.method." + last.method),
      by: last.by === "client" ? t("callback.done.by_client") : last.by,
    }) })
  );
}

export function renderCallbacks() {
  const box = el("callbacks-list");
  if (!box) return;
  const mine = loadedFor === state.siteId;
  const shown = mine ? list : [];
  el("callbacks-empty").hidden = shown.length > 0;
  FD.refill(box, shown.map(row));
  FD.fill(el("callbacks-done"), (mine ? done : []).map(doneRow));
  el("callbacks-done-title").hidden = !mine || !done.length;
  tickCallbacks();
}

/** The panel opens and closes from the toolbar; it reads the site's callbacks when it opens. */
export function wireCallbacks() {
  el("callbacks-toggle").addEventListener("click", function () {
    const panel = el("callbacks");
    panel.hidden = !panel.hidden;
    el("callbacks-toggle").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) loadCallbacks();
  });
}

/** staff#callbacks=<site> (the link in a missed callback's mail) opens that site's callbacks. */
export function followCallbacksLink() {
  const link = siteLink && siteLink.exec(window.location.hash);
  if (!link || !state.session || !state.sites.some(function (s) { return s.site_id === link[1]; })) return;
  if (link[1] !== state.siteId) {
    el("site").value = link[1];
    el("site").dispatchEvent(new Event("change")); // as if chosen: every panel follows the site
  }
  el("callbacks").hidden = false;
  el("callbacks-toggle").setAttribute("aria-expanded", "true");
  loadCallbacks();
}

/** Signed out or another site: nothing of the last list stays. */
export function clearCallbacks() {
  list = [];
  done = [];
  loadedFor = "";
  recording = "";
  assigning = "";
  renderCallbacks();
}
