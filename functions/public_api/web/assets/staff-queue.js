/* The staff console's queue: the site chosen, its open tickets (escalated first, then by time left),
   kept live by polling only what changed since the last poll, and each ticket's countdown (repainted
   every second by tick). With filters in the view (staff-board.js) it shows a search's results,
   open and closed, page by page. */
import * as FD from "./common.js";
import { el, place, scale, state, tz } from "./staff-state.js";
import { pickBox, syncPicked } from "./staff-bulk.js";
import { staffApi } from "./staff-session.js";

const t = FD.t;
const h = FD.h;

const SITE_KEY = "frontdesk.staff.site";

const FINISHED = ["closed", "declined"];

let queue = [];
let until = ""; // the next poll asks for what changed since then (the API's answer says it)
let cursor = null; // the search's next page
let loaded = false; // the first answer of this view is in: what the polls add from now on is new
const fresh = new Set(); // tickets that arrived by polling: marked new

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

/** Whether the view asks for a search (anything beyond "mine", which the live queue shows itself). */
function searching() {
  const v = state.view;
  return Boolean(v.q || v.status || v.kind || v.category || v.building || v.assignee || v.overdue || v.escalated || v.follow_up);
}

function searchPath(more) {
  const v = state.view;
  const p = new URLSearchParams({ site_id: state.siteId });
  if (v.q) p.set("q", v.q);
  ["status", "kind", "category", "assignee"].forEach(function (k) { if (v[k]) p.set(k, v[k]); });
  if (v.building) p.set("building_id", v.building);
  ["overdue", "escalated", "follow_up", "mine"].forEach(function (k) { if (v[k]) p.set(k, "true"); });
  if (more && cursor) p.set("cursor", cursor);
  return "staff/tickets/search?" + p.toString();
}

function stamp() {
  el("updated").textContent = t("staff.updated", { time: FD.formatTime(new Date().toISOString(), tz()).slice(11) });
}

// Each load of the view is numbered: an answer to an older one (the queue asked for at sign-in,
// arriving after a search was made) is dropped, never shown over the newer view.
let asked = 0;

/** The view's tickets from the start (or, with `more`, the search's next page). */
export async function loadQueue(quiet, more) {
  if (!state.siteId) return;
  const ask = ++asked;
  const search = searching();
  const result = await staffApi("GET", search ? searchPath(more) : "staff/tickets?site_id=" + encodeURIComponent(state.siteId));
  if (!result || ask !== asked) return;
  if (!result.ok) {
    if (!quiet) FD.announce(el("status"), result.data.message);
    return;
  }
  const tickets = result.data.tickets || [];
  queue = more ? queue.concat(tickets) : tickets;
  cursor = search ? result.data.cursor || null : null;
  until = search ? "" : result.data.until || "";
  loaded = true;
  if (!more) fresh.clear();
  renderQueue();
  stamp();
  if (!quiet) FD.announce(el("status"), search ? t("staff.board.results", { n: queue.length }) : t("staff.queue.loaded", { n: shown().length }));
}

/** The live queue reads only what changed since the last poll: a new ticket comes in marked, a
    closed one leaves, an escalated one moves to the top. A search's results stay as they were found. */
export async function pollQueue() {
  if (!state.siteId || !loaded || searching() || !until) return;
  const site = state.siteId;
  const ask = asked;
  const result = await staffApi("GET", "staff/tickets?site_id=" + encodeURIComponent(site) + "&since=" + encodeURIComponent(until));
  if (!result || !result.ok || site !== state.siteId || searching() || ask !== asked) return;
  until = result.data.until || until;
  let changed = false;
  (result.data.tickets || []).forEach(function (ticket) {
    const at = queue.findIndex(function (q) { return q.ticket_id === ticket.ticket_id; });
    if (at >= 0 && queue[at].version >= ticket.version) return; // read again by the poll's overlap
    const done = FINISHED.indexOf(ticket.status) >= 0;
    if (done && at < 0) return;
    changed = true;
    if (done) queue.splice(at, 1);
    else if (at >= 0) queue[at] = ticket;
    else {
      queue.push(ticket);
      fresh.add(ticket.ticket_id);
    }
  });
  if (changed) {
    queue = ordered(queue);
    renderQueue();
  }
  stamp();
}

function escalation(ticket) {
  return FINISHED.indexOf(ticket.status) < 0 && ticket.escalation ? ticket.escalation.level || 0 : 0;
}

/** Escalated first (higher rungs first), then by the deadline being raced, as the API orders it. */
function ordered(tickets) {
  function key(ticket) {
    const d = deadline(ticket);
    return d.due || d.since || "~";
  }
  return tickets.slice().sort(function (a, b) {
    const rung = escalation(b) - escalation(a);
    if (rung) return rung;
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.ticket_id < b.ticket_id ? -1 : 1;
  });
}

/** The live queue with "mine": the tickets assigned to whoever is signed in. */
function shown() {
  if (searching() || !state.view.mine || !state.session) return queue;
  return queue.filter(function (ticket) { return ticket.assignment && ticket.assignment.assignee === state.session.user; });
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
    case "closed":
    case "declined":
      return { kind: "done" };
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
  if (d.kind === "done") return { text: "", state: "done" };
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
  const active = document.activeElement;
  const focused = active ? active.getAttribute("data-ticket") || active.getAttribute("data-pick") : null;
  const focusedAttr = active && active.hasAttribute("data-pick") ? "data-pick" : "data-ticket";
  const tickets = shown();
  state.board = tickets;
  syncPicked(tickets);
  const search = searching();
  el("queue-title").textContent = t(search ? "staff.board.results_title" : state.view.mine ? "staff.board.mine_title" : "staff.queue.title");
  el("queue-empty").textContent = t(search ? "staff.board.none" : "staff.queue.empty");
  el("queue-empty").hidden = tickets.length > 0;
  el("tickets-more").hidden = !(search && cursor);
  FD.fill(list, tickets.map(function (ticket) {
    const d = deadline(ticket);
    const label = { arrival: "staff.deadline.arrival", completion: "staff.deadline.completion", reply: "staff.deadline.reply", waiting: "staff.deadline.waiting" }[d.kind];
    const left = h("span", { class: "left", "data-countdown": ticket.ticket_id });
    paintCountdown(left, ticket);
    const assignee = ticket.assignment ? FD.tAny(["department." + ticket.assignment.department, ticket.assignment.department]) + " · " + ticket.assignment.assignee : t("staff.unassigned");
    const current = state.selected && state.selected.ticket.ticket_id === ticket.ticket_id;
    const rung = escalation(ticket);
    const isNew = fresh.has(ticket.ticket_id);
    return h("li", { class: "ticket" + (current ? " selected" : "") + (rung ? " escalated" : "") + (isNew ? " fresh" : "") },
      pickBox(ticket),
      h("button", {
        type: "button",
        class: "ticket-button",
        "aria-label": t("staff.open", { number: ticket.number }),
        "aria-current": current ? "true" : null,
        "data-ticket": ticket.ticket_id,
      },
        h("span", { class: "row1" },
          h("strong", { class: "number", text: ticket.number }),
          isNew ? h("span", { class: "badge small fresh", text: t("staff.board.new") }) : null,
          rung ? h("span", { class: "badge small escalated", text: t("staff.board.escalated", { n: rung }) }) : null,
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
  const again = focused ? list.querySelector("[" + focusedAttr + '="' + focused + '"]') : null;
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
  state.board = [];
  until = "";
  cursor = null;
  loaded = false;
  fresh.clear();
  FD.fill(el("tickets"));
}
