/* The staff console's incident reports (managers and duty managers): the site's register for the
   year, one report with its photos, its evidence pack and the verification of either. Writing,
   submitting, approving and printing a report are in staff-report-edit.js. */
import * as FD from "./common.js";
import * as UI from "./photo-ui.js";
import * as P from "./photos.js";
import { forgetReportForms, hideNewForm, renderReportForms, showNewForm, wireReportForms } from "./staff-report-edit.js";
import { followSite } from "./staff-queue.js";
import { canReports, staffApi, valid } from "./staff-session.js";
import { el, buildingName, setLink, state, tz } from "./staff-state.js";
import { closeDetail } from "./staff-ticket.js";

const t = FD.t;
const h = FD.h;

let reportLink = null; // staff#report=<id>: the id's pattern is the catalogue's (configureReports)
let register = null; // {site_id, year, reports[]}
let report = null; // IncidentReportView of the open report
let pack = null; // the evidence pack made for the open report
let verification = null; // the last verdict on it
const busy = {};

function reportPath(reportId, action) {
  return "staff/incident-reports/" + encodeURIComponent(reportId) + (action ? "/" + action : "");
}

export async function openRegister(quiet) {
  const section = el("reports");
  section.hidden = false;
  el("reports-toggle").setAttribute("aria-expanded", "true");
  const forSite = state.siteId;
  const result = await staffApi("GET", "staff/incident-reports?site_id=" + encodeURIComponent(state.siteId));
  if (!result || forSite !== state.siteId) return;
  if (!result.ok) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  register = result.data;
  renderRegister();
  if (!quiet) FD.announce(el("status"), t("staff.reports.loaded", { n: register.reports.length }));
}

export function closeRegister(keepLink) {
  register = null;
  report = null;
  pack = null;
  forgetReportForms();
  hideNewForm();
  el("reports").hidden = true;
  el("report").hidden = true;
  el("reports-toggle").setAttribute("aria-expanded", "false");
  if (!keepLink && reportLink && reportLink.test(window.location.hash)) setLink("");
}

export function renderRegister() {
  if (!register) return;
  el("reports-title").textContent = t("staff.reports.title", { year: register.year });
  const rows = register.reports || [];
  el("reports-empty").hidden = rows.length > 0;
  el("reports-table").hidden = rows.length === 0;
  const zone = tz();
  FD.fill(el("reports-rows"), rows.map(function (entry) {
    const current = report && report.report.report_id === entry.report_id;
    const due = entry.submitted_at
      ? t("incident.state." + entry.state) + " " + FD.formatTime(entry.approved_at || entry.submitted_at, zone) + (entry.on_time === false ? " · " + t("incident.on_time.false") : "")
      : FD.formatTime(entry.due_at, zone);
    return h("tr", { class: current ? "selected" : null, "data-report": entry.report_id },
      h("th", { scope: "row" },
        h("button", {
          type: "button",
          class: "link",
          text: entry.number,
          "aria-label": t("staff.reports.open_report", { number: entry.number }),
          "aria-current": current ? "true" : null,
          onclick: function () { openReport(entry.report_id); },
        })
      ),
      h("td", null, h("span", { class: "badge small" + (entry.severity === "major" ? " severity" : ""), text: t("incident.severity." + entry.severity) })),
      h("td", { text: t("incident.state." + entry.state) }),
      h("td", null, due, entry.overdue ? [" ", h("span", { class: "left overdue", text: t("incident.overdue") })] : null)
    );
  }));
}

async function openReport(reportId, quiet, message) {
  if (el("reports").hidden || !register) await openRegister(true);
  const result = await staffApi("GET", reportPath(reportId));
  if (!result) return;
  if (!result.ok) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  if (!report || report.report.report_id !== reportId) {
    pack = null;
    verification = null;
    FD.fill(el("report-uploads"));
    FD.clearField(el("report-photos-box"), "photos");
  }
  report = result.data;
  if (followSite(report.report.site_id)) {
    closeDetail();
    await openRegister(true);
  }
  renderReport();
  renderRegister();
  setLink("#report=" + reportId);
  if (!quiet) {
    el("report").focus();
    FD.announce(el("status"), message || t("staff.reports.opened", { number: report.report.number }));
  }
}

/** A view the forms got back (created, saved, submitted, approved, sent back): shown, and said. */
async function showView(view, message) {
  if (!report || report.report.report_id !== view.report.report_id) {
    pack = null;
    verification = null;
  }
  report = view;
  renderReport();
  setLink("#report=" + view.report.report_id);
  await openRegister(true); // the register lists its new state
  if (message) {
    el("report").focus();
    FD.announce(el("status"), message);
  }
}

