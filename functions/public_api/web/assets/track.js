/* The tracking page: status, timeline, quote decision and acceptance, opened by the token in the URL fragment. */
import * as FD from "./common.js";
import * as UI from "./photo-ui.js";
import * as P from "./photos.js";
import { loadSurvey } from "./survey.js";
import { renderTimeline } from "./timeline.js";

const t = FD.t;
const h = FD.h;

let token = "";
let view = null;
let sites = [];
let busy = false;
let dirty = false; // the acceptance form has input: do not refresh it away
let photos = null; // {max_photos, photos[]} of the open ticket
let photosFor = ""; // the token they belong to
let uploadingPhotos = false;
let ratings = []; // the acceptance's marks (1…5), the model's range, from the catalogue (configure)
const CLOSED = ["closed", "declined"];

const el = FD.el;

// ------------------------------------------------------------------ steps

function stepsFor(v) {
  let steps;
  if (v.kind === "complaint") steps = ["received", "handled", "replied", "closed"];
  else if (v.kind === "inquiry") steps = ["received", "replied", "closed"];
  else if (v.status === "declined") steps = ["received", "declined"];
  else {
    steps = ["received", "dispatched", "arrived"];
    if (v.quote || v.status === "quoted") steps.push("quoted", "in_progress");
    steps.push("completed", "closed");
  }
  // Closed without the work (a duplicate, cancelled): only the steps it went through, then closed.
  if (v.resolution === "duplicate" || v.resolution === "cancelled") {
    const reached = {};
    (v.timeline || []).forEach(function (e) { reached[e.to_status] = true; });
    steps = steps.filter(function (s) { return reached[s] || s === "closed"; });
  }
  if (steps.indexOf(v.status) < 0) {
    if (v.status === "unfinished") steps.splice(steps.indexOf("completed"), 0, "unfinished");
    else if (v.status === "reopened") steps.splice(1, 0, "reopened");
    else steps.push(v.status);
  }
  return steps;
}

function renderSteps(v) {
  const steps = stepsFor(v);
  const current = steps.indexOf(v.status);
  const reached = {};
  (v.timeline || []).forEach(function (e) { reached[e.to_status] = true; });
  FD.fill(el("steps"), steps.map(function (step, i) {
    let state = "todo";
    if (i === current) state = v.status === "closed" || v.status === "declined" ? "done current" : "current";
    else if (i < current && reached[step]) state = "done";
    const stateKey = i === current ? "track.step.current" : state === "done" ? "track.step.done" : "track.step.todo";
    return h("li", { class: "step " + state, "aria-current": i === current ? "step" : null },
      h("span", { class: "dot", "aria-hidden": "true", text: state.indexOf("done") >= 0 ? "✓" : String(i + 1) }),
      h("span", { class: "label", text: t("status." + step) }),
      h("span", { class: "sr-only", text: t(stateKey) })
    );
  }));
}

// ------------------------------------------------------------------ sections

function renderDetails(v) {
  const building = FD.findBuilding(sites, v.building_id);
  FD.fill(el("details"),
    FD.pair("track.field.kind", t("kind." + v.kind)),
    FD.pair("track.field.category", FD.tAny(["category." + v.kind + "." + v.category, v.category])),
    FD.pair("track.field.building", building ? FD.placeName(building) : v.building_id),
    FD.pair("track.field.unit", v.unit),
    FD.pair("track.field.location", v.location),
    FD.pair("track.field.description", v.description),
    FD.pair("track.field.contact", [v.contact_name, v.contact_phone].filter(Boolean).join(" · ")),
    FD.pair("track.field.created_at", FD.formatTime(v.created_at, v.timezone)),
    v.arrival_due && !v.arrived_at ? FD.pair("track.field.arrival_due", FD.formatTime(v.arrival_due, v.timezone)) : null,
    v.arrived_at ? FD.pair("track.field.arrived_at", FD.formatTime(v.arrived_at, v.timezone)) : null,
    v.completed_at ? FD.pair("track.field.completed_at", FD.formatTime(v.completed_at, v.timezone)) : null,
    FD.pair("track.field.work_summary", v.work_summary),
    FD.pair("track.field.decline_reason", v.decline_reason),
    FD.pair("track.field.cancel_reason", v.cancel_reason)
  );
}

