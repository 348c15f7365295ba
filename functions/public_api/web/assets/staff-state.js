/* The staff console's shared state (one object, read and changed by the console's modules) and the
   small lookups they all use. Nothing here talks to the API. */
import * as FD from "./common.js";

export const state = {
  config: { user_pool_client_id: "", user_pool_id: "", cognito_endpoint: "", time_scale: 1 },
  session: null, // {token, user, groups, exp}
  sites: [],
  siteId: "",
  selected: null, // StaffTicket {ticket, timeline, actions} of the open ticket
  board: [], // the tickets the board shows now (the queue, or a search's results)
  view: {}, // the board's filters (staff-board.js), kept in the URL: staff#q=…&status=…
  // From GET /public/catalogue (the models that enforce them), loaded before the console shows.
  known: { departments: [], kinds: [], categories: {}, severities: [], intakeChannels: [], disabledOccupants: [], fireCategory: null, phone: null, maxText: 0, photosPerReport: 0, limits: {}, forms: {} },
};

export const el = FD.el;

/** What the API checks of a console form's field (the catalogue's `forms`), by the field's path in
    the body; a list's rows share their limits (`lines.3.item` reads `lines.*.item`). */
function formRule(kind, form, name) {
  const rules = state.known.forms[form];
  return rules ? rules[kind][name.replace(/\.\d+\./g, ".*.")] : undefined;
}

/** The longest text the API takes in field `name` of `form`. */
export function longest(form, name) {
  return formRule("max_length", form, name);
}

/** The largest number the API takes in field `name` of `form` (an amount: in fen). */
export function largest(form, name) {
  return formRule("maximum", form, name);
}

/** The most rows the API takes in list `name` of `form` (the quote's lines, the canned replies). */
export function most(form, name) {
  return formRule("max_items", form, name);
}

/** What a select in `form` offers: the values the API takes in field `name`. */
export function choices(form, name) {
  return formRule("choices", form, name) || [];
}

/** An amount input's maxlength: the characters of the largest amount `fen` typed in yuan ("1000000.00"). */
export function yuanWidth(fen) {
  return fen ? String(Math.floor(fen / 100)).length + 3 : undefined;
}

/** How many times faster than real time a demo stack runs its clocks (1 on AWS). */
export function scale() {
  const n = Number(state.config.time_scale);
  return n > 1 ? n : 1;
}

export function site() {
  return state.sites.find(function (s) { return s.site_id === state.siteId; }) || null;
}

export function tz() {
  const s = site();
  return s ? s.timezone : undefined;
}

export function buildingName(id) {
  const b = FD.findBuilding(state.sites, id, state.siteId);
  return b ? FD.placeName(b) : id;
}

export function place(ticket) {
  const where = ticket.unit || ticket.location;
  return buildingName(ticket.building_id) + (where ? " · " + where : "");
}

export const VIEW_TEXT = ["q", "status", "kind", "category", "building", "assignee"];
export const VIEW_FLAGS = ["overdue", "escalated", "follow_up", "mine"];

/** The board's view as a link: #q=…&status=…&mine=1 ("" for the whole queue). */
export function viewLink(view) {
  const p = new URLSearchParams();
  VIEW_TEXT.forEach(function (k) { if (view[k]) p.set(k, view[k]); });
  VIEW_FLAGS.forEach(function (k) { if (view[k]) p.set(k, "1"); });
  const text = p.toString();
  return text ? "#" + text : "";
}

/** Deep links (staff#ticket=<id>, staff#report=<id>, from the mails) follow what is open; with
    nothing open, the link shows the board's view. */
export function setLink(hash) {
  hash = hash || viewLink(state.view);
  if (window.location.hash === hash) return;
  try {
    window.history.replaceState(null, "", hash || window.location.pathname + window.location.search);
  } catch (e) {
    /* a page that cannot change its URL keeps the old one */
  }
}
