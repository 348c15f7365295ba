/* The staff console's emergency key register (应急钥匙, 000 §3.10; docs/decisions/0024): the site's
   keys with their seal numbers, who has which key out since when and the countdown to its return;
   take a key (the client's permission or the emergency override; after hours the stamped authorisation
   and an escort; an outsider's ID and deposit), bring it back under a new seal, record that the client
   was told after an override, and the month's key-cabinet audit (25th–27th, result on the 28th).
   The choices come from GET /public/catalogue (keys), never from here; the API decides office hours. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { duration, remaining } from "./staff-queue.js";
import { canIntake, staffApi } from "./staff-session.js";
import { buildingName, el, site, state, tz, yuanWidth } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

let rules = null; // the catalogue's keys
let register = null; // KeyRegister of the site shown
let audit = null; // KeyAuditView of the site's month
let month = "";
let form = null; // {mode: "take"|"return"|"tell"|"seal", key, use}
let built = null; // the form, site and language its fields were built for
let busy = false;
let loads = 0; // the latest read wins: an earlier one answering late must not paint an older register

/** The longest value the API takes for a form's field, by its path in the body (the catalogue's). */
function longest(name) {
  return ((rules && rules.max_length) || {})[name];
}

/** The largest amount (fen) the API takes for a deposit's field, by its path in the body. */
function largest(name) {
  return ((rules && rules.maximum) || {})[name];
}

export function configureKeys(known) {
  if (known && known.keys) rules = known.keys;
}

function sitePath(what) {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/" + what;
}

/** The site-local month (YYYY-MM) now: the audit's. */
function localMonth() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz() || undefined, year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const get = function (type) { return (parts.find(function (p) { return p.type === type; }) || {}).value; };
  return get("year") + "-" + get("month");
}

export function openKeys() {
  el("keys").hidden = false;
  el("keys-toggle").setAttribute("aria-expanded", "true");
  return loadKeys();
}

export function closeKeys() {
  register = null;
  audit = null;
  form = null;
  el("keys").hidden = true;
  el("keys-toggle").setAttribute("aria-expanded", "false");
}

export async function loadKeys() {
  if (el("keys").hidden || !state.siteId) return;
  if (!rules) configureKeys(await FD.catalogue());
  const forSite = state.siteId;
  const mine = ++loads;
  month = localMonth();
  const [keys, monthly] = await Promise.all([
    staffApi("GET", sitePath("emergency-keys")),
    staffApi("GET", sitePath("key-audits/" + month)),
  ]);
  if (!keys || forSite !== state.siteId || mine !== loads) return;
  if (!keys.ok) {
    FD.showAlert(el("keys-alert"), keys.data.message);
    return;
  }
  register = keys.data;
  audit = monthly && monthly.ok ? monthly.data : null;
  renderKeys();
}

function useOf(key) {
  return register.out.find(function (u) { return u.key_id === key.key_id; }) || null;
}

function countdown(due, start) {
  const left = remaining({ due: due, start: start, timed: true });
  if (left < 0) return { text: t("staff.overdue", { t: duration(left) }), state: "overdue" };
  return { text: t("staff.left", { t: duration(left) }), state: left < 1800000 ? "soon" : "ok" };
}

/** Repaints the keys' countdowns: the entry module calls it every second. */
export function tickKeys() {
  document.querySelectorAll("[data-key-due]").forEach(function (node) {
    const c = countdown(node.getAttribute("data-key-due"), node.getAttribute("data-key-start"));
    node.textContent = c.text;
    node.className = "left " + c.state;
  });
}

function place(item) {
  return buildingName(item.building_id) + " · " + item.unit;
}

function dueNode(due, start) {
  const c = countdown(due, start);
  return h("span", { class: "left " + c.state, "data-key-due": due, "data-key-start": start, text: c.text });
}

function keyRow(key, zone) {
  const use = useOf(key);
  const act = function (mode, label) {
    return h("button", { type: "button", class: "link", text: t(label), "aria-label": t(label) + " " + place(key), onclick: function () { openForm(mode, key, use); } });
  };
  return h("tr", { "data-key": key.key_id },
    h("th", { scope: "row", text: place(key) }),
    h("td", { text: key.seal_number }),
    h("td", { text: t("staff.keys.state." + key.state) }),
    h("td", { text: use ? FD.formatTime(use.taken_at, zone) + " · " + use.taken_by : t("common.none") }),
    h("td", null, use ? dueNode(use.return_due, use.taken_at) : t("common.none")),
    h("td", null, canIntake() ? (use ? act("return", "staff.keys.return") : act("take", "staff.keys.take")) : null)
  );
}

