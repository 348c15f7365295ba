/* The staff console's duty log (值班记录, docs/decisions/0024): the page of the shift now running,
   earlier pages, entries that are only ever added (a correction is a new entry naming the one it
   corrects), the page's verification, and the shift handover: close the page, count the cash and
   sign (outgoing), then another person signs (incoming). */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { canIntake, staffApi } from "./staff-session.js";
import { el, largest, setLink, state, tz, yuanWidth } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const TEXTS = ["happened", "handling", "outcome"];
let view = null; // DutyPageView of the page shown
let pages = []; // the site's latest pages, newest first
let currentId = ""; // the page entries go on now
let handover = null; // the handover of the page shown (once there is one to act on)
let correcting = null; // the entry a correction names {page_id, seq}
let verdict = null; // the last verification of the page shown
let busy = false;
let dutyLink = null; // staff#duty=<page>: the page id's pattern is the catalogue's (configureDuty)

/** The page a staff#duty=<page> link names, or "". */
function linkedPage(hash) {
  const found = dutyLink && dutyLink.exec(hash);
  return found ? found[1] : "";
}

function pagePath(pageId, what) {
  return "staff/duty-pages/" + encodeURIComponent(pageId) + (what ? "/" + what : "");
}

function shiftName(page) {
  return t("staff.duty.page", { day: page.day, shift: t("staff.duty.shift." + page.shift) });
}

/** The form's controls, from the catalogue (categories, the text limit). */
function renderForm() {
  const form = el("duty-form");
  const kept = {};
  form.querySelectorAll("select, textarea").forEach(function (c) { kept[c.name] = c.value; });
  const max = state.known.limits.duty_text || undefined;
  FD.fill(el("duty-fields"),
    field("duty", { name: "category", label: "staff.duty.field.category", type: "select", required: true, blank: true, options: state.known.dutyCategories || [], optionPrefix: "duty.category.", value: kept.category || "" }),
    TEXTS.map(function (name) {
      return field("duty", { name: name, label: "staff.duty.field." + name, type: "textarea", required: name === "happened", max: max });
    })
  );
  TEXTS.forEach(function (name) {
    const control = form.querySelector('[name="' + name + '"]');
    if (control && kept[name]) control.value = kept[name];
  });
  const note = el("duty-correcting");
  note.hidden = !correcting;
  note.textContent = correcting ? t("staff.duty.correcting", { seq: correcting.seq }) : "";
  el("duty-cancel-correction").hidden = !correcting;
}

export function openDuty(pageId) {
  el("duty").hidden = false;
  el("duty-toggle").setAttribute("aria-expanded", "true");
  return load(pageId);
}

export function closeDuty(keepLink) {
  view = null;
  handover = null;
  correcting = null;
  verdict = null;
  el("duty").hidden = true;
  el("duty-toggle").setAttribute("aria-expanded", "false");
  if (!keepLink && linkedPage(window.location.hash)) setLink("");
}

/** The page named (or the running shift's), the site's latest pages, and the handover to act on. */
async function load(pageId) {
  const forSite = state.siteId;
  const [current, list] = await Promise.all([
    staffApi("GET", "staff/sites/" + encodeURIComponent(forSite) + "/duty-log"),
    staffApi("GET", "staff/sites/" + encodeURIComponent(forSite) + "/duty-pages"),
  ]);
  if (!current || !list || forSite !== state.siteId) return;
  if (!current.ok) {
    FD.announce(el("status"), current.data.message);
    return;
  }
  currentId = current.data.page.page_id;
  pages = list.ok ? list.data.pages : [];
  // The previous shift's handover waits for this shift: show it until it is complete.
  const waiting = pages.find(function (p) { return p.state === "closed" && p.page_id !== currentId; });
  let shown = current;
  if (pageId && pageId !== currentId) shown = await staffApi("GET", pagePath(pageId));
  else if (!pageId && waiting && current.data.page.count === 0) shown = await staffApi("GET", pagePath(waiting.page_id));
  if (!shown || !shown.ok) return;
  await show(shown.data);
}

async function show(pageView) {
  if (!view || view.page.page_id !== pageView.page.page_id) {
    verdict = null;
    correcting = null;
  }
  view = pageView;
  handover = null;
  if (view.page.state === "closed") {
    const result = await staffApi("GET", pagePath(view.page.page_id, "handover"));
    if (result && result.ok) handover = result.data;
  }
  renderDuty();
}

