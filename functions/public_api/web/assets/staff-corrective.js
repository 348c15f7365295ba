/* A major complaint's corrective-action report (纠正措施报告, 001 part 2): read when a complaint is
   opened and shown when the API says it needs one (which complaints do is the API's rule). The
   supervisors write it (cause, action, owner, due day) until a manager verifies it was done; a
   late one escalates by its clock. A refusal is shown on the form that caused it. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { staffApi } from "./staff-session.js";
import { el, longest, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;
const WRITE_FIELDS = [
  { name: "cause", type: "textarea", label: "staff.corrective.cause", required: true },
  { name: "action", type: "textarea", label: "staff.corrective.action", required: true },
  { name: "owner", label: "staff.corrective.owner", required: true },
  { name: "due_date", type: "date", label: "staff.corrective.due_date", required: true },
];
const VERIFY_FIELDS = [{ name: "result", type: "textarea", label: "staff.corrective.result", required: true }];

function path(ticketId, what) {
  return "staff/tickets/" + encodeURIComponent(ticketId) + "/" + what;
}

function holds(role) {
  return !!state.session && state.session.groups.indexOf(role) >= 0;
}

function summary(report) {
  const zone = tz();
  const v = report.verification;
  return h("dl", { class: "details" },
    FD.pair("staff.corrective.cause", report.cause),
    FD.pair("staff.corrective.action", report.action),
    FD.pair("staff.corrective.owner", report.owner),
    FD.pair("staff.corrective.due_date", report.due_date),
    FD.pair("staff.corrective.title", v
      ? t("staff.corrective.verified", { by: v.by, at: FD.formatTime(v.at, zone), result: v.result })
      : t("staff.corrective.waiting", { due: FD.formatTime(report.due_at, zone) })),
    h("dd", { class: "muted small", text: t("staff.corrective.written", { by: report.written_by, at: FD.formatTime(report.written_at, zone) }) })
  );
}

/** A form posting `what` with the report's version, its limits the catalogue's form `rules`; the
    answer re-renders the panel. */
function form(ticketId, what, rules, specs, report, submitKey) {
  const node = h("form", { class: "action-form", "data-corrective": what, novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    specs.map(function (spec) {
      const value = report && report[spec.name] !== undefined ? report[spec.name] : spec.value;
      return field("corrective-" + what, Object.assign({}, spec, { value: value, max: longest(rules, spec.name) }));
    }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t(submitKey) }))
  );
  node.addEventListener("submit", async function (event) {
    event.preventDefault();
    const alert = node.querySelector(".alert");
    FD.clearErrors(node);
    FD.hideAlert(alert);
    const body = { version: report ? report.version : 0 };
    const missing = [];
    specs.forEach(function (spec) {
      const value = node.elements[spec.name].value.trim();
      if (!value) missing.push(spec.name);
      body[spec.name] = value;
    });
    if (missing.length) {
      missing.forEach(function (name) { FD.fieldError(node, name, t("error.required"), "error.required"); });
      FD.focusFirstInvalid(node);
      return;
    }
    const result = await staffApi("POST", path(ticketId, what), body);
    if (!result) return;
    if (result.ok) {
      FD.fill(el("detail-corrective"), content(result.data));
      FD.announce(el("status"), t("staff.corrective.saved"));
      return;
    }
    FD.serverErrors(node, result.data, function (f) { return f; });
    FD.showAlert(alert, result.data.message);
  });
  return node;
}

function content(view) {
  const report = view.report;
  const open = !report || !report.verification;
  return h("section", { class: "corrective", "aria-labelledby": "corrective-title" },
    h("h3", { id: "corrective-title", text: t("staff.corrective.title") }),
    h("p", { class: "hint", text: t("staff.corrective.required") }),
    report ? summary(report) : h("p", { class: "muted", text: t("staff.corrective.none") }),
    open && (holds("duty_manager") || holds("manager"))
      ? h("details", { open: !report }, h("summary", { text: t("staff.corrective.save") }), form(view.ticket_id, "corrective-action", "corrective", WRITE_FIELDS, report, "staff.corrective.save"))
      : null,
    report && open && holds("manager")
      ? h("details", null, h("summary", { text: t("staff.corrective.verify") }), form(view.ticket_id, "verify-action", "verify_corrective", VERIFY_FIELDS, { version: report.version }, "staff.corrective.verify"))
      : null
  );
}

/** The open complaint's report, when it needs one (read each time the complaint is shown). */
export async function renderCorrective(ticket) {
  const box = el("detail-corrective");
  FD.fill(box);
  if (ticket.kind !== "complaint") return;
  const result = await staffApi("GET", path(ticket.ticket_id, "corrective-action"));
  const still = state.selected && state.selected.ticket.ticket_id === ticket.ticket_id;
  if (!result || !result.ok || !still) return;
  if (result.data.required || result.data.report) FD.fill(box, content(result.data));
}
