/* The staff console's action forms for the open ticket (dispatch, reassign, reschedule, quote,
   complete, cancel …): each action the API offers this user gets a form; its body is checked here,
   then sent. The engineer is picked from the site's list (staff-people.js). */
import * as FD from "./common.js";
import { capRows, field } from "./staff-fields.js";
import { engineerField, forgetEngineers } from "./staff-people.js";
import { staffApi } from "./staff-session.js";
import { choices, el, largest, longest, most, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const busy = {};

// The actions that name an engineer: the site's open-ticket counts change when one succeeds.
const ASSIGNING = ["dispatch", "take", "reassign", "redispatch"];

function department(spec) {
  return Object.assign({ name: "department", type: "select", label: "staff.in.department", options: state.known.departments, optionPrefix: "department.", value: "engineering", required: true }, spec);
}

/** The engineer picker; a move (`ticket` given) cannot name the engineer who has the work now. */
function engineer(ticket) {
  return { name: "assignee", type: "engineer", label: "staff.in.engineer", required: true, exclude: ticket && ticket.assignment ? ticket.assignment.assignee : "" };
}

function reason(label) {
  return { name: "reason", type: "textarea", label: label, required: true };
}

function actionFields(action, ticket) {
  const zone = tz();
  switch (action) {
    case "decline":
    case "unfinished":
      return [reason("staff.in.reason")];
    case "dispatch":
      return [department(), engineer()];
    case "take":
      return [department()];
    case "reassign":
      return [engineer(ticket), department({ label: "staff.in.department.keep", required: false, blank: true, value: "" }), reason("staff.in.reason.reassign")];
    case "redispatch":
      return [department(), engineer(ticket), reason("staff.in.reason.redispatch")];
    case "cancel":
      return [reason("staff.in.reason.cancel")];
    case "reschedule": {
      const due = ticket.arrival_due ? new Date(Date.parse(ticket.arrival_due) + 15 * 60000).toISOString() : new Date().toISOString();
      return [
        { name: "new_arrival", type: "datetime-local", label: "staff.in.new_arrival", required: true, value: FD.localInput(due, zone) },
        { name: "agreed_with", label: "staff.in.agreed_with", required: true, max: longest(action, "agreed_with"), value: (ticket.contact || {}).name || "" },
        { name: "contact_method", type: "select", label: "staff.in.contact_method", options: choices(action, "contact_method"), optionPrefix: "method.", required: true },
        { name: "note", type: "textarea", label: "staff.in.note" },
      ];
    }
    case "complete":
      return [{ name: "summary", type: "textarea", label: "staff.in.summary", required: true }];
    case "handle":
      return [
        department({ blank: true, value: undefined }),
        { name: "action_taken", type: "textarea", label: "staff.in.action_taken", required: true },
        { name: "severity", type: "select", label: "staff.in.severity", options: state.known.severities, optionPrefix: "severity.", blank: true, value: "" },
      ];
    case "draft_reply":
      return [{ name: "text", type: "textarea", label: "staff.in.written_reply", required: true, value: ticket.written_reply ? ticket.written_reply.text : undefined }];
    case "agree_reply":
      return [
        { name: "reply_by", type: "datetime-local", label: "staff.in.reply_by", required: true, value: FD.localInput(ticket.reply_due || new Date().toISOString(), zone) },
        { name: "agreed_with", label: "staff.in.agreed_with", required: true, max: longest(action, "agreed_with"), value: (ticket.contact || {}).name || "" },
        { name: "contact_method", type: "select", label: "staff.in.contact_method", options: choices(action, "contact_method"), optionPrefix: "method.", required: true },
        { name: "note", type: "textarea", label: "staff.in.note" },
      ];
    case "repairs":
      return [
        { name: "category", type: "select", label: "form.category", options: state.known.categories.repair || [], optionPrefix: "category.repair.", required: true, blank: true, value: "" },
        { name: "description", type: "textarea", label: "form.description", required: true },
      ];
    case "validity":
      return [
        { name: "valid", type: "select", label: "staff.in.valid", options: ["true", "false"], optionPrefix: "staff.in.valid.", required: true, blank: true, value: "" },
        reason("staff.in.validity_reason"),
        { name: "our_fault", type: "select", label: "staff.in.our_fault", options: ["false", "true"], optionPrefix: "detail.our_fault.", value: "false" },
      ];
    case "apology":
      return [
        { name: "delivery", type: "select", label: "staff.apology.title", options: choices(action, "delivery"), optionPrefix: "staff.apology.", required: true, value: (ticket.contact || {}).email && !ticket.apology_mailed_at ? "mail" : "print" },
        { name: "language", type: "select", label: "staff.apology.language", options: choices(action, "language"), optionPrefix: "language.", required: true, value: ticket.language || "zh-CN" },
        { name: "action", type: "textarea", label: "staff.apology.action", required: true },
        { name: "signatory", label: "staff.apology.signatory", required: true, max: longest(action, "signatory"), value: state.session ? state.session.user : "" },
      ];
    case "reply":
      return [
        { name: "reply", type: "textarea", label: "staff.in.reply", required: true },
        { name: "method", type: "select", label: "staff.in.method", options: choices(action, "method"), optionPrefix: "method.", required: true },
      ];
    case "note":
    case "message":
      return [{ name: "text", type: "textarea", label: "staff.in.text." + action, required: true }];
    case "close": {
      const needsNote = ticket.status === "completed";
      return [{ name: "note", type: "textarea", label: needsNote ? "staff.in.note.close" : "staff.in.note", required: needsNote }];
    }
    default:
      return [];
  }
}

function quoteRow(index) {
  return h("div", { class: "quote-row", "data-row": String(index) },
    field("quote", { name: "lines." + index + ".item", label: "staff.in.item", required: true, max: longest("quote", "lines." + index + ".item") }),
    field("quote", { name: "lines." + index + ".amount_cents", label: "staff.in.amount", required: true, inputmode: "decimal" }),
    h("button", { type: "button", class: "link remove-line", text: t("staff.in.remove_line"), onclick: function (event) {
      const rows = event.target.closest(".quote-lines");
      if (rows.children.length > 1) event.target.closest(".quote-row").remove();
    } })
  );
}

function quoteFields() {
  let next = 1;
  const rows = h("div", { class: "quote-lines" }, quoteRow(0));
  const add = h("button", { type: "button", class: "secondary small", text: t("staff.in.add_line"), onclick: function () {
    rows.appendChild(quoteRow(next));
    next += 1;
  } });
  capRows(add, rows, most("quote", "lines"));
  return [
    rows,
    h("p", null, add),
    field("quote", { name: "tax_cents", label: "staff.in.tax", required: true, inputmode: "decimal", value: "0" }),
    field("quote", { name: "labour_cents", label: "staff.in.labour", required: true, inputmode: "decimal", value: "0" }),
  ];
}

/** The amount typed in the quote's field `name`, in fen, or null when it is not one the API takes
    (two decimals at most, up to the catalogue's ceiling). */
function amount(name, text) {
  const fen = FD.cents(text);
  const most = largest("quote", name);
  return fen === null || (most !== undefined && fen > most) ? null : fen;
}

/** The body for an action from its form; client-side problems are marked on the form. */
function collect(action, form, ticket) {
  const problems = [];
  const body = { version: ticket.version };
  const read = function (name) {
    const control = form.elements[name];
    return control ? control.value.trim() : "";
  };
  if (action === "quote") {
    const lines = [];
    form.querySelectorAll(".quote-row").forEach(function (row, position) {
      const index = row.getAttribute("data-row");
      const item = read("lines." + index + ".item");
      const fen = amount("lines." + index + ".amount_cents", read("lines." + index + ".amount_cents"));
      if (!item) problems.push(["lines." + index + ".item", "error.required"]);
      if (fen === null) problems.push(["lines." + index + ".amount_cents", "error.amount"]);
      lines.push({ item: item, amount_cents: fen, _row: index, _position: position });
    });
    ["tax_cents", "labour_cents"].forEach(function (name) {
      body[name] = amount(name, read(name));
      if (body[name] === null) problems.push([name, "error.amount"]);
    });
    body.lines = lines.map(function (l) { return { item: l.item, amount_cents: l.amount_cents }; });
    form._rows = lines.map(function (l) { return l._row; });
    return { body: body, problems: problems };
  }
  actionFields(action, ticket).forEach(function (spec) {
    const v = read(spec.name);
    if (spec.required && !v) {
      problems.push([spec.name, spec.type === "engineer" ? "error.engineer" : spec.type === "select" ? "error.choose" : "error.required"]);
      return;
    }
    if (!v && !spec.required) {
      if (spec.type !== "select") body[spec.name] = v;
      return;
    }
    if (spec.type === "datetime-local") body[spec.name] = FD.zonedIso(v, tz());
    else body[spec.name] = v;
  });
  return { body: body, problems: problems };
}

function mapServerField(form) {
  return function (field) {
    if (!field) return null;
    const m = /^lines\.(\d+)\.(\w+)$/.exec(field);
    if (m && form._rows) return "lines." + form._rows[Number(m[1])] + "." + m[2];
    return field;
  };
}

/** Since `ticket` was read, only the SLA timer (a system actor) has written, or a colleague a note
    (neither changes what an action depends on), and `action` is still open. */
function onlyTimerSince(fresh, ticket, action) {
  const newer = (fresh.timeline || []).filter(function (e) { return e.seq > ticket.version; });
  return fresh.ticket.status === ticket.status
    && (fresh.actions || []).concat(fresh.conversation || []).indexOf(action) >= 0
    && newer.length > 0
    && newer.every(function (e) { return (e.actor && e.actor.kind === "system") || e.action === "note"; });
}

async function runAction(action, form, handlers) {
  if (busy.action || !state.selected) return;
  const ticket = state.selected.ticket;
  const alert = form.querySelector(".alert");
  FD.clearErrors(form);
  FD.hideAlert(alert);
  FD.hideAlert(el("detail-alert"));
  const collected = collect(action, form, ticket);
  if (collected.problems.length) {
    collected.problems.forEach(function (p) { FD.fieldError(form, p[0], t(p[1]), p[1]); });
    FD.focusFirstInvalid(form);
    return;
  }
  busy.action = true;
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  const path = "staff/tickets/" + encodeURIComponent(ticket.ticket_id) + "/" + action;
  let result = await staffApi("POST", path, collected.body);
  // The SLA timer's escalations also move the version on; they change nothing this action depends
  // on, so the action is sent again on the fresh version. Anyone else's change stops it.
  for (let attempt = 0; attempt < 2 && result && result.status === 409 && result.data.code === "version_conflict"; attempt += 1) {
    const fresh = await staffApi("GET", "staff/tickets/" + encodeURIComponent(ticket.ticket_id));
    if (!fresh || !fresh.ok || !onlyTimerSince(fresh.data, ticket, action)) break;
    collected.body.version = fresh.data.ticket.version;
    result = await staffApi("POST", path, collected.body);
  }
  busy.action = false;
  submit.disabled = false;
  if (!result) return;
  if (result.ok) {
    if (ASSIGNING.indexOf(action) >= 0) forgetEngineers(ticket.site_id);
    handlers.done(result.data, action);
    return;
  }
  if (result.status === 409 && result.data.code === "version_conflict") {
    await handlers.conflict(ticket.ticket_id);
    return;
  }
  const shown = FD.serverErrors(form, result.data, mapServerField(form));
  if (shown) {
    FD.showAlert(alert, result.data.message);
    FD.focusFirstInvalid(form);
  } else {
    FD.showAlert(alert, result.data.message);
    alert.focus();
  }
}

/** The form of one action (or a conversation's: note, message), sent as the API asks; `extra` goes above its button. */
export function actionForm(action, ticket, handlers, extra) {
  const form = h("form", { class: "action-form", "data-action-form": action, novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    action === "quote" ? quoteFields() : actionFields(action, ticket).map(function (spec) {
      return spec.type === "engineer" ? engineerField(action, spec, ticket.site_id) : field(action, spec);
    }),
    extra || null,
    h("div", { class: "actions" }, h("button", { type: "submit", class: action === "decline" || action === "cancel" ? "danger" : "primary", text: t("staff.do." + action) }))
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runAction(action, form, handlers);
  });
  form.addEventListener("input", function (event) {
    const box = event.target.closest("[data-field]");
    if (box && box.classList.contains("invalid")) FD.clearField(form, box.getAttribute("data-field"));
  });
  return form;
}

/**
 * The open ticket's action forms in `list`. handlers.done(ticketView, action) takes the ticket as
 * the action left it; handlers.conflict(ticketId) runs when someone else changed it meanwhile.
 */
export function renderActions(list, handlers) {
  const ticket = state.selected.ticket;
  const actions = state.selected.actions || [];
  el("actions-none").hidden = actions.length > 0;
  FD.fill(list, actions.map(function (action) {
    const form = actionForm(action, ticket, handlers);
    // Nothing to fill in (arrive): the button is the action.
    if (action === "arrive") return h("div", { class: "action", "data-action": action }, form);
    return h("details", { class: "action", "data-action": action, open: actions.length === 1 },
      h("summary", { text: t("staff.do." + action) }),
      form
    );
  }));
}

