/* The duty roster (值班表, docs/decisions/0024), under the duty log: a month of the site, each day's day
   and night shift with its duty manager and desk staff. Staff read it; managers fill it and save the
   month whole. The shifts and the days come with the month (GET …/duty-roster/<month>);
   the names offered are the site's staff directory; who may take which shift the API decides. */
import * as FD from "./common.js";
import { mayEdit } from "./staff-canned.js";
import { staffApi } from "./staff-session.js";
import { el, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

let roster = null; // RosterView of the month shown
let month = ""; // YYYY-MM
let people = []; // the site's directory, for the names offered
const reads = FD.oneReadAtATime();
let monthLink = null; // staff#roster=<month>: the month's pattern is the catalogue's (configureRoster)

function path() {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/duty-roster/" + encodeURIComponent(month);
}

/** This month at the site. */
function thisMonth() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz(), year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const part = function (type) { return parts.find(function (p) { return p.type === type; }).value; };
  return part("year") + "-" + part("month");
}

function cellKey(day, shift, what) {
  return day + "/" + shift + "/" + what;
}

/** Every (day, shift) of the month: filled ones and missing ones, in order. */
function days() {
  const seen = {};
  roster.slots.concat(roster.missing).forEach(function (s) { seen[s.day] = true; });
  return Object.keys(seen).sort();
}

function slotOf(day, shift) {
  return roster.slots.find(function (s) { return s.day === day && s.shift === shift; }) || null;
}

function who(person) {
  return person.name && person.name !== person.username ? person.name + "（" + person.username + "）" : person.username;
}

function cell(day, hours, edit) {
  const slot = slotOf(day, hours.shift);
  if (!edit) {
    if (!slot) return h("td", { class: "missing", text: t("staff.roster.empty_cell") });
    return h("td", null,
      h("p", { text: who(slot.duty_manager) }),
      slot.desk.length ? h("p", { class: "muted small", text: slot.desk.map(who).join("、") }) : null
    );
  }
  const id = "roster-" + day + "-" + hours.shift;
  const shiftName = t("staff.duty.shift." + hours.shift);
  const control = function (what, value, label) {
    return h("div", { class: "field", "data-field": cellKey(day, hours.shift, what) },
      h("label", { class: "sr-only", for: id + "-" + what, text: day + " " + shiftName + " " + t(label) }),
      h("input", { id: id + "-" + what, name: cellKey(day, hours.shift, what), value: value, list: "roster-people", autocomplete: "off", placeholder: t(label), "aria-describedby": id + "-" + what + "-error" }),
      h("p", { class: "field-error", id: id + "-" + what + "-error", hidden: true })
    );
  };
  return h("td", { class: slot ? "" : "missing" },
    control("duty_manager", slot ? slot.duty_manager.username : "", "staff.roster.duty_manager"),
    control("desk", slot ? slot.desk.map(function (p) { return p.username; }).join(", ") : "", "staff.roster.desk")
  );
}

function summary() {
  if (roster.complete) return t("staff.roster.complete");
  return t("staff.roster.missing", { n: roster.missing.length, date: roster.complete_by });
}

/** fresh: the cells show the month as saved; otherwise what was typed stays (a reload, a language). */
export function renderRoster(fresh) {
  const box = el("roster-body");
  if (!box || !roster) return;
  const edit = mayEdit();
  const form = h("form", { id: "roster-form", novalidate: true, "data-roster": roster.site_id + "/" + roster.month },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("p", { id: "roster-summary", class: roster.complete ? "note" : "hint", text: summary() }),
    roster.updated_by ? h("p", { class: "muted small", text: t("staff.roster.updated", { who: roster.updated_by, at: FD.formatTime(roster.updated_at, tz()) }) }) : null,
    h("datalist", { id: "roster-people" }, people.map(function (p) { return h("option", { value: p.username, label: p.name }); })),
    h("table", { class: "roster" },
      h("thead", null, h("tr", null,
        h("th", { scope: "col", text: t("staff.roster.day") }),
        roster.shifts.map(function (s) {
          return h("th", { scope: "col", text: t("staff.duty.shift." + s.shift) });
        })
      )),
      h("tbody", null, days().map(function (day) {
        return h("tr", null, h("th", { scope: "row", text: day }), roster.shifts.map(function (s) { return cell(day, s, edit); }));
      }))
    ),
    edit ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "roster-save", text: t("staff.roster.save") })) : null
  );
  form.addEventListener("submit", save);
  (fresh ? FD.fill : FD.refill)(box, form);
}