function renderQuote(v) {
  const card = el("quote-card");
  const q = v.quote;
  card.hidden = !q;
  if (!q) return;
  FD.fill(el("quote-lines"), (q.lines || []).map(function (line) {
    return h("tr", null, h("td", { text: line.item }), h("td", { class: "num", text: FD.yuan(line.amount_cents) }));
  }));
  el("quote-tax").textContent = FD.yuan(q.tax_cents);
  el("quote-labour").textContent = FD.yuan(q.labour_cents);
  el("quote-total").textContent = FD.yuan(q.total_cents);
  const canDecide = (v.actions || []).indexOf("quote_decision") >= 0;
  el("quote-actions").hidden = !canDecide;
  el("quote-intro").hidden = !canDecide;
  const decided = el("quote-decided");
  decided.hidden = !q.decision;
  if (q.decision) decided.textContent = t(q.decision === "confirmed" ? "track.quote.confirmed" : "track.quote.declined");
}

function renderRating() {
  const box = el("rating-choices");
  const keep = (box.querySelector("input:checked") || {}).value;
  FD.fill(box, ratings.map(function (n) {
    return h("label", { class: "chip" },
      h("input", { type: "radio", name: "rating", value: String(n), checked: keep === String(n) }),
      " ",
      h("span", { text: t("track.accept.star", { n: n }) })
    );
  }));
}

/** The acceptance's marks and the texts' limits, from GET /public/catalogue (the models'). */
function configure(known) {
  P.configure(known);
  const forms = known.forms || {};
  const accept = forms.acceptance || { max_length: {}, maximum: {}, minimum: {} };
  ratings = [];
  for (let n = accept.minimum.rating; n <= accept.maximum.rating; n += 1) ratings.push(n);
  renderRating();
  const limits = { comment: accept.max_length.comment, "answer-text": forms.answer && forms.answer.max_length.text };
  Object.keys(limits).forEach(function (id) { if (limits[id]) el(id).maxLength = limits[id]; });
}

function renderAccept(v) {
  const canAccept = (v.actions || []).indexOf("accept") >= 0;
  const card = el("accept-card");
  if (!canAccept) {
    card.hidden = true;
    return;
  }
  if (card.hidden) {
    el("accept-form").reset();
    dirty = false;
    renderRating();
  }
  card.hidden = false;
}

// ------------------------------------------------------------------ photos

function photosPath() {
  return "public/track/" + encodeURIComponent(token) + "/photos";
}

function renderPhotos() {
  const card = el("photos-card");
  const list = photos ? photos.photos || [] : [];
  const max = photos ? photos.max_photos : 0; // the API says how many (until it has, nothing can be added)
  const taken = UI.counted(list);
  UI.gallery(el("photos"), list, { you: true, tz: view ? view.timezone : undefined });
  el("photos-empty").hidden = !photos || list.length > 0;
  el("photos-count").textContent = photos && list.length ? t("photo.count", { n: taken, max: max }) : "";
  const open = view && CLOSED.indexOf(view.status) < 0;
  const full = taken >= max;
  el("track-photos-add").hidden = !open || !photos;
  el("track-photo-input").disabled = uploadingPhotos || full;
  const note = el("photos-closed");
  const noteKey = !view || !photos ? "" : !open ? "track.photos.closed" : full && !uploadingPhotos ? "track.photos.full" : "";
  note.hidden = !noteKey;
  note.textContent = noteKey ? t(noteKey) : "";
  card.hidden = false;
}

async function loadPhotos(quiet) {
  const forToken = token;
  const result = await P.list(photosPath());
  if (forToken !== token) return; // another ticket was opened meanwhile
  const problem = el("photos-load-error");
  if (!result.ok) {
    if (!quiet) {
      problem.textContent = t("track.photos.load_failed");
      problem.hidden = false;
    }
    return;
  }
  problem.hidden = true;
  photos = result.data;
  photosFor = token;
  renderPhotos();
}

