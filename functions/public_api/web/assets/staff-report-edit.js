/* The staff console's incident report forms: a new report (from a ticket or on its own), a draft's
   fields, its submission and its 12 h / 24 h countdown, a manager's approval or send-back, and the
   printable sheet in the manual's form (000 §3.6). staff-reports.js shows the report; this module
   changes it and hands the new view back. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { duration, remaining } from "./staff-queue.js";
import { staffApi } from "./staff-session.js";
import { el, buildingName, longest, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const known = { categories: [], severities: [] };
let shown = null; // the IncidentReportView on screen
let builtFor = ""; // report id and version the draft's fields were filled from
let fromTicket = null; // the ticket a new report is written for
let hooks = { opened: function () {}, reload: function () {} };
const busy = {};

/** The report categories and severities, from GET /public/catalogue. */
export function configureReportForms(catalogue) {
  known.categories = catalogue.incident_categories || [];
  known.severities = catalogue.incident_severities || [];
}

function reportPath(reportId, action) {
  return "staff/incident-reports/" + encodeURIComponent(reportId) + "/" + action;
}

function specs(r, isNew) {
  return [
    { name: "severity", label: "incident.field.severity", type: "select", options: known.severities, optionPrefix: "incident.severity.", required: true, value: r ? r.severity : "general" },
    { name: "category", label: "incident.field.category", type: "select", options: known.categories, optionPrefix: "incident.category.", required: true, blank: isNew, value: r ? r.category : "" },
    { name: "occurred_at", label: "incident.field.occurred_at", type: "datetime-local", required: true, value: FD.localInput(r ? r.occurred_at : new Date().toISOString(), tz()) },
    { name: "place", label: "incident.field.place", hint: isNew && fromTicket ? t("incident.form.place_hint") : null, value: r ? r.place : "" },
    { name: "details", label: "incident.field.details", type: "textarea", required: true },
    { name: "immediate_action", label: "incident.field.immediate_action", type: "textarea" },
    { name: "police_file_number", label: "incident.field.police_file_number", value: r ? r.police_file_number : "" },
    { name: "remarks", label: "incident.field.remarks", type: "textarea" },
    { name: "open_problems", label: "incident.field.open_problems", type: "textarea" },
    { name: "reported_by_name", label: "incident.field.reported_by_name", value: r ? r.reported_by_name : "" },
  ];
}

function fillFields(box, prefix, r, isNew) {
  FD.fill(box, specs(r, isNew).map(function (spec) {
    const node = field(prefix, Object.assign({ max: longest("incident_report", spec.name) }, spec));
    if (spec.type === "textarea") node.querySelector("textarea").value = r ? r[spec.name] || "" : "";
    return node;
  }));
}

/** The fields again (another language), with what was typed in them kept. */
function refill(box, prefix, r, isNew) {
  const typed = {};
  box.querySelectorAll("[name]").forEach(function (control) { typed[control.name] = control.value; });
  fillFields(box, prefix, r, isNew);
  box.querySelectorAll("[name]").forEach(function (control) {
    if (control.name in typed) control.value = typed[control.name];
  });
}

function relabel() {
  if (!el("report-new-form").hidden) refill(el("report-new-fields"), "report-new", null, true);
  if (shown && builtFor && !el("report-edit").hidden) refill(el("report-edit-fields"), "report-edit", shown.report, false);
  const reason = el("report-review-fields").querySelector("textarea");
  if (reason) {
    const typed = reason.value;
    FD.fill(el("report-review-fields"), reasonField());
    el("report-review-fields").querySelector("textarea").value = typed;
  }
}

function reasonField() {
  return field("report-review", { name: "reason", label: "incident.send_back.reason", type: "textarea" });
}

/**
 * What a form holds, as the API takes it (empty optional names left out); with `r`, only what differs
 * from the report (a time shown to the minute is not sent back unchanged, losing its seconds).
 */
function values(form, r) {
  const out = {};
  form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (control) {
    const value = control.value.trim();
    const was = !r ? null : control.name === "occurred_at" ? FD.localInput(r.occurred_at, tz()) : r[control.name] || "";
    if (value !== was) out[control.name] = value;
  });
  if ("occurred_at" in out) out.occurred_at = FD.zonedIso(out.occurred_at, tz()) || out.occurred_at;
  if (out.reported_by_name === "") delete out.reported_by_name;
  return out;
}

function fieldOf(name) {
  return name ? String(name).split(".").pop() : null;
}

