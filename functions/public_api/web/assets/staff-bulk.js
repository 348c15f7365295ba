/* Bulk actions on the board (docs/decisions/0021): the desk picks tickets by their checkboxes in the
   queue or a search's results, then gives them all to one engineer, or closes all but one as
   duplicates of that one (one power cut reported by many tenants). The API answers per ticket; a
   refused ticket stays picked, with its reason next to its number. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { engineerField, forgetEngineers } from "./staff-people.js";
import { canIntake, staffApi } from "./staff-session.js";
import { el, place, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const FINISHED = ["closed", "declined"];
const picked = new Map(); // ticket id -> the ticket as the board last showed it
const numbers = new Map(); // ticket id -> number, for the results of tickets no longer shown
let outcomes = null; // the last bulk answer, shown until the selection is cleared
let form = ""; // the bulk form open: "assign", "duplicates" or ""
let after = function () {};

/** Only the desk (operators, duty managers, managers) acts on several tickets at once. */
function allowed() {
  return Boolean(canIntake());
}

/** The checkbox before a row of the board: open tickets only (a closed one has nothing to do). */
export function pickBox(ticket) {
  if (!allowed() || FINISHED.indexOf(ticket.status) >= 0) return null;
  const box = h("input", {
    type: "checkbox",
    class: "pick",
    "data-pick": ticket.ticket_id,
    "aria-label": t("staff.bulk.pick", { number: ticket.number }),
  });
  box.checked = picked.has(ticket.ticket_id);
  return box;
}

/** The board shows `tickets` now: picked ones keep their newest version; one that left the board is dropped. */
export function syncPicked(tickets) {
  const shown = new Map(tickets.map(function (ticket) { return [ticket.ticket_id, ticket]; }));
  Array.from(picked.keys()).forEach(function (id) {
    const now = shown.get(id);
    if (now && FINISHED.indexOf(now.status) < 0) picked.set(id, now);
    else picked.delete(id);
  });
  renderBulk();
}

export function clearPicked() {
  picked.clear();
  outcomes = null;
  form = "";
  renderBulk();
}

function refs() {
  return Array.from(picked.values()).map(function (ticket) { return { ticket_id: ticket.ticket_id, version: ticket.version }; });
}

/** The picked tickets, the first reported first: the natural primary of an outage. */
function oldestFirst() {
  return Array.from(picked.values()).sort(function (a, b) { return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0; });
}