async function addPhotos() {
  const input = el("track-photo-input");
  const card = el("photos-card");
  if (uploadingPhotos || !token) return;
  if (!photos || photosFor !== token) await loadPhotos(false); // how many there are
  if (!photos || photosFor !== token) return; // the reason is shown in the card
  const room = photos.max_photos - UI.counted(photos.photos);
  const picked = UI.pick(input.files, room);
  input.value = "";
  if (picked.refused.length) FD.fieldError(card, "photos", UI.problemText(picked.refused));
  else FD.clearField(card, "photos");
  if (!picked.accepted.length) return;
  uploadingPhotos = true;
  renderPhotos();
  const list = el("track-uploads");
  FD.fill(list);
  const counts = await UI.uploadAll(photosPath(), picked.accepted, list, {});
  uploadingPhotos = false;
  await loadPhotos(true);
  renderPhotos();
  FD.announce(el("status"), UI.summary(counts));
}

/** How a closed ticket ended, when that is not the work done: handled under another number, or cancelled. */
function renderOutcome(v) {
  const outcome = el("outcome");
  const key = v.resolution === "duplicate" ? "track.outcome.duplicate" : v.resolution === "cancelled" ? "track.outcome.cancelled" : "";
  outcome.hidden = !key;
  outcome.textContent = key ? t(key, { number: v.duplicate_of }) : "";
}

function renderAnswer(v) {
  el("answer-card").hidden = (v.conversation || []).indexOf("answer") < 0;
}

function render(v) {
  view = v;
  el("number").textContent = v.number;
  el("status-text").textContent = t("status." + v.status);
  el("status-text").setAttribute("data-status", v.status);
  renderOutcome(v);
  renderSteps(v);
  renderQuote(v);
  renderAccept(v);
  renderAnswer(v);
  renderDetails(v);
  renderTimeline(el("timeline"), v.timeline, { tz: v.timezone });
  if (photos && photosFor === token) renderPhotos();
  el("token-form").hidden = true;
  el("view").hidden = false;
}

// ------------------------------------------------------------------ loading and acting

async function load(quiet) {
  token = FD.tokenFromHash();
  const status = el("status");
  if (!token) {
    el("view").hidden = true;
    el("token-form").hidden = false;
    FD.announce(status, t("track.no_token"));
    return;
  }
  if (!quiet) status.textContent = t("common.loading");
  if (photosFor !== token) {
    photos = null;
    photosFor = "";
    FD.fill(el("photos"));
    FD.fill(el("track-uploads"));
    FD.clearField(el("photos-card"), "photos");
  }
  const result = await FD.api("GET", "public/track/" + encodeURIComponent(token));
  if (!result.ok) {
    if (quiet) return;
    view = null;
    el("view").hidden = true;
    const alert = el("alert");
    FD.showAlert(alert, result.status === 404 || result.status === 400 ? t("track.not_found") : result.data.message);
    el("token-form").hidden = false;
    status.textContent = "";
    return;
  }
  FD.hideAlert(el("alert"));
  render(result.data);
  if (!uploadingPhotos) loadPhotos(quiet);
  loadSurvey(token);
  if (!quiet) FD.announce(status, t("track.loaded", { number: result.data.number, status: t("status." + result.data.status) }));
}

/** Since `old` was read, only the system (the SLA timer) has written, or the desk something this page
    does not show (an internal note), and `action` is still open. */
function onlySystemSince(fresh, old, action) {
  const newer = (fresh.timeline || []).slice((old.timeline || []).length);
  return fresh.status === old.status
    && (fresh.actions || []).concat(fresh.conversation || []).indexOf(action) >= 0
    && newer.every(function (e) { return e.by === "system"; });
}

// The action each path of the tracking API takes.
const ACTION_OF = { acceptance: "accept", "quote-decision": "quote_decision", answer: "answer" };