/** A refusal: next to its fields, or in the form's alert; a stale or moved report is read again. */
function refused(form, alert, result, reportId) {
  FD.clearErrors(form);
  if (result.status === 409 && reportId) {
    hooks.reload(reportId, result.data.message);
    return;
  }
  if (!FD.serverErrors(form, result.data, fieldOf)) {
    FD.showAlert(alert, result.data.message);
    alert.focus();
    return;
  }
  FD.focusFirstInvalid(form);
}

async function send(key, form, alert, path, body, reportId) {
  if (busy[key]) return null;
  busy[key] = true;
  FD.hideAlert(alert);
  const result = await staffApi("POST", path, body);
  busy[key] = false;
  if (!result) return null;
  if (!result.ok) {
    refused(form, alert, result, reportId);
    return null;
  }
  FD.clearErrors(form);
  return result.data;
}

// ------------------------------------------------------------------------------------------ a new report

/** The form for a new report: for `ticket` (the open ticket), or on its own when it is null. */
export function showNewForm(ticket) {
  fromTicket = ticket || null;
  const form = el("report-new-form");
  form.hidden = false;
  FD.hideAlert(el("report-new-alert"));
  el("report-new-ticket").textContent = fromTicket ? t("incident.form.for_ticket", { number: fromTicket.number }) : "";
  el("report-new-ticket").hidden = !fromTicket;
  fillFields(el("report-new-fields"), "report-new", null, true);
  el("report-new").setAttribute("aria-expanded", "true");
  form.querySelector("select, input, textarea").focus();
}

export function hideNewForm() {
  el("report-new-form").hidden = true;
  el("report-new").setAttribute("aria-expanded", "false");
  fromTicket = null;
}

async function create(event) {
  event.preventDefault();
  const form = el("report-new-form");
  const body = Object.assign(values(form), { site_id: fromTicket ? fromTicket.site_id : state.siteId });
  if (fromTicket) body.ticket_id = fromTicket.ticket_id;
  const view = await send("create", form, el("report-new-alert"), "staff/incident-reports", body, null);
  if (!view) return;
  hideNewForm();
  hooks.opened(view, t("incident.form.created", { number: view.report.number }));
}

// ------------------------------------------------------------------------------------------ a draft, its approval

/** The forms of the report on screen: a draft's fields, a manager's review, the printable sheet. */
export function renderReportForms(view) {
  shown = view;
  const r = view.report;
  const actions = view.actions || [];
  const editing = actions.indexOf("update") >= 0;
  el("report-edit").hidden = !editing;
  el("report-submit").hidden = actions.indexOf("submit") < 0;
  const key = r.report_id + ":" + r.version;
  if (editing && builtFor !== key) {
    builtFor = key;
    fillFields(el("report-edit-fields"), "report-edit", r, false);
  }
  // A manager who submitted the report may send it back, but another manager approves it (ADR 0021).
  const approving = actions.indexOf("approve") >= 0;
  const reviewing = approving || actions.indexOf("send_back") >= 0;
  el("report-review").hidden = !reviewing;
  el("report-approve").hidden = !approving;
  el("report-review-own").hidden = approving || !reviewing;
  el("report-send-back").hidden = actions.indexOf("send_back") < 0;
  if (reviewing && !el("report-review-fields").childElementCount) {
    FD.fill(el("report-review-fields"), reasonField());
  }
  tickReport();
  fillSheet(view);
}

export function forgetReportForms() {
  shown = null;
  builtFor = "";
  FD.fill(el("report-review-fields"));
  FD.fill(el("report-sheet"));
  document.body.classList.remove("report-sheet");
}

async function save(event) {
  if (event) event.preventDefault();
  if (!shown) return null;
  const r = shown.report;
  const form = el("report-edit");
  const changes = values(form, r);
  if (!Object.keys(changes).length) { // nothing to save: the report as it is
    if (event) hooks.opened(shown, t("incident.form.saved", { number: r.number }));
    return shown;
  }
  const view = await send("save", form, el("report-alert"), reportPath(r.report_id, "update"), Object.assign(changes, { version: r.version }), r.report_id);
  if (view && event) hooks.opened(view, t("incident.form.saved", { number: view.report.number }));
  return view;
}

async function submit() {
  if (!shown) return;
  const saved = await save(null); // what is in the fields goes with it
  if (!saved) return;
  const r = saved.report;
  const view = await send("submit", el("report-edit"), el("report-alert"), reportPath(r.report_id, "submit"), { version: r.version }, r.report_id);
  if (!view) builtFor = r.report_id + ":" + r.version; // the fields (and their errors) stay as they are
  hooks.opened(view || saved, view ? t("incident.submitted", { number: r.number }) : "");
}