function toTellItem(use, zone) {
  return h("li", { "data-use": use.use_id },
    h("p", null,
      h("strong", { text: place(use) }), " · ",
      t("keys.emergency." + use.override), " · ",
      FD.formatTime(use.taken_at, zone) + " · " + use.taken_by, " ",
      dueNode(use.tell_due, use.taken_at)
    ),
    canIntake() ? h("button", { type: "button", class: "secondary", text: t("staff.keys.tell"), onclick: function () { openForm("tell", null, use); } }) : null
  );
}

export function renderKeys() {
  if (!register || el("keys").hidden) return;
  const zone = tz();
  el("keys-empty").hidden = register.keys.length > 0;
  el("keys-table").hidden = register.keys.length === 0;
  FD.fill(el("keys-rows"), register.keys.map(function (k) { return keyRow(k, zone); }));
  el("keys-to-tell-box").hidden = register.to_tell.length === 0;
  FD.fill(el("keys-to-tell"), register.to_tell.map(function (u) { return toTellItem(u, zone); }));
  el("keys-seal").hidden = !canIntake();
  renderForm();
  renderAudit(zone);
}

// ------------------------------------------------------------------------------------- the forms

function group(name, label, children) {
  return h("fieldset", { class: "group", "data-group": name }, h("legend", { text: t(label) }), children);
}

function takeFields() {
  const now = FD.localInput(new Date().toISOString(), tz());
  return [
    field("key", { name: "reason", label: "staff.keys.field.reason", type: "textarea", required: true, max: longest("reason") }),
    field("key", { name: "basis", label: "staff.keys.field.basis", type: "select", required: true, blank: true, options: ["permission", "override"], optionPrefix: "staff.keys.basis." }),
    group("permission", "staff.keys.basis.permission", [
      field("key", { name: "permission.given_by", label: "staff.keys.field.given_by", required: true, max: longest("permission.given_by") }),
      field("key", { name: "permission.how", label: "staff.keys.field.how", type: "select", required: true, blank: true, options: rules.permission_ways, optionPrefix: "keys.how." }),
      field("key", { name: "permission.at", label: "staff.keys.field.at", type: "datetime-local", required: true, value: now }),
    ]),
    group("override", "staff.keys.basis.override", [
      field("key", { name: "override", label: "staff.keys.field.override", type: "select", required: true, blank: true, options: rules.emergencies, optionPrefix: "keys.emergency." }),
    ]),
    group("after_hours", "staff.keys.after_hours", [
      h("p", { class: "hint", text: t("staff.keys.after_hours_hint") }),
      field("key", { name: "after_hours.authorisation", label: "staff.keys.field.authorisation", max: longest("after_hours.authorisation") }),
      field("key", { name: "after_hours.escort", label: "staff.keys.field.escort", max: longest("after_hours.escort") }),
    ]),
    h("div", { class: "field", "data-field": "is_outsider" },
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "is_outsider", id: "act-key-is_outsider" }), " ", h("span", { text: t("staff.keys.field.outsider") }))
    ),
    group("outsider", "staff.keys.outsider", [
      field("key", { name: "outsider.name", label: "staff.keys.field.outsider_name", required: true, max: longest("outsider.name") }),
      field("key", { name: "outsider.company", label: "staff.keys.field.company", max: longest("outsider.company") }),
      field("key", { name: "outsider.id_document", label: "staff.keys.field.id_document", type: "select", required: true, blank: true, options: rules.id_documents, optionPrefix: "keys.id." }),
      field("key", { name: "outsider.id_number", label: "staff.keys.field.id_number", required: true, max: longest("outsider.id_number") }),
      field("key", { name: "outsider.deposit_fen", label: "staff.keys.field.deposit", required: true, inputmode: "decimal", max: yuanWidth(largest("outsider.deposit_fen")) }),
      field("key", { name: "outsider.receipt", label: "staff.keys.field.receipt", required: true, max: longest("outsider.receipt") }),
    ]),
  ];
}

