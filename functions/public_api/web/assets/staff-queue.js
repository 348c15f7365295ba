/* The staff console's queue: the site chosen, its open tickets ordered by the deadline the desk is
   racing, and each ticket's countdown (repainted every second by tick). */
import * as FD from "./common.js";
import { el, place, scale, state, tz } from "./staff-state.js";
import { staffApi } from "./staff-session.js";

const t = FD.t;
const h = FD.h;

const SITE_KEY = "frontdesk.staff.site";

let queue = [];

export async function loadSites() {
  const result = await FD.api("GET", "public/sites");
  if (!result.ok || !Array.isArray(result.data)) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  state.sites = result.data;
  const keep = FD.stored(SITE_KEY);
  state.siteId = state.sites.some(function (s) { return s.site_id === keep; }) ? keep : state.sites.length ? state.sites[0].site_id : "";
  renderSites();
}

export function renderSites() {
  FD.fill(el("site"), state.sites.map(function (s) {
    return h("option", { value: s.site_id, text: FD.placeName(s) });
  }));
  el("site").value = state.siteId;
}

export async function loadQueue(quiet) {
  if (!state.siteId) return;
  const result = await staffApi("GET", "staff/tickets?site_id=" + encodeURIComponent(state.siteId));
  if (!result) return;
  if (!result.ok) {
    if (!quiet) FD.announce(el("status"), result.data.message);
    return;
  }
  queue = result.data.tickets || [];
  renderQueue();
  el("updated").textContent = t("staff.updated", { time: FD.formatTime(new Date().toISOString(), tz()).slice(11) });
  if (!quiet) FD.announce(el("status"), t("staff.queue.loaded", { n: queue.length }));
}

/**
 * The deadline the desk is racing now (as the API orders the queue). Every deadline is a clock of
 * the clock engine, one execution per clock from its start: in a scaled demo that execution's
 * clock runs `scale` times faster from the start, so countdowns are shown on it. A quote waiting
 * for the client pauses the completion clock: nothing counts down then.
 */
function deadline(ticket) {
  switch (ticket.status) {
    case "dispatched":
      return { kind: "arrival", due: ticket.arrival_due, start: ticket.dispatched_at, timed: true };
    case "arrived":
    case "in_progress":
    case "unfinished":
      return { kind: "completion", due: ticket.completion_due, start: ticket.dispatched_at, timed: true };
    case "received":
    case "reopened":
    case "handled":
      if (ticket.reply_due) return { kind: "reply", due: ticket.reply_due, start: ticket.created_at, timed: true };
      return { kind: "waiting", since: ticket.updated_at };
    default:
      return { kind: "client" };
  }
}

/** Milliseconds left: on the SLA timer's clock for timed deadlines (N× faster in a scaled demo). */
export function remaining(d) {
  const now = Date.now();
  const dueMs = Date.parse(d.due);
  const startMs = d.start ? Date.parse(d.start) : NaN;
  const n = scale();
  if (n === 1 || !d.timed || isNaN(startMs)) return dueMs - now;
  return dueMs - (startMs + n * Math.max(0, now - startMs));
}

export function duration(ms) {
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(seconds / 86400);
  seconds -= d * 86400;
  const hh = Math.floor(seconds / 3600);
  seconds -= hh * 3600;
  const mm = Math.floor(seconds / 60);
  const ss = seconds - mm * 60;
  const units = [];
  if (d) units.push(t("staff.duration.d", { n: d }));
  if (hh) units.push(t("staff.duration.h", { n: hh }));
  if (mm && units.length < 2) units.push(t("staff.duration.m", { n: mm }));
  if (!d && !hh && units.length < 2) units.push(t("staff.duration.s", { n: ss }));
  return units.slice(0, 2).join(t("staff.duration.sep"));
}