/** Someone changed the report meanwhile (409): what it is now, with why the change was refused. */
async function reloadReport(reportId, message) {
  await openReport(reportId, true);
  FD.showAlert(el("report-alert"), message);
  el("report-alert").focus();
}

/** The form for a new report, on its own (the register) or for the open ticket. */
async function newReport(ticket) {
  if (el("reports").hidden || !register) await openRegister(true);
  showNewForm(ticket);
}

export function renderReport() {
  if (!report) return;
  const r = report.report;
  const zone = tz();
  const actions = report.actions || [];
  el("report").hidden = false;
  el("report-title").textContent = r.number;
  el("report-state").textContent = t("incident.state." + r.state);
  el("report-overdue").hidden = !report.overdue;
  const editing = actions.indexOf("update") >= 0;
  const ticketLink = r.ticket_id
    ? h("a", { href: "#ticket=" + r.ticket_id, text: r.ticket_number || r.ticket_id })
    : null;
  const written = editing ? [] : [
    FD.pair("incident.field.severity", t("incident.severity." + r.severity)),
    FD.pair("incident.field.category", FD.tAny(["incident.category." + r.category, r.category])),
    FD.pair("incident.field.occurred_at", FD.formatTime(r.occurred_at, zone)),
    FD.pair("incident.field.due_at", FD.formatTime(r.due_at, zone)),
    FD.pair("incident.field.place", [r.building_id ? buildingName(r.building_id) : "", r.unit, r.place].filter(Boolean).join(" · ")),
    FD.pair("incident.field.details", r.details),
    FD.pair("incident.field.immediate_action", r.immediate_action),
    FD.pair("incident.field.police_file_number", r.police_file_number),
    FD.pair("incident.field.remarks", r.remarks),
    FD.pair("incident.field.open_problems", r.open_problems),
    FD.pair("incident.field.reported_by_name", r.reported_by_name),
  ];
  FD.fill(el("report-fields"),
    FD.pair("incident.field.returned_reason", r.state === "draft" ? r.returned_reason : ""),
    written,
    editing ? FD.pair("incident.field.due_at", FD.formatTime(r.due_at, zone)) : null,
    editing && r.building_id ? FD.pair("staff.field.place", [buildingName(r.building_id), r.unit].filter(Boolean).join(" · ")) : null,
    ticketLink ? FD.pair("incident.field.ticket", ticketLink) : null,
    r.submitted_at ? FD.pair("incident.field.submitted_at", FD.formatTime(r.submitted_at, zone) + (r.on_time === null || r.on_time === undefined ? "" : " · " + t("incident.on_time." + r.on_time))) : null,
    r.approved_at ? FD.pair("incident.field.approved_at", r.approved_by + " · " + FD.formatTime(r.approved_at, zone)) : null
  );
  renderReportForms(report);
  renderEvents(report.timeline || [], zone);
  const photos = report.photos || [];
  UI.gallery(el("report-photos"), photos, { staff: true, tz: zone });
  el("report-photos-empty").hidden = photos.length > 0;
  el("report-photos-count").textContent = photos.length ? t("photo.count", { n: UI.counted(photos), max: state.known.photosPerReport }) : "";
  const mayAdd = actions.indexOf("photos") >= 0;
  el("report-photos-add").hidden = !mayAdd;
  el("report-photos-closed").hidden = mayAdd || r.state === "draft";
  el("report-photo-input").disabled = !!busy.reportPhotos || UI.counted(photos) >= state.known.photosPerReport;
  el("report-pack").hidden = actions.indexOf("evidence_pack") < 0;
  el("report-verify").hidden = actions.indexOf("verify") < 0;
  el("report-verify-pack").hidden = actions.indexOf("verify") < 0 || !pack;
  renderPack();
  renderVerification();
}

/** Who did what to the report and when, newest first (a manager's approval or send-back among them). */
function renderEvents(events, zone) {
  FD.fill(el("report-timeline"), events.slice().reverse().map(function (e) {
    const actor = e.actor || {};
    return h("li", { class: "event", "data-action": e.action },
      h("p", { class: "event-head" },
        h("time", { datetime: e.at, text: FD.formatTime(e.at, zone) }),
        " ",
        h("strong", { text: FD.tAny(["incident.event." + e.action, e.action]) }),
        h("span", { class: "by", text: " · " + (actor.kind === "staff" ? actor.id : FD.tAny(["by." + actor.kind, actor.kind || ""])) })
      ),
      e.detail && e.detail.reason ? h("p", { class: "event-detail", text: t("incident.event.reason", { reason: e.detail.reason }) }) : null
    );
  }));
}