function assignForm() {
  return [
    engineerField("bulk", { name: "assignee", label: "staff.in.engineer", required: true }, state.siteId),
    field("bulk", { name: "reason", type: "textarea", label: "staff.bulk.reason", hint: t("staff.bulk.reason.hint") }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.bulk.assign.submit") })),
  ];
}

function duplicatesForm() {
  const tickets = oldestFirst();
  const kept = el("bulk-form").querySelector('input[name="primary"]:checked');
  const primary = kept && picked.has(kept.value) ? kept.value : tickets.length ? tickets[0].ticket_id : "";
  return [
    h("fieldset", { class: "field primary-pick", "data-field": "primary" },
      h("legend", { text: t("staff.bulk.primary") }),
      tickets.map(function (ticket) {
        const id = "bulk-primary-" + ticket.ticket_id;
        return h("div", { class: "radio" },
          h("input", { type: "radio", id: id, name: "primary", value: ticket.ticket_id, checked: ticket.ticket_id === primary }),
          h("label", { for: id, text: ticket.number + " · " + place(ticket) + " · " + ticket.description.slice(0, 40) })
        );
      }),
      h("p", { class: "field-error", id: "bulk-primary-error", hidden: true })
    ),
    field("bulk", { name: "note", type: "textarea", label: "staff.bulk.note" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.bulk.duplicates.submit") })),
  ];
}

export function renderBulk() {
  const bar = el("bulk");
  if (!bar) return;
  bar.hidden = !allowed() || (picked.size === 0 && !outcomes);
  el("bulk-count").textContent = t("staff.bulk.count", { n: picked.size });
  el("bulk-assign").disabled = picked.size === 0;
  el("bulk-duplicates").disabled = picked.size < 2;
  el("bulk-assign").setAttribute("aria-expanded", String(form === "assign"));
  el("bulk-duplicates").setAttribute("aria-expanded", String(form === "duplicates"));
  if ((form === "assign" && picked.size === 0) || (form === "duplicates" && picked.size < 2)) form = "";
  const box = el("bulk-form");
  box.hidden = !form;
  // Rebuilt only when the form or (for duplicates) the tickets it lists change: a poll of the board
  // must not wipe what is being typed. The engineer picker keeps its choice while the selection changes.
  const key = form === "duplicates" ? form + ":" + Array.from(picked.keys()).sort().join(",") : form;
  if (box.getAttribute("data-form") !== key) {
    const note = box.elements.note ? box.elements.note.value : "";
    FD.fill(box, form === "duplicates" ? duplicatesForm() : form === "assign" ? assignForm() : []);
    if (box.elements.note) box.elements.note.value = note;
    box.setAttribute("data-form", key);
  }
  FD.fill(el("bulk-results"), (outcomes || []).map(function (o) {
    const number = o.ticket ? o.ticket.number : numbers.get(o.ticket_id) || o.ticket_id;
    return h("li", { class: o.ok ? "ok" : "refused", "data-outcome": o.ticket_id },
      h("strong", { text: number }), " ", o.ok ? t("staff.bulk.result." + o.action) : o.message);
  }));
}

function open(which) {
  form = form === which ? "" : which;
  FD.hideAlert(el("bulk-alert"));
  renderBulk();
  const first = el("bulk-form").querySelector("input, select, textarea");
  if (form && first) first.focus();
}

async function submit(event) {
  event.preventDefault();
  const target = el("bulk-form");
  FD.clearErrors(target);
  FD.hideAlert(el("bulk-alert"));
  let path;
  let body;
  if (form === "assign") {
    const assignee = target.elements.assignee.value;
    if (!assignee) {
      FD.fieldError(target, "assignee", t("error.required"), "error.required");
      FD.focusFirstInvalid(target);
      return;
    }
    path = "staff/tickets/bulk-assign";
    body = { tickets: refs(), assignee: assignee, reason: target.elements.reason.value.trim() };
  } else if (form === "duplicates") {
    const primary = target.querySelector('input[name="primary"]:checked').value;
    path = "staff/tickets/" + primary + "/duplicates";
    body = { duplicates: refs().filter(function (r) { return r.ticket_id !== primary; }), note: target.elements.note.value.trim() };
  } else return;
  const result = await staffApi("POST", path, body);
  if (!result) return;
  if (!result.ok) {
    if (!FD.serverErrors(target, result.data)) FD.showAlert(el("bulk-alert"), result.data.message);
    return;
  }
  outcomes = result.data.outcomes;
  outcomes.forEach(function (o) { if (o.ok) picked.delete(o.ticket_id); });
  if (form === "duplicates" && result.data.primary) picked.delete(result.data.primary.ticket_id);
  form = "";
  forgetEngineers(state.siteId);
  renderBulk();
  FD.announce(el("status"), t("staff.bulk.done", { done: result.data.done, refused: result.data.refused }));
  after();
}

/** `reload` reads the board again after a bulk action. */
export function wireBulk(reload) {
  after = reload;
  el("tickets").addEventListener("change", function (event) {
    const box = event.target.closest("[data-pick]");
    if (!box) return;
    const id = box.getAttribute("data-pick");
    const ticket = state.board.find(function (q) { return q.ticket_id === id; });
    if (box.checked && ticket) {
      picked.set(id, ticket);
      numbers.set(id, ticket.number);
    } else picked.delete(id);
    renderBulk();
  });
  el("bulk-assign").addEventListener("click", function () { open("assign"); });
  el("bulk-duplicates").addEventListener("click", function () { open("duplicates"); });
  el("bulk-clear").addEventListener("click", function () {
    clearPicked();
    el("tickets").querySelectorAll("[data-pick]").forEach(function (box) { box.checked = false; });
  });
  el("bulk-form").addEventListener("submit", submit);
}