/** Text and state for a ticket's countdown. */
function countdown(ticket) {
  const d = deadline(ticket);
  if (d.kind === "client") return { text: t("staff.with_client"), state: "client" };
  if (d.kind === "waiting") {
    const since = Date.parse(d.since);
    const waited = isNaN(since) ? 0 : Date.now() - since;
    return { text: t("staff.waiting", { t: duration(waited) }), state: "waiting" };
  }
  if (!d.due) return { text: t("common.none"), state: "client" };
  const left = remaining(d);
  if (left < 0) return { text: t("staff.overdue", { t: duration(left) }), state: "overdue" };
  return { text: t("staff.left", { t: duration(left) }), state: left < 5 * 60000 ? "soon" : "ok" };
}

export function paintCountdown(node, ticket) {
  const c = countdown(ticket);
  node.textContent = c.text;
  node.className = "left " + c.state;
}

/** Repaints every countdown on screen: the entry module calls it every second. */
export function tick() {
  document.querySelectorAll("[data-countdown]").forEach(function (node) {
    const id = node.getAttribute("data-countdown");
    const ticket = state.selected && state.selected.ticket.ticket_id === id ? state.selected.ticket : queue.find(function (q) { return q.ticket_id === id; });
    if (ticket) paintCountdown(node, ticket);
  });
}

export function renderQueue() {
  const list = el("tickets");
  const focused = document.activeElement ? document.activeElement.getAttribute("data-ticket") : null;
  el("queue-empty").hidden = queue.length > 0;
  FD.fill(list, queue.map(function (ticket) {
    const d = deadline(ticket);
    const label = { arrival: "staff.deadline.arrival", completion: "staff.deadline.completion", reply: "staff.deadline.reply", waiting: "staff.deadline.waiting" }[d.kind];
    const left = h("span", { class: "left", "data-countdown": ticket.ticket_id });
    paintCountdown(left, ticket);
    const assignee = ticket.assignment ? FD.tAny(["department." + ticket.assignment.department, ticket.assignment.department]) + " · " + ticket.assignment.assignee : t("staff.unassigned");
    const current = state.selected && state.selected.ticket.ticket_id === ticket.ticket_id;
    return h("li", { class: "ticket" + (current ? " selected" : "") },
      h("button", {
        type: "button",
        class: "ticket-button",
        "aria-label": t("staff.open", { number: ticket.number }),
        "aria-current": current ? "true" : null,
        "data-ticket": ticket.ticket_id,
      },
        h("span", { class: "row1" },
          h("strong", { class: "number", text: ticket.number }),
          h("span", { class: "badge small", "data-status": ticket.status, text: t("status." + ticket.status) }),
          ticket.severity && ticket.severity !== "normal" ? h("span", { class: "badge small severity", text: t("severity." + ticket.severity) }) : null
        ),
        h("span", { class: "row2", text: t("kind." + ticket.kind) + " · " + FD.tAny(["category." + ticket.kind + "." + ticket.category, ticket.category]) + " · " + place(ticket) }),
        h("span", { class: "row3" },
          h("span", { class: "muted", text: assignee }),
          label ? h("span", { class: "due", text: t(label) + " " + FD.formatTime(d.due || d.since, tz()).slice(5) }) : null,
          left
        )
      )
    );
  }));
  // A refresh must not take the keyboard focus away from the ticket it was on.
  const again = focused ? list.querySelector('[data-ticket="' + focused + '"]') : null;
  if (again) again.focus();
}

/** Shows another site's queue (the choice is remembered). */
export function chooseSite(id) {
  state.siteId = id;
  FD.store(SITE_KEY, id);
}

/** A ticket or report of another site (a link in a mail): the console follows it to that site. */
export function followSite(id) {
  if (!id || id === state.siteId || !state.sites.some(function (s) { return s.site_id === id; })) return false;
  chooseSite(id);
  renderSites();
  loadQueue(true);
  return true;
}

/** Signed out: no queue is kept. */
export function clearQueue() {
  queue = [];
  FD.fill(el("tickets"));
}