function returnFields(use) {
  const out = [field("key", { name: "new_seal_number", label: "staff.keys.field.new_seal", required: true, max: longest("new_seal_number") })];
  if (use && use.outsider) {
    out.push(
      h("p", { class: "note", text: t("staff.keys.deposit_taken", { amount: FD.yuan(use.outsider.deposit_fen), receipt: use.outsider.receipt, name: use.outsider.name }) }),
      field("key", { name: "deposit.refunded_fen", label: "staff.keys.field.refunded", required: true, inputmode: "decimal", max: yuanWidth(largest("deposit.refunded_fen")), value: String(use.outsider.deposit_fen / 100) }),
      field("key", { name: "deposit.withheld_reason", label: "staff.keys.field.withheld_reason", max: longest("deposit.withheld_reason") })
    );
  }
  return out;
}

function tellFields() {
  return [
    field("key", { name: "told", label: "staff.keys.field.told", required: true, max: longest("told") }),
    field("key", { name: "how", label: "staff.keys.field.how", type: "select", required: true, blank: true, options: rules.permission_ways, optionPrefix: "keys.how." }),
    field("key", { name: "at", label: "staff.keys.field.told_at", type: "datetime-local", required: true, value: FD.localInput(new Date().toISOString(), tz()) }),
  ];
}

function sealFields() {
  const s = site();
  const buildings = s ? s.buildings || [] : [];
  return [
    h("div", { class: "field", "data-field": "building_id" },
      h("label", { for: "act-key-building_id" }, h("span", { text: t("form.building") }), " ", h("span", { class: "req", text: t("common.required") })),
      h("select", { id: "act-key-building_id", name: "building_id", required: true, "aria-describedby": "act-key-building_id-error" },
        h("option", { value: "", text: t("common.choose") }),
        buildings.map(function (b) { return h("option", { value: b.building_id, text: FD.placeName(b) }); })
      ),
      h("p", { class: "field-error", id: "act-key-building_id-error", hidden: true })
    ),
    field("key", { name: "unit", label: "staff.keys.unit", required: true, max: longest("unit") }),
    field("key", { name: "seal_number", label: "staff.keys.seal", required: true, max: longest("seal_number") }),
    field("key", { name: "sealed_with", label: "staff.keys.field.sealed_with", required: true, max: longest("sealed_with") }),
  ];
}

const TITLES = { take: "staff.keys.take_title", return: "staff.keys.return_title", tell: "staff.keys.tell_title", seal: "staff.keys.seal_new" };
const SUBMITS = { take: "staff.keys.take", return: "staff.keys.return", tell: "staff.keys.tell", seal: "staff.keys.seal_submit" };

function openForm(mode, key, use) {
  form = { mode: mode, key: key, use: use };
  el("keys-fields").textContent = "";
  renderForm();
  el("keys-form-title").focus();
}

function showGroups() {
  const node = el("keys-form");
  const basis = node.querySelector('[name="basis"]');
  const outsider = node.querySelector('[name="is_outsider"]');
  node.querySelectorAll("[data-group]").forEach(function (g) {
    const name = g.getAttribute("data-group");
    if (name === "permission" || name === "override") g.hidden = !basis || basis.value !== name;
    if (name === "outsider") g.hidden = !outsider || !outsider.checked;
  });
}

function renderForm() {
  const node = el("keys-form");
  node.hidden = !form || !rules;
  if (node.hidden) return;
  const where = form.key || form.use;
  el("keys-form-title").textContent = t(TITLES[form.mode], { place: where ? place(where) : "" });
  el("keys-submit").textContent = t(SUBMITS[form.mode]);
  // Built once per form, site and language: a reload of the register must not replace the fields
  // under the operator's cursor (the focus, and what is typed next, would be lost). A language
  // switch rebuilds them, keeping what was typed (openForm empties them first).
  const wanted = { form: form, site: state.siteId, lang: FD.lang };
  if (!built || built.form !== wanted.form || built.site !== wanted.site || built.lang !== wanted.lang) {
    const kept = {};
    node.querySelectorAll("input, select, textarea").forEach(function (c) { kept[c.name] = c.type === "checkbox" ? c.checked : c.value; });
    const fields = form.mode === "take" ? takeFields() : form.mode === "return" ? returnFields(form.use) : form.mode === "tell" ? tellFields() : sealFields();
    FD.fill(el("keys-fields"), fields);
    node.querySelectorAll("input, select, textarea").forEach(function (c) {
      if (!(c.name in kept)) return;
      if (c.type === "checkbox") c.checked = kept[c.name];
      else c.value = kept[c.name];
    });
    built = wanted;
  }
  showGroups();
}

