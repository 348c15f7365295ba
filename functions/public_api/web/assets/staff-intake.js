/* The staff console's intake: a ticket taken by phone, at the desk or from a letter. */
import * as FD from "./common.js";
import { intakeFields, intakeNames } from "./staff-complaint.js";
import { field } from "./staff-fields.js";
import { loadQueue } from "./staff-queue.js";
import { staffApi } from "./staff-session.js";
import { el, site, state } from "./staff-state.js";
import { openTicket } from "./staff-ticket.js";

const t = FD.t;
const h = FD.h;

let intakeKey = null; // one per ticket taken; a retry of the same content reuses it
const busy = {};

function renderIntake() {
  const form = el("intake-form");
  // Rebuilt while in use (another kind, another language): the keyboard stays on the control it was on.
  const focused = form.contains(document.activeElement) ? document.activeElement.name : "";
  const s = site();
  const kind = (form.elements.kind && form.elements.kind.value) || "repair";
  const category = (form.elements.category && form.elements.category.value) || "";
  const keep = {};
  Array.prototype.forEach.call(form.elements, function (c) { if (c.name) keep[c.name] = c.value; });
  const buildings = s ? s.buildings || [] : [];
  FD.fill(form,
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("div", { class: "grid" },
      field("intake", { name: "channel", type: "select", label: "staff.intake.channel", options: state.known.intakeChannels || [], optionPrefix: "channel.", required: true }),
      field("intake", { name: "kind", type: "select", label: "form.kind", options: state.known.kinds, optionPrefix: "kind.", required: true, value: kind }),
      field("intake", { name: "category", type: "select", label: "form.category", options: state.known.categories[kind] || [], optionPrefix: "category." + kind + ".", required: true, blank: true }),
      intakeFields(kind, category),
      h("div", { class: "field", "data-field": "building_id" },
        h("label", { for: "act-intake-building_id" }, h("span", { text: t("form.building") }), " ", h("span", { class: "req", text: t("common.required") })),
        h("select", { id: "act-intake-building_id", name: "building_id", required: true, "aria-describedby": "act-intake-building_id-error" },
          h("option", { value: "", text: t("common.choose") }),
          buildings.map(function (b) { return h("option", { value: b.building_id, text: FD.placeName(b) }); })
        ),
        h("p", { class: "field-error", id: "act-intake-building_id-error", hidden: true })
      ),
      field("intake", { name: "unit", label: "form.unit", max: state.known.limits.unit }),
      field("intake", { name: "location", label: "form.location", max: state.known.limits.short_text }),
      field("intake", { name: "contact_name", label: "form.contact_name", required: true, max: state.known.limits.name }),
      field("intake", { name: "contact_phone", type: "tel", label: "form.contact_phone" }),
      field("intake", { name: "contact_email", type: "email", label: "form.contact_email", max: state.known.limits.email })
    ),
    field("intake", { name: "description", type: "textarea", label: "form.description", required: true }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.intake.submit") }))
  );
  Object.keys(keep).forEach(function (name) {
    const control = form.elements[name];
    if (control && name !== "kind" && keep[name] !== undefined) {
      control.value = keep[name];
      if (control.tagName === "SELECT" && control.value !== keep[name]) control.value = control.options.length ? control.options[0].value : "";
    }
  });
  if (focused && form.elements[focused]) form.elements[focused].focus();
}

async function submitIntake(event) {
  event.preventDefault();
  const form = el("intake-form");
  const alert = form.querySelector(".alert");
  if (busy.intake) return;
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const read = function (name) { return form.elements[name] ? form.elements[name].value.trim() : ""; };
  const problems = [];
  ["channel", "kind", "category", "building_id"].forEach(function (n) { if (!read(n)) problems.push([n, "error.choose"]); });
  ["contact_name", "description"].forEach(function (n) { if (!read(n)) problems.push([n, "error.required"]); });
  if (!read("unit") && !read("location")) problems.push(["unit", "error.unit_or_location"]);
  if (read("contact_phone") && state.known.phone && !state.known.phone.test(read("contact_phone"))) problems.push(["contact_phone", "error.phone"]);
  if (problems.length) {
    problems.forEach(function (p) { FD.fieldError(form, p[0], t(p[1]), p[1]); });
    FD.focusFirstInvalid(form);
    return;
  }
  const body = {
    site_id: state.siteId,
    building_id: read("building_id"),
    unit: read("unit"),
    location: read("location"),
    kind: read("kind"),
    category: read("category"),
    channel: read("channel"),
    description: read("description"),
    contact_name: read("contact_name"),
    language: FD.lang,
  };
  intakeNames(body.kind, body.category).forEach(function (n) { if (read(n)) body[n] = read(n); });
  if (read("contact_phone")) body.contact_phone = read("contact_phone");
  if (read("contact_email")) body.contact_email = read("contact_email");
  busy.intake = true;
  intakeKey = intakeKey || FD.newKey();
  const result = await staffApi("POST", "staff/tickets", body, { "Idempotency-Key": intakeKey });
  busy.intake = false;
  if (!result) return;
  if (result.ok) {
    intakeKey = null;
    form.reset();
    renderIntake();
    toggleIntake(false);
    await loadQueue(true);
    if (result.data.ticket_id) await openTicket(result.data.ticket_id, true);
    el("detail").focus();
    FD.announce(el("status"), t("staff.intake.done", { number: result.data.number }));
    return;
  }
  const shown = FD.serverErrors(form, result.data, function (f) { return f ? String(f).split(".")[0] : null; });
  FD.showAlert(alert, result.data.message);
  if (shown) FD.focusFirstInvalid(form);
  else alert.focus();
}

function toggleIntake(open) {
  const section = el("intake");
  const show = open === undefined ? section.hidden : open;
  section.hidden = !show;
  el("new-ticket-toggle").setAttribute("aria-expanded", show ? "true" : "false");
  if (show) {
    renderIntake();
    const first = el("intake-form").querySelector("select, input");
    if (first) first.focus();
  }
}

/** Open: re-rendered (the site's buildings, the language) while the form keeps what was typed. */
export function refreshIntake() {
  if (!el("intake").hidden) renderIntake();
}

/** Signed out: the form closes. */
export function closeIntake() {
  el("intake").hidden = true;
  el("new-ticket-toggle").setAttribute("aria-expanded", "false");
}

export function wireIntake() {
  el("new-ticket-toggle").addEventListener("click", function () { toggleIntake(); });
  el("intake-form").addEventListener("submit", submitIntake);
  el("intake-form").addEventListener("input", function () { intakeKey = null; });
  el("intake-form").addEventListener("change", function (event) {
    intakeKey = null;
    if (event.target.name === "kind" || event.target.name === "category") renderIntake();
  });
}