export function renderDuty() {
  if (!view) return;
  const page = view.page;
  const zone = tz();
  el("duty-title").textContent = t("staff.duty.title", { page: shiftName(page) });
  el("duty-state").textContent = t("staff.duty.state." + page.state);
  const known = pages.some(function (p) { return p.page_id === page.page_id; }) ? pages : [page].concat(pages);
  const options = known.some(function (p) { return p.page_id === currentId; }) ? known : [{ page_id: currentId, day: "", shift: "" }].concat(known);
  FD.fill(el("duty-page"), options.map(function (p) {
    const name = p.page_id === currentId ? t("staff.duty.current") : shiftName(p);
    return h("option", { value: p.page_id, text: name, selected: p.page_id === page.page_id });
  }));
  el("duty-empty").hidden = view.entries.length > 0;
  const open = page.state === "open" && canIntake();
  FD.fill(el("duty-entries"), view.entries.map(function (entry) { return entryItem(entry, open, zone); }));
  el("duty-form").hidden = !open;
  if (open) renderForm();
  el("duty-close").hidden = !open || page.page_id !== currentId;
  renderVerdict();
  renderHandover(zone);
}

function entryItem(entry, open, zone) {
  const later = view.corrected_by[String(entry.seq)] || [];
  return h("li", { id: "duty-entry-" + entry.seq, "data-seq": String(entry.seq) },
    h("p", { class: "muted small" },
      "#" + entry.seq + " · " + FD.formatTime(entry.occurred_at, zone) + " · " + t("duty.category." + entry.category) + " · " + (entry.automatic ? t("staff.duty.automatic") : entry.author)
    ),
    h("p", { text: entry.happened }),
    entry.handling ? h("p", { text: t("field.line", { label: t("staff.duty.field.handling"), value: entry.handling }) }) : null,
    entry.outcome ? h("p", { text: t("field.line", { label: t("staff.duty.field.outcome"), value: entry.outcome }) }) : null,
    entry.corrects ? h("p", { class: "note", text: t("staff.duty.corrects", { seq: entry.corrects.seq }) }) : null,
    later.length ? h("p", { class: "note", text: t("staff.duty.corrected_by", { seqs: later.join(", ") }) }) : null,
    open ? h("button", {
      type: "button",
      class: "link",
      text: t("staff.duty.correct"),
      "aria-label": t("staff.duty.correct_entry", { seq: entry.seq }),
      onclick: function () { startCorrection(entry); },
    }) : null
  );
}

function startCorrection(entry) {
  correcting = { page_id: entry.page_id, seq: entry.seq };
  renderForm();
  const form = el("duty-form");
  form.querySelector('[name="category"]').value = entry.category;
  form.querySelector('[name="happened"]').focus();
}

async function write(event) {
  event.preventDefault();
  if (busy || !view) return;
  const form = el("duty-form");
  FD.clearErrors(form);
  FD.hideAlert(el("duty-alert"));
  const body = { site_id: state.siteId };
  form.querySelectorAll("select, textarea").forEach(function (c) { body[c.name] = c.value.trim(); });
  if (!body.category) FD.fieldError(form, "category", t("error.choose"), "error.choose");
  if (!body.happened) FD.fieldError(form, "happened", t("error.required"), "error.required");
  if (FD.focusFirstInvalid(form)) return;
  if (correcting) body.corrects = correcting;
  busy = true;
  const result = await staffApi("POST", "staff/duty-entries", body);
  busy = false;
  if (!result) return;
  if (!result.ok) {
    if (!FD.serverErrors(form, result.data)) FD.showAlert(el("duty-alert"), result.data.message);
    FD.focusFirstInvalid(form);
    return;
  }
  correcting = null;
  form.reset();
  const page = result.data.page;
  currentId = page.page_id;
  await show(result.data);
  setLink("#duty=" + page.page_id);
  FD.announce(el("status"), t("staff.duty.written", { seq: page.count }));
}

async function closePage() {
  if (busy || !view) return;
  busy = true;
  const result = await staffApi("POST", pagePath(view.page.page_id, "close"), { version: view.page.version });
  busy = false;
  if (!result) return;
  if (!result.ok) {
    FD.showAlert(el("duty-alert"), result.data.message);
    return;
  }
  await load(result.data.page.page_id); // the next shift's page is the current one now
  el("duty-handover").focus();
  FD.announce(el("status"), t("staff.duty.closed"));
}

async function verify() {
  if (!view) return;
  const result = await staffApi("GET", pagePath(view.page.page_id, "verify"));
  if (!result) return;
  verdict = result.ok ? result.data : { message: result.data.message };
  renderVerdict();
}

function renderVerdict() {
  const box = el("duty-verify-result");
  if (!verdict) {
    box.textContent = "";
    return;
  }
  if (verdict.message) {
    box.textContent = verdict.message;
    return;
  }
  const bad = verdict.altered.concat(verdict.broken, verdict.missing);
  const parts = [verdict.ok ? t("staff.duty.verify.ok", { n: verdict.entries }) : t("staff.duty.verify.bad", { seqs: bad.join(", ") || "—" })];
  if (verdict.sealed && verdict.seal_matches) parts.push(t("staff.duty.verify.sealed"));
  box.textContent = parts.join(" ");
  box.className = "verify " + (verdict.ok ? "ok" : "bad");
}