function names(text) {
  return text.split(/[\s,，、]+/).filter(Boolean);
}

/** The month as entered: every shift with a name in it, and where each went (for the API's field errors). */
function entered(form) {
  const slots = [];
  const where = [];
  days().forEach(function (day) {
    roster.shifts.forEach(function (s) {
      const manager = form.elements[cellKey(day, s.shift, "duty_manager")].value.trim();
      const desk = names(form.elements[cellKey(day, s.shift, "desk")].value);
      if (!manager && !desk.length) return;
      slots.push({ day: day, shift: s.shift, duty_manager: manager, desk: desk });
      where.push({ day: day, shift: s.shift });
    });
  });
  return { slots: slots, where: where };
}

async function save(event) {
  event.preventDefault();
  const form = event.target;
  const alert = form.querySelector(".alert");
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const sent = entered(form);
  const result = await staffApi("PUT", path(), { version: roster.version, slots: sent.slots });
  if (!result) return;
  if (result.ok) {
    reads.saved();
    roster = result.data;
    renderRoster(true);
    FD.announce(el("status"), t("staff.roster.saved"));
    return;
  }
  // slots.<n>.<field>[.<m>] → the cell of the n-th shift sent (its day or shift: the duty manager's box)
  FD.serverErrors(form, result.data, function (field) {
    const parts = String(field || "").split(".");
    const slot = parts[0] === "slots" ? sent.where[Number(parts[1])] : null;
    if (!slot) return null;
    return cellKey(slot.day, slot.shift, parts[2] === "desk" ? "desk" : "duty_manager");
  });
  FD.showAlert(alert, result.data.message);
  FD.focusFirstInvalid(form);
}

/** One read of a site's month at a time: the panel's toggle and a month chosen at once asked twice,
    and the second answer, arriving after a refused save, put the saved month back over the entry. */
function load() {
  return reads(state.siteId + "/" + month, read);
}

async function read(current) {
  const forSite = state.siteId;
  const forMonth = month; // opening the panel reads this month; a month chosen meanwhile wins
  const [shown, directory] = await Promise.all([
    staffApi("GET", path()),
    staffApi("GET", "staff/sites/" + encodeURIComponent(forSite) + "/people"),
  ]);
  if (!shown || !current() || forSite !== state.siteId || forMonth !== month) return;
  if (!shown.ok) {
    FD.fill(el("roster-body"), h("p", { class: "muted", text: shown.data.message }));
    return;
  }
  const known = directory && directory.ok ? directory.data.people : [];
  // Nothing new (the same version of the month, the same directory): the form stays as it is. A
  // re-render would replace it under the user's hands, losing the focus or a click on 保存 under way.
  const same = roster && el("roster-form") && roster.site_id === shown.data.site_id && roster.month === shown.data.month &&
    roster.version === shown.data.version && people.length === known.length;
  roster = shown.data;
  people = known;
  el("roster-month").value = month;
  if (!same) renderRoster();
}

/** Opens the roster at ``wanted`` (YYYY-MM), or this month. */
export function openRoster(wanted) {
  month = wanted || month || thisMonth();
  el("roster").open = true;
  return load();
}

/** Closed and emptied (signed out, or another site chosen): nothing of the last month, site or
    user stays on screen, and opening it again reads the roster afresh. */
export function clearRoster() {
  roster = null;
  month = "";
  people = [];
  if (el("roster-body")) el("roster-body").replaceChildren();
  if (el("roster")) el("roster").open = false;
}

/** Whether the roster is open under the duty log (a site change opens it again for the new site). */
export function rosterOpen() {
  return Boolean(el("roster") && el("roster").open);
}

/** staff#roster=<month> (the link in the reminder of the 25th) opens that month under the duty log. */
export function linkedMonth(hash) {
  const found = monthLink && monthLink.exec(hash);
  return found ? found[1] : "";
}

export function configureRoster(known) {
  monthLink = FD.hashLink("roster", [(known.patterns || {}).roster_month]);
}

export function wireRoster() {
  el("roster").addEventListener("toggle", function () {
    if (el("roster").open && state.siteId && !roster) openRoster();
  });
  el("roster-month").addEventListener("change", function () {
    if (!el("roster-month").value) return;
    month = el("roster-month").value;
    load();
  });
}