function value(name) {
  const control = el("keys-form").querySelector('[name="' + name + '"]');
  return control ? control.value.trim() : "";
}

function fen(name, formNode) {
  const amount = FD.cents(value(name));
  if (amount === null || amount > largest(name)) FD.fieldError(formNode, name, t("error.amount"), "error.amount");
  return amount;
}

function takeBody(node) {
  const body = { version: form.key.version, reason: value("reason") };
  const basis = value("basis");
  if (!body.reason) FD.fieldError(node, "reason", t("error.required"), "error.required");
  if (!basis) FD.fieldError(node, "basis", t("error.choose"), "error.choose");
  if (basis === "permission") body.permission = { given_by: value("permission.given_by"), how: value("permission.how"), at: FD.zonedIso(value("permission.at"), tz()) };
  if (basis === "override") body.override = value("override") || null;
  if (value("after_hours.authorisation") || value("after_hours.escort")) {
    body.after_hours = { authorisation: value("after_hours.authorisation"), escort: value("after_hours.escort") };
  }
  if (node.querySelector('[name="is_outsider"]').checked) {
    body.outsider = {
      name: value("outsider.name"),
      company: value("outsider.company"),
      id_document: value("outsider.id_document"),
      id_number: value("outsider.id_number"),
      deposit_fen: fen("outsider.deposit_fen", node),
      receipt: value("outsider.receipt"),
    };
  }
  return body;
}

function returnBody(node) {
  const body = { version: form.key.version, new_seal_number: value("new_seal_number") };
  if (!body.new_seal_number) FD.fieldError(node, "new_seal_number", t("error.required"), "error.required");
  if (form.use && form.use.outsider) {
    body.deposit = { refunded_fen: fen("deposit.refunded_fen", node), withheld_reason: value("deposit.withheld_reason") };
  }
  return body;
}

function request(node) {
  if (form.mode === "take") return ["staff/emergency-keys/" + form.key.key_id + "/take", takeBody(node)];
  if (form.mode === "return") return ["staff/emergency-keys/" + form.key.key_id + "/return", returnBody(node)];
  if (form.mode === "tell") {
    const at = FD.zonedIso(value("at"), tz());
    return ["staff/emergency-key-uses/" + form.use.use_id + "/client-told", { version: form.use.version, told: value("told"), how: value("how"), at: at }];
  }
  return ["staff/emergency-keys", { site_id: state.siteId, building_id: value("building_id"), unit: value("unit"), seal_number: value("seal_number"), sealed_with: value("sealed_with") }];
}

async function submit(event) {
  event.preventDefault();
  if (busy || !form) return;
  const node = el("keys-form");
  FD.clearErrors(node);
  FD.hideAlert(el("keys-alert"));
  const [path, body] = request(node);
  if (FD.focusFirstInvalid(node)) return;
  busy = true;
  const result = await staffApi("POST", path, body);
  busy = false;
  if (!result) return;
  if (!result.ok) {
    if (!FD.serverErrors(node, result.data)) FD.showAlert(el("keys-alert"), result.data.message);
    FD.focusFirstInvalid(node);
    return;
  }
  const done = form.mode;
  form = null;
  await loadKeys();
  FD.announce(el("status"), t("staff.keys.done." + done));
}

// ------------------------------------------------------------------------------------- the audit