async function approve() {
  if (!shown) return;
  const r = shown.report;
  const view = await send("approve", el("report-review"), el("report-alert"), reportPath(r.report_id, "approve"), { version: r.version }, r.report_id);
  if (view) hooks.opened(view, t("incident.approved", { number: r.number }));
}

async function sendBack(event) {
  event.preventDefault();
  if (!shown) return;
  const r = shown.report;
  const reason = el("report-review").querySelector("textarea").value.trim();
  const view = await send("send_back", el("report-review"), el("report-alert"), reportPath(r.report_id, "send-back"), { version: r.version, reason: reason }, r.report_id);
  if (!view) return;
  FD.fill(el("report-review-fields"));
  hooks.opened(view, t("incident.sent_back", { number: r.number }));
}

/**
 * A draft's countdown to its deadline (12 h major, 24 h general), in the site's time: the report's
 * clock runs from its creation, `time_scale` times faster in a scaled demo (as the queue counts).
 * Repainted every second by the entry module.
 */
export function tickReport() {
  const node = el("report-countdown");
  const r = shown && shown.report;
  const live = !!r && r.state === "draft" && !r.submitted_at;
  node.hidden = !live;
  if (!live) return;
  el("report-overdue").hidden = true;
  const left = remaining({ due: r.due_at, start: r.created_at, timed: true });
  node.textContent = left < 0 ? t("incident.countdown.overdue", { t: duration(left) }) : t("incident.countdown.left", { t: duration(left) });
  node.className = "left " + (left < 0 ? "overdue" : left < 3600000 ? "soon" : "ok");
}

// ------------------------------------------------------------------------------------------ the printed form

function row(key, value, cls) {
  return h("tr", null, h("th", { scope: "row", text: t(key) }), h("td", { colspan: 5, class: cls || null, text: value || "" }));
}

function signature(key, name, at) {
  return h("div", { class: "sign" },
    h("p", null, h("strong", { text: t(key) }), " ", name || ""),
    h("p", { text: t("incident.print.signature") + " ________________" }),
    h("p", { text: t("incident.print.signed_date") + " " + (at || "________________") })
  );
}

/** The report as the manual's form (日期, 发生日期/时间/地点, 事件内容 … 呈报人), for @media print. */
function fillSheet(view) {
  const r = view.report;
  const zone = tz();
  const occurred = FD.formatTime(r.occurred_at, zone);
  const where = [r.building_id ? buildingName(r.building_id) : "", r.unit, r.place].filter(Boolean).join(" · ");
  const photos = (view.photos || []).filter(function (p) { return p.state === "stored"; }).length;
  document.body.classList.add("report-sheet");
  FD.fill(el("report-sheet"),
    h("h1", { text: t("incident.print.title") }),
    h("p", { class: "sheet-number", text: r.number + " · " + t("incident.severity." + r.severity) + " · " + t("incident.state." + r.state) }),
    h("table", { class: "sheet" }, h("tbody", null,
      row("incident.print.date", r.report_date),
      h("tr", null,
        h("th", { scope: "row", text: t("incident.print.occurred_date") }), h("td", { text: occurred.slice(0, 10) }),
        h("th", { scope: "row", text: t("incident.print.occurred_time") }), h("td", { text: occurred.slice(11) }),
        h("th", { scope: "row", text: t("incident.print.place") }), h("td", { text: where })
      ),
      row("incident.print.details", r.details, "long"),
      row("incident.print.action", r.immediate_action, "long"),
      row("incident.print.police", r.police_file_number),
      row("incident.print.photos", photos ? t("incident.print.photos_count", { n: photos }) : ""),
      row("incident.print.remarks", r.remarks, "long"),
      row("incident.print.problems", r.open_problems, "long")
    )),
    signature("incident.print.reported_by", r.reported_by_name, r.submitted_at ? FD.formatTime(r.submitted_at, zone) : ""),
    signature("incident.print.approved_by", r.approved_by || "", r.approved_at ? FD.formatTime(r.approved_at, zone) : "")
  );
}

export function wireReportForms(given) {
  hooks = given;
  el("report-new-form").addEventListener("submit", create);
  el("report-new-cancel").addEventListener("click", function () {
    hideNewForm();
    el("report-new").focus();
  });
  el("report-edit").addEventListener("submit", save);
  el("report-submit").addEventListener("click", submit);
  el("report-approve").addEventListener("click", approve);
  el("report-review").addEventListener("submit", sendBack);
  el("report-print").addEventListener("click", function () { window.print(); });
  FD.onLang(relabel);
}