/** Sends an action on the ticket; true once it is done (the page shows the ticket as it left it). */
async function act(path, body, form, doneMessage, focusAfter) {
  if (busy || !view) return;
  busy = true;
  document.querySelectorAll("#view button").forEach(function (b) { b.disabled = true; });
  const url = "public/track/" + encodeURIComponent(token) + "/" + path;
  const sent = Object.assign({ version: view.version }, body);
  let result = await FD.api("POST", url, { body: sent });
  // An escalation by the SLA timer moves the version on without changing what the client decides on.
  for (let attempt = 0; attempt < 2 && result.status === 409 && result.data.code === "version_conflict"; attempt += 1) {
    const fresh = await FD.api("GET", "public/track/" + encodeURIComponent(token));
    if (!fresh.ok || !onlySystemSince(fresh.data, view, ACTION_OF[path])) break;
    sent.version = fresh.data.version;
    result = await FD.api("POST", url, { body: sent });
  }
  busy = false;
  document.querySelectorAll("#view button").forEach(function (b) { b.disabled = false; });
  const alert = el("alert");
  if (result.ok) {
    FD.hideAlert(alert);
    dirty = false;
    render(result.data);
    FD.announce(el("status"), doneMessage);
    const target = focusAfter ? el(focusAfter) : null;
    if (target) target.focus();
    return true;
  }
  if (result.status === 409 && result.data.code === "version_conflict") {
    await load(true);
    FD.showAlert(alert, t("track.conflict"));
    alert.focus();
    return;
  }
  const shown = form ? FD.serverErrors(form, result.data, function (f) { return f ? String(f).split(".")[0] : null; }) : 0;
  if (shown) FD.focusFirstInvalid(form);
  else {
    FD.showAlert(alert, result.data.message);
    alert.focus();
  }
}

function submitAcceptance(event) {
  event.preventDefault();
  const form = el("accept-form");
  FD.clearErrors(form);
  const verdict = form.querySelector('input[name="satisfied"]:checked');
  if (!verdict) {
    FD.fieldError(form, "satisfied", t("error.choose"), "error.choose");
    FD.focusFirstInvalid(form);
    return;
  }
  const rating = form.querySelector('input[name="rating"]:checked');
  const satisfied = verdict.value === "true";
  const body = { satisfied: satisfied, comment: el("comment").value.trim() };
  if (rating) body.rating = Number(rating.value);
  act("acceptance", body, form, t("track.accept.done." + satisfied), "status-text");
}

async function submitAnswer(event) {
  event.preventDefault();
  const form = el("answer-form");
  FD.clearErrors(form);
  const text = el("answer-text").value.trim();
  if (!text) {
    FD.fieldError(form, "text", t("error.required"), "error.required");
    FD.focusFirstInvalid(form);
    return;
  }
  if (await act("answer", { text: text }, form, t("track.answer.done"), "timeline-title")) form.reset();
}

function decideQuote(confirm) {
  act("quote-decision", { confirm: confirm }, null,
    t(confirm ? "track.quote.done.confirmed" : "track.quote.done.declined"), "status-text");
}

async function submitToken(event) {
  event.preventDefault();
  const form = el("token-form");
  FD.clearErrors(form);
  let text = el("token").value.trim();
  if (text.indexOf("#") >= 0) text = text.slice(text.indexOf("#") + 1);
  if (!(await FD.tokenShaped(text))) {
    FD.fieldError(form, "token", t("track.not_found"), "track.not_found");
    FD.focusFirstInvalid(form);
    return;
  }
  window.location.hash = text;
}

async function loadSites() {
  const result = await FD.api("GET", "public/sites");
  if (result.ok && Array.isArray(result.data)) {
    sites = result.data;
    if (view) renderDetails(view);
  }
}

function init() {
  el("token-form").addEventListener("submit", submitToken);
  el("accept-form").addEventListener("submit", submitAcceptance);
  el("answer-form").addEventListener("submit", submitAnswer);
  el("answer-form").addEventListener("input", function () { FD.clearField(el("answer-form"), "text"); });
  el("accept-form").addEventListener("input", function () { dirty = true; });
  el("accept-form").addEventListener("change", function (event) {
    dirty = true;
    const box = event.target.closest("[data-field]");
    if (box) FD.clearField(el("accept-form"), box.getAttribute("data-field"));
  });
  el("quote-confirm").addEventListener("click", function () { decideQuote(true); });
  el("quote-decline").addEventListener("click", function () { decideQuote(false); });
  el("refresh").addEventListener("click", function () { load(false); });
  el("track-photo-input").setAttribute("accept", P.ACCEPT);
  el("track-photo-input").addEventListener("change", addPhotos);
  window.addEventListener("hashchange", function () { load(false); });
  FD.onLang(function () {
    renderRating();
    if (view) render(view);
  });
  renderRating();
  // Keep the page current while it is open, unless the person is filling in the acceptance form.
  window.setInterval(function () {
    if (document.visibilityState === "visible" && token && view && !dirty && !busy) load(true);
  }, 30000);
  FD.catalogue().then(configure);
  loadSites();
  load(false);
}

document.addEventListener("DOMContentLoaded", init);