function auditKeyItem(key, check) {
  const where = place(key) + " · " + t("staff.keys.audit.expected", { seal: key.seal_number }) + (key.out ? " · " + t("staff.keys.state.out") : "");
  if (check) {
    const result = check.present ? t("staff.keys.audit.present", { seal: check.seal_number_seen || "" }) : t("staff.keys.audit.absent");
    const found = check.findings.map(function (f) { return t("keys.finding." + f); }).join("、");
    return h("li", { "data-audit-key": key.key_id }, h("p", { text: where }), h("p", { class: found ? "note" : "muted small", text: result + (found ? " · " + found : "") }));
  }
  if (!canIntake() || audit.audit.state !== "running") return h("li", { "data-audit-key": key.key_id }, h("p", { text: where }));
  const id = "audit-" + key.key_id;
  const box = h("form", { class: "audit-check", novalidate: true, "data-audit-key": key.key_id },
    h("p", { text: where }),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "present", id: id + "-present", checked: !key.out }), " ", h("span", { text: t("staff.keys.audit.in_cabinet") })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "seal_intact", id: id + "-intact", checked: !key.out }), " ", h("span", { text: t("staff.keys.audit.seal_intact") })),
    field("audit-" + key.key_id, { name: "seal_number_seen", label: "staff.keys.audit.seal_seen", max: longest("seal_number_seen"), value: "" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", text: t("staff.keys.audit.check"), "aria-label": t("staff.keys.audit.check") + " " + place(key) }))
  );
  box.addEventListener("submit", function (event) { checkKey(event, key, box); });
  return h("li", null, box);
}

function renderAudit(zone) {
  const title = el("keys-audit-title");
  title.textContent = t("staff.keys.audit.title", { month: month });
  if (!audit) {
    el("keys-audit-state").textContent = "";
    return;
  }
  const a = audit.audit;
  el("keys-audit-state").textContent = t("keys.audit.state." + a.state) + " · " + t("staff.keys.audit.due", { due: FD.formatTime(a.due, zone) });
  el("keys-audit-start").hidden = !(canIntake() && a.state === "pending");
  const checks = {};
  a.checks.forEach(function (c) { checks[c.key_id] = c; });
  FD.refill(el("keys-audit-list"), a.keys.map(function (k) { return auditKeyItem(k, checks[k.key_id]); }));
  const found = a.state === "filed" ? a.discrepancies : audit.discrepancies;
  el("keys-audit-found-box").hidden = found.length === 0;
  FD.fill(el("keys-audit-found"), found.map(function (d) {
    return h("li", { text: place(d) + " · " + t("keys.finding." + d.finding) + (d.seal_seen ? " · " + t("staff.keys.audit.present", { seal: d.seal_seen }) : "") });
  }));
  el("keys-audit-file").hidden = !(canIntake() && a.state === "running" && audit.unchecked.length === 0);
}

async function auditCall(path, body, formNode) {
  if (busy) return;
  busy = true;
  FD.hideAlert(el("keys-alert"));
  const result = await staffApi("POST", sitePath("key-audits/" + month + "/" + path), body);
  busy = false;
  if (!result) return;
  if (!result.ok) {
    if (!(formNode && FD.serverErrors(formNode, result.data))) FD.showAlert(el("keys-alert"), result.data.message);
    return;
  }
  audit = result.data;
  renderAudit(tz());
  FD.announce(el("status"), t("keys.audit.state." + audit.audit.state));
}

function checkKey(event, key, box) {
  event.preventDefault();
  FD.clearErrors(box);
  const present = box.querySelector('[name="present"]').checked;
  const seen = box.querySelector('[name="seal_number_seen"]').value.trim();
  if (present && !seen) {
    FD.fieldError(box, "seal_number_seen", t("error.required"), "error.required");
    FD.focusFirstInvalid(box);
    return;
  }
  const body = { version: audit.audit.version, key_id: key.key_id, present: present, seal_intact: present && box.querySelector('[name="seal_intact"]').checked };
  if (present) body.seal_number_seen = seen;
  auditCall("checks", body, box);
}

export function wireKeys() {
  el("keys-toggle").addEventListener("click", function () {
    if (el("keys").hidden) openKeys();
    else closeKeys();
  });
  el("keys-form").addEventListener("submit", submit);
  el("keys-form").addEventListener("change", showGroups);
  el("keys-cancel").addEventListener("click", function () {
    form = null;
    renderForm();
  });
  el("keys-seal").addEventListener("click", function () { openForm("seal", null, null); });
  el("keys-audit-start").addEventListener("click", function () { auditCall("start", undefined, null); });
  el("keys-audit-file").addEventListener("click", function () {
    if (audit) auditCall("file", { version: audit.audit.version }, null);
  });
}
