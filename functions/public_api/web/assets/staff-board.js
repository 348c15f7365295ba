/* The board's view: a search box and filters over the queue, kept in the URL (staff#q=…&status=…),
   so a view can be bookmarked and shared. An engineer starts on their own work ("mine"). The
   queue module (staff-queue.js) reads the view from the shared state and shows what it asks for. */
import * as FD from "./common.js";
import { loadQueue } from "./staff-queue.js";
import { VIEW_FLAGS, VIEW_TEXT, el, longest, setLink, site, state, viewLink } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const TEXT = VIEW_TEXT;
const FLAGS = VIEW_FLAGS;
const STATUSES = ["received", "dispatched", "arrived", "quoted", "in_progress", "unfinished", "completed", "reopened", "handled", "replied", "closed", "declined"];
const DESK = ["operator", "duty_manager", "manager"];

// A link to a panel (a ticket, a report, a page of the duty log, a quarterly analysis, a month of the
// duty roster, a site's callbacks) names no view: the board leaves it.
const PANEL_LINK = /^#?(ticket|report|duty|quarterly|roster|callbacks)=/;

/** The view a hash names, or null when it names none (a panel's link, or nothing). */
function readView(hash) {
  const text = (hash || "").replace(/^#/, "");
  if (!text) return null;
  if (PANEL_LINK.test(text)) return null;
  const p = new URLSearchParams(text);
  const view = {};
  TEXT.forEach(function (k) {
    const most = longest("board_search", k); // the search text and the assignee: no longer than the API takes
    if (p.get(k)) view[k] = most ? p.get(k).slice(0, most) : p.get(k);
  });
  FLAGS.forEach(function (k) { if (p.get(k) === "1") view[k] = true; });
  return Object.keys(view).length ? view : null;
}

/** Where a console starts without a view in its link: an engineer on their own work, the desk on everything. */
function defaultView() {
  const groups = state.session ? state.session.groups : [];
  const desk = groups.some(function (g) { return DESK.indexOf(g) >= 0; });
  return !desk && groups.indexOf("engineer") >= 0 ? { mine: true } : {};
}

function options(select, values, label) {
  const keep = select.value;
  FD.fill(select, [h("option", { value: "", text: t("staff.board.any") })].concat(values.map(function (v) {
    return h("option", { value: v, text: label(v) });
  })));
  select.value = values.indexOf(keep) >= 0 ? keep : "";
}

/** The filter controls in the current language, showing the view. */
export function renderBoard() {
  const v = state.view;
  options(el("board-status"), STATUSES, function (s) { return t("status." + s); });
  options(el("board-kind"), state.known.kinds || [], function (k) { return t("kind." + k); });
  el("board-kind").value = v.kind || "";
  const categories = (v.kind && state.known.categories[v.kind]) || [];
  options(el("board-category"), categories, function (c) { return FD.tAny(["category." + v.kind + "." + c, c]); });
  el("board-category").disabled = !categories.length;
  const buildings = site() ? site().buildings : [];
  options(el("board-building"), buildings.map(function (b) { return b.building_id; }), function (id) {
    const b = buildings.find(function (x) { return x.building_id === id; });
    return b ? FD.placeName(b) : id;
  });
  // what the desk is typing stays (the board can start while the operator already types a search)
  if (document.activeElement !== el("board-q")) el("board-q").value = v.q || "";
  el("board-status").value = v.status || "";
  el("board-category").value = v.category || "";
  el("board-building").value = v.building || "";
  el("board-assignee").value = v.assignee || "";
  FLAGS.forEach(function (k) { el("board-" + k).checked = Boolean(v[k]); });
}

function fromForm() {
  const view = {};
  TEXT.forEach(function (k) {
    const value = el(k === "q" ? "board-q" : "board-" + k).value.trim();
    if (value) view[k] = value;
  });
  if (view.category && !view.kind) delete view.category;
  FLAGS.forEach(function (k) { if (el("board-" + k).checked) view[k] = true; });
  return view;
}

function show(view) {
  state.view = view;
  setLink(viewLink(view));
  renderBoard();
  loadQueue();
}

/** The search box's and the assignee filter's longest values: the API's (the catalogue's board_search). */
export function configureBoard() {
  ["q", "assignee"].forEach(function (k) {
    const most = longest("board_search", k);
    if (most) el("board-" + k).maxLength = most;
  });
}

/** Signed in: the link's view, else the role's default (written to the link, so it can be shared). */
export function startBoard() {
  const linked = readView(window.location.hash);
  state.view = linked || defaultView();
  if (!linked && !PANEL_LINK.test(window.location.hash)) setLink(viewLink(state.view));
  renderBoard();
}

/** Back, forward, or a pasted link to another view. */
function followView() {
  const view = readView(window.location.hash);
  if (view && viewLink(view) !== viewLink(state.view)) {
    state.view = view;
    renderBoard();
    loadQueue();
  }
}

export function wireBoard() {
  el("board-form").addEventListener("submit", function (e) {
    e.preventDefault();
    show(fromForm());
  });
  el("board-kind").addEventListener("change", function () {
    el("board-category").value = "";
    show(fromForm());
  });
  ["board-status", "board-category", "board-building"].concat(FLAGS.map(function (k) { return "board-" + k; })).forEach(function (id) {
    el(id).addEventListener("change", function () { show(fromForm()); });
  });
  el("board-clear").addEventListener("click", function () {
    show({});
    el("board-q").focus();
  });
  el("tickets-more").addEventListener("click", function () { loadQueue(false, true); });
  window.addEventListener("hashchange", followView);
}
