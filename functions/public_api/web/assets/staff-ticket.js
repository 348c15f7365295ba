/* The staff console's ticket panel: one ticket's fields, photos, timeline and the forms of the
   actions this user may take on it (built by staff-actions.js). */
import * as FD from "./common.js";
import * as UI from "./photo-ui.js";
import * as P from "./photos.js";
import { renderActions } from "./staff-actions.js";
import { showLetter } from "./staff-apology.js";
import { complaintPairs } from "./staff-complaint.js";
import { renderCorrective } from "./staff-corrective.js";
import { linkedRepairs } from "./staff-linked.js";
import { renderConversation } from "./staff-conversation.js";
import { followSite, loadQueue, paintCountdown, renderQueue } from "./staff-queue.js";
import { canReports, staffApi, valid } from "./staff-session.js";
import { el, place, setLink, state, tz } from "./staff-state.js";
import { renderTimeline } from "./timeline.js";

const t = FD.t;
const h = FD.h;

let ticketPhotos = null; // {ticket_id, max_photos, photos[]} of the open ticket
const busy = {};

export async function openTicket(ticketId, quiet) {
  const result = await staffApi("GET", "staff/tickets/" + encodeURIComponent(ticketId));
  if (!result) return false;
  if (!result.ok) {
    FD.announce(el("status"), result.status === 404 ? t("staff.not_found") : result.data.message);
    return false;
  }
  const other = !state.selected || state.selected.ticket.ticket_id !== ticketId;
  state.selected = result.data;
  if (other) {
    ticketPhotos = null;
    FD.fill(el("detail-uploads"));
    FD.clearField(el("detail-photos-box"), "photos");
  }
  followSite(state.selected.ticket.site_id);
  renderDetail();
  renderQueue();
  el("console").classList.add("showing-detail");
  setLink("#ticket=" + ticketId);
  loadTicketPhotos(ticketId);
  if (!quiet) {
    el("detail").focus();
    FD.announce(el("status"), t("staff.loaded", { number: state.selected.ticket.number }));
  }
  return true;
}

function photosPath(ticketId) {
  return "staff/tickets/" + encodeURIComponent(ticketId) + "/photos";
}

async function loadTicketPhotos(ticketId) {
  const result = await staffApi("GET", photosPath(ticketId));
  if (!result || !state.selected || state.selected.ticket.ticket_id !== ticketId) return;
  const problem = el("detail-photos-error");
  if (!result.ok) {
    problem.textContent = t("staff.photos.load_failed", { message: result.data.message });
    problem.hidden = false;
    return;
  }
  problem.hidden = true;
  ticketPhotos = Object.assign({ ticket_id: ticketId }, result.data);
  renderTicketPhotos();
}

function renderTicketPhotos() {
  const loaded = ticketPhotos && state.selected && ticketPhotos.ticket_id === state.selected.ticket.ticket_id;
  const list = loaded ? ticketPhotos.photos || [] : [];
  UI.gallery(el("detail-photos"), list, { staff: true, tz: tz() });
  el("detail-photos-empty").hidden = !loaded || list.length > 0;
  el("detail-photos-count").textContent = loaded && list.length ? t("photo.count", { n: UI.counted(list), max: ticketPhotos.max_photos }) : "";
  el("detail-photo-input").disabled = !!busy.photos || (loaded && UI.counted(list) >= ticketPhotos.max_photos);
}

async function addTicketPhotos() {
  const input = el("detail-photo-input");
  const box = el("detail-photos-box");
  if (busy.photos || !state.selected) return;
  const ticketId = state.selected.ticket.ticket_id;
  if (!ticketPhotos || ticketPhotos.ticket_id !== ticketId) await loadTicketPhotos(ticketId); // how many there are
  if (!ticketPhotos || ticketPhotos.ticket_id !== ticketId) return; // the reason is shown under the heading
  const picked = UI.pick(input.files, ticketPhotos.max_photos - UI.counted(ticketPhotos.photos));
  input.value = "";
  if (picked.refused.length) FD.fieldError(box, "photos", UI.problemText(picked.refused));
  else FD.clearField(box, "photos");
  if (!picked.accepted.length || !valid(state.session)) return;
  busy.photos = true;
  renderTicketPhotos();
  const list = el("detail-uploads");
  FD.fill(list);
  const counts = await UI.uploadAll(photosPath(ticketId), picked.accepted, list, {
    token: state.session.token,
    before: function () { return valid(state.session); },
  });
  busy.photos = false;
  if (!state.session) return;
  await loadTicketPhotos(ticketId);
  renderTicketPhotos();
  FD.announce(el("status"), UI.summary(counts));
}

/** Nothing open (signed out, or closed): the panel is hidden. */
export function forgetTicket() {
  state.selected = null;
  ticketPhotos = null;
  el("detail").hidden = true;
  el("console").classList.remove("showing-detail");
}

export function closeDetail() {
  const id = state.selected && state.selected.ticket.ticket_id;
  forgetTicket();
  setLink("");
  renderQueue();
  const button = id ? document.querySelector('[data-ticket="' + id + '"]') : null;
  if (button) button.focus();
}