function renderVerification() {
  const out = el("report-verify-result");
  const v = verification;
  if (!v) {
    out.textContent = "";
    out.removeAttribute("data-ok");
    return;
  }
  if (v.busy || v.message) {
    out.textContent = v.busy ? t("incident.verify.busy") : v.message;
    if (v.message) out.setAttribute("data-ok", "false");
    else out.removeAttribute("data-ok");
    return;
  }
  const subject = FD.tAny(["incident.verify.subject." + v.subject, v.subject]);
  const verdict = v.ok
    ? t("incident.verify.ok", { n: v.checked.length })
    : t("incident.verify.bad", { changed: v.changed.length, missing: v.missing.length, unexpected: v.unexpected.length });
  const named = [].concat(v.changed, v.missing, v.unexpected, v.problems || []);
  out.textContent = subject + " · " + verdict + (named.length ? " " + named.join(", ") : "");
  out.setAttribute("data-ok", v.ok ? "true" : "false");
}

function renderPack() {
  const ready = el("report-pack-ready");
  ready.hidden = !pack;
  if (!pack) return;
  const link = el("report-pack-link");
  link.setAttribute("href", pack.url);
  link.textContent = t("incident.pack.link", { files: pack.files, size: UI.size(pack.size) });
  el("report-pack-hash").textContent = t("incident.pack.sha256", { v: pack.sha256 });
}

async function makePack() {
  if (!report || busy.pack) return;
  const button = el("report-pack");
  busy.pack = true;
  button.disabled = true;
  button.textContent = t("incident.pack.busy");
  FD.hideAlert(el("report-alert"));
  const result = await staffApi("POST", reportPath(report.report.report_id, "evidence-pack"));
  busy.pack = false;
  button.disabled = false;
  button.textContent = t("incident.pack");
  if (!result) return;
  if (!result.ok) {
    FD.showAlert(el("report-alert"), result.data.message);
    el("report-alert").focus();
    return;
  }
  pack = result.data;
  renderReport();
  el("report-pack-link").focus();
}

async function verify(withPack) {
  if (!report || busy.verify) return;
  const reportId = report.report.report_id;
  busy.verify = true;
  verification = { busy: true };
  renderVerification();
  const body = withPack && pack ? { pack_id: pack.pack_id } : {};
  const result = await staffApi("POST", reportPath(reportId, "verify"), body);
  busy.verify = false;
  if (!result || !report || report.report.report_id !== reportId) return;
  verification = result.ok ? result.data : { message: result.data.message };
  renderVerification();
}

async function addReportPhotos() {
  const input = el("report-photo-input");
  const box = el("report-photos-box");
  if (busy.reportPhotos || !report || !valid(state.session)) return;
  const reportId = report.report.report_id;
  const picked = UI.pick(input.files, state.known.photosPerReport - UI.counted(report.photos));
  input.value = "";
  if (picked.refused.length) FD.fieldError(box, "photos", UI.problemText(picked.refused));
  else FD.clearField(box, "photos");
  if (!picked.accepted.length) return;
  busy.reportPhotos = true;
  renderReport();
  const list = el("report-uploads");
  FD.fill(list);
  const counts = await UI.uploadAll(reportPath(reportId, "photos"), picked.accepted, list, {
    token: state.session.token,
    listPath: reportPath(reportId), // the report's view lists its photos
    before: function () { return valid(state.session); },
  });
  busy.reportPhotos = false;
  if (!state.session) return;
  if (report && report.report.report_id === reportId) await openReport(reportId, true);
  FD.announce(el("status"), UI.summary(counts));
}

export function configureReports(known) {
  reportLink = FD.hashLink("report", [(known.patterns || {}).report_id]);
}

/** A link to a report (staff#report=<id>, from a mail) opens it, unless it is open already. */
export function followReportLink() {
  const linked = reportLink && reportLink.exec(window.location.hash);
  if (linked && canReports() && (!report || report.report.report_id !== linked[1])) openReport(linked[1]);
}

function closeReport() {
  report = null;
  pack = null;
  forgetReportForms();
  el("report").hidden = true;
  setLink("");
  renderRegister();
  const first = el("reports-rows").querySelector("button");
  if (first) first.focus();
}

export function wireReports() {
  el("report-photo-input").setAttribute("accept", P.ACCEPT);
  el("report-photo-input").addEventListener("change", addReportPhotos);
  el("reports-toggle").addEventListener("click", function () {
    if (el("reports").hidden) openRegister();
    else closeRegister();
  });
  el("report-close").addEventListener("click", closeReport);
  el("report-new").addEventListener("click", function () { newReport(null); });
  el("detail-new-report").addEventListener("click", function () {
    if (state.selected) newReport(state.selected.ticket);
  });
  wireReportForms({ opened: showView, reload: reloadReport });
  el("report-pack").addEventListener("click", makePack);
  el("report-verify").addEventListener("click", function () { verify(false); });
  el("report-verify-pack").addEventListener("click", function () { verify(true); });
}
