/* What the console adds for complaints and emergencies: the intake fields the statistics and the
   call lists need (severity, the department and the staff member or equipment complained about,
   occupants with disabilities on a fire call), and what the open ticket shows of them. The
   choices come from GET /public/catalogue (state.known), never from here. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { state, tz } from "./staff-state.js";

const t = FD.t;

/** The intake fields that depend on the kind (and, for an emergency, on the category). */
export function intakeFields(kind, category) {
  if (kind === "complaint") {
    return [
      field("intake", { name: "severity", type: "select", label: "staff.intake.severity", options: state.known.severities, optionPrefix: "severity.", required: true, value: "normal" }),
      field("intake", { name: "department_concerned", type: "select", label: "staff.field.department_concerned", options: state.known.departments, optionPrefix: "department.", blank: true, value: "" }),
      field("intake", { name: "concerning", label: "staff.field.concerning", max: state.known.limits.short_text }),
    ];
  }
  if (kind === "emergency" && category === state.known.fireCategory) {
    return [field("intake", { name: "disabled_occupants", type: "select", label: "staff.field.disabled_occupants", options: state.known.disabledOccupants, optionPrefix: "occupants.", required: true, blank: true, value: "" })];
  }
  return [];
}

/** The names of the fields above a request of this kind and category must send (when filled). */
export function intakeNames(kind, category) {
  return intakeFields(kind, category).map(function (node) { return node.getAttribute("data-field"); });
}

/** The open ticket's complaint and emergency facts, as <dt>/<dd> pairs. */
export function complaintPairs(tk) {
  const validity = tk.validity;
  return [
    tk.repeat_of ? FD.pair("staff.field.repeat", t("staff.repeat." + tk.kind, { n: tk.repeat_of })) : null,
    tk.department_concerned ? FD.pair("staff.field.department_concerned", FD.tAny(["department." + tk.department_concerned, tk.department_concerned])) : null,
    FD.pair("staff.field.concerning", tk.concerning),
    validity ? FD.pair("staff.field.validity", t("detail.valid." + validity.valid) + " · " + validity.reason + " · " + validity.by) : null,
    validity && validity.valid ? FD.pair("staff.field.our_fault", t("detail.our_fault." + validity.our_fault)) : null,
    tk.apology_mailed_at ? FD.pair("staff.apology.title", t("staff.apology.mailed_at", { at: FD.formatTime(tk.apology_mailed_at, tz()) })) : null,
    tk.disabled_occupants ? FD.pair("staff.field.disabled_occupants", t("occupants." + tk.disabled_occupants)) : null,
    FD.pair("staff.field.follow_up_day", tk.follow_up_day),
    tk.written_reply ? FD.pair("staff.field.written_reply", writtenReply(tk.written_reply)) : null,
  ];
}

function writtenReply(reply) {
  const state = reply.approved_by ? t("staff.written.approved", { by: reply.approved_by }) : t("staff.written.waiting");
  return [FD.h("span", { class: "badge small", "data-written": reply.approved_by ? "approved" : "waiting", text: state }), " ", reply.text];
}