/** Another ticket, as a link that opens it here (staff#ticket=<id>). */
function linkTo(other) {
  return h("a", { href: "#ticket=" + other.ticket_id, class: "ticket-link", text: other.number });
}

export function renderDetail() {
  const tk = state.selected.ticket;
  const zone = tz();
  el("detail").hidden = false;
  el("detail-title").textContent = tk.number;
  el("detail-status").textContent = t("status." + tk.status);
  el("detail-status").setAttribute("data-status", tk.status);
  const left = el("detail-left");
  left.setAttribute("data-countdown", tk.ticket_id);
  paintCountdown(left, tk);
  FD.hideAlert(el("detail-alert"));
  const contact = tk.contact || {};
  const quote = tk.quote;
  FD.fill(el("detail-fields"),
    FD.pair("staff.field.kind", t("kind." + tk.kind) + " · " + FD.tAny(["category." + tk.kind + "." + tk.category, tk.category])),
    tk.severity && tk.severity !== "normal" ? FD.pair("staff.field.severity", t("severity." + tk.severity)) : null,
    complaintPairs(tk),
    FD.pair("staff.field.channel", FD.tAny(["channel." + tk.channel, tk.channel])),
    FD.pair("staff.field.place", place(tk)),
    FD.pair("staff.field.description", tk.description),
    FD.pair("staff.field.contact", [contact.name, contact.phone, contact.email].filter(Boolean).join(" · ")),
    FD.pair("staff.field.received_by", tk.received_by === "client" ? t("by.client") : tk.received_by),
    FD.pair("staff.field.created_at", FD.formatTime(tk.created_at, zone)),
    tk.assignment ? FD.pair("staff.field.assignment", FD.tAny(["department." + tk.assignment.department, tk.assignment.department]) + " · " + tk.assignment.assignee) : null,
    tk.arrival_due ? FD.pair("staff.field.arrival_due", FD.formatTime(tk.arrival_due, zone)) : null,
    tk.arrived_at ? FD.pair("staff.field.arrived_at", FD.formatTime(tk.arrived_at, zone)) : null,
    tk.completion_due ? FD.pair("staff.field.completion_due", FD.formatTime(tk.completion_due, zone)) : null,
    tk.reply_due ? FD.pair("staff.field.reply_due", FD.formatTime(tk.reply_due, zone)) : null,
    quote ? FD.pair("staff.field.quote", FD.yuan(quote.total_cents) + (quote.decision ? " · " + t("detail.decision." + quote.decision) : "")) : null,
    FD.pair("staff.field.unfinished_reason", tk.unfinished_reason),
    FD.pair("staff.field.work_summary", tk.work_summary),
    tk.acceptance ? FD.pair("staff.field.acceptance", t("detail.satisfied." + tk.acceptance.satisfied) + (tk.acceptance.rating ? " · " + t("detail.rating", { v: tk.acceptance.rating }) : "") + (tk.acceptance.comment ? " · " + tk.acceptance.comment : "")) : null,
    FD.pair("staff.field.decline_reason", tk.decline_reason),
    FD.pair("staff.field.cancel_reason", tk.cancel_reason),
    tk.duplicate_of ? FD.pair("staff.field.duplicate_of", linkTo(tk.duplicate_of)) : null,
    tk.duplicates && tk.duplicates.length ? FD.pair("staff.field.duplicates", tk.duplicates.map(linkTo)) : null
  );
  FD.fill(el("detail-linked"), linkedRepairs(state.selected, function (id) { openTicket(id, true); }));
  renderCorrective(tk);
  el("detail-new-report").hidden = !canReports();
  renderTicketPhotos();
  renderActions(el("actions"), { done: actionDone, conflict: actionConflict });
  renderConversation(el("conversation"), { done: actionDone, conflict: actionConflict });
  renderTimeline(el("detail-timeline"), state.selected.timeline, { tz: zone, staff: true });
}

function actionDone(ticketView, action) {
  if (action === "apology") {
    // the answer is the letter as filled in: shown (printed), then the complaint read again
    showLetter(ticketView);
    openTicket(ticketView.ticket_id, true);
    return;
  }
  state.selected = ticketView;
  renderDetail();
  FD.announce(el("status"), t("staff.actions.done", { action: t("staff.do." + action) }));
  el("detail-alert").hidden = true;
  el("detail").focus();
  loadQueue(true);
}

/** Someone else changed the ticket meanwhile: show what it is now, and say so. */
async function actionConflict(ticketId) {
  await openTicket(ticketId, true);
  FD.showAlert(el("detail-alert"), t("staff.conflict"));
  el("detail-alert").focus();
}

export function wireTicket() {
  el("back").addEventListener("click", closeDetail);
  el("detail-photo-input").setAttribute("accept", P.ACCEPT);
  el("detail-photo-input").addEventListener("change", addTicketPhotos);
  // One listener for the whole queue: its buttons are rebuilt on every refresh.
  el("tickets").addEventListener("click", function (event) {
    const button = event.target.closest("[data-ticket]");
    if (button) openTicket(button.getAttribute("data-ticket"));
  });
}