function renderHandover(zone) {
  const box = el("duty-handover");
  box.hidden = !handover;
  if (!handover) return;
  const cash = handover.cash_cents === null || handover.cash_cents === undefined ? "—" : FD.yuan(handover.cash_cents);
  el("duty-handover-state").textContent = t("duty.handover.state." + handover.state) + " · " + t("staff.duty.handover.due", { due: FD.formatTime(handover.due_at, zone) });
  FD.fill(el("duty-handover-fields"),
    FD.pair("staff.duty.handover.open_tickets", handover.open_tickets.map(function (x) { return x.number; }).join("、") || t("common.none")),
    FD.pair("staff.duty.handover.unfinished", handover.unfinished.map(function (x) { return x.number; }).join("、") || t("common.none")),
    FD.pair("staff.duty.handover.running_clocks", t("staff.duty.handover.count", { n: handover.running_clocks.length })),
    FD.pair("staff.duty.handover.keys_out", handover.keys_out.map(function (k) { return k.building_id + " " + k.unit + " (" + k.taken_by + ")"; }).join("、") || t("common.none")),
    FD.pair("staff.duty.handover.parcels_waiting", (handover.parcels_waiting || []).map(function (p) { return p.recipient + " " + p.building_id + " " + p.unit; }).join("、") || t("common.none")),
    FD.pair("staff.duty.handover.cash", cash),
    FD.pair("staff.duty.handover.outgoing", handover.outgoing_by || "—"),
    FD.pair("staff.duty.handover.incoming", handover.incoming_by || "—")
  );
  const canSign = canIntake();
  el("duty-signout-form").hidden = !(canSign && handover.state === "prepared");
  if (!el("duty-signout-form").hidden && !el("duty-signout-fields").firstChild) {
    FD.fill(el("duty-signout-fields"), field("duty", { name: "cash", label: "staff.duty.handover.cash_counted", inputmode: "decimal", required: true, max: yuanWidth(largest("duty_sign_out", "cash_cents")) }));
  }
  el("duty-sign-in").hidden = !(canSign && handover.state === "signed_out" && handover.outgoing_by !== state.session.user);
}

async function signOutShift(event) {
  event.preventDefault();
  if (busy || !handover) return;
  const form = el("duty-signout-form");
  FD.clearErrors(form);
  const cents = FD.cents(form.querySelector('[name="cash"]').value.trim());
  if (cents === null || cents > largest("duty_sign_out", "cash_cents")) {
    FD.fieldError(form, "cash", t("error.amount"), "error.amount");
    FD.focusFirstInvalid(form);
    return;
  }
  await sign("sign-out", { version: handover.version, cash_cents: cents }, form);
}

async function sign(step, body, form) {
  busy = true;
  const result = await staffApi("POST", pagePath(handover.page_id, step), body);
  busy = false;
  if (!result) return;
  if (!result.ok) {
    if (!(form && FD.serverErrors(form, result.data, function (f) { return f === "cash_cents" ? "cash" : null; }))) {
      FD.showAlert(el("duty-alert"), result.data.message);
    }
    return;
  }
  handover = result.data;
  FD.fill(el("duty-signout-fields"));
  renderDuty();
  FD.announce(el("status"), t("duty.handover.state." + handover.state));
}

/** staff#duty=<page> (the handover mail's link) opens that page. */
export function followDutyLink() {
  const pageId = linkedPage(window.location.hash);
  if (!pageId || !state.session || !canIntake()) return;
  if (!view || view.page.page_id !== pageId) openDuty(pageId);
}

export function configureDuty(known) {
  state.known.dutyCategories = known.duty_categories || [];
  dutyLink = FD.hashLink("duty", [(known.patterns || {}).duty_page]);
}

export function wireDuty() {
  el("duty-toggle").addEventListener("click", function () {
    if (el("duty").hidden) openDuty();
    else closeDuty();
  });
  el("duty-page").addEventListener("change", function () {
    const pageId = el("duty-page").value;
    setLink("#duty=" + pageId);
    load(pageId);
  });
  el("duty-form").addEventListener("submit", write);
  el("duty-cancel-correction").addEventListener("click", function () {
    correcting = null;
    renderForm();
  });
  el("duty-close").addEventListener("click", closePage);
  el("duty-verify").addEventListener("click", verify);
  el("duty-signout-form").addEventListener("submit", signOutShift);
  el("duty-sign-in").addEventListener("click", function () {
    if (handover && !busy) sign("sign-in", { version: handover.version });
  });
}
