/* The site's business calendar (docs/decisions/0023): its time zone, working hours and shifts, and
   each year's public holidays and adjusted working days (调休), as GET /staff/sites/{site}/calendar
   gives them. A manager (the view says who may: may_edit) sets the day shift and loads a year; the
   server checks every field and its refusals are shown next to the field they concern. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { staffApi } from "./staff-session.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

let view = null; // the site's calendar as last read
let loadedFor = "";
const reads = FD.oneReadAtATime();
let editing = null; // the year whose dates fill the load form (null: a new year)

function path(siteId, rest) {
  return "staff/sites/" + encodeURIComponent(siteId) + "/calendar" + (rest || "");
}

export function loadCalendar() {
  const site = state.siteId;
  if (!site || el("calendar").hidden) return Promise.resolve();
  return reads(site, async function (current) {
    const result = await staffApi("GET", path(site));
    if (!result || !current() || site !== state.siteId) return;
    view = result.ok ? result.data : null;
    loadedFor = site;
    renderCalendar();
  });
}

/** The console has started (the sites are read): the panel, if it was opened before, is read once. */
export function calendarStarted() {
  if (loadedFor !== state.siteId) loadCalendar();
}

/** "08:00:00" → "08:00" (what a time input shows). */
function clock(value) {
  return String(value || "").slice(0, 5);
}

function days(list) {
  return list.length ? list.join("、") : t("staff.calendar.none");
}

function yearBlock(year) {
  return h("section", { class: "calendar-year", "data-calendar-year": String(year.year) },
    h("h3", null,
      h("span", { text: t("staff.calendar.year", { year: year.year }) }), " ",
      year.provisional ? h("span", { class: "badge small", text: t("staff.calendar.provisional") }) : null
    ),
    year.source ? h("p", { class: "muted", text: t("staff.calendar.source", { source: year.source }) }) : null,
    h("dl", { class: "calendar-days" },
      h("dt", { text: t("staff.calendar.holidays", { n: year.holidays.length }) }),
      h("dd", { "data-calendar-holidays": String(year.year), text: days(year.holidays) }),
      h("dt", { text: t("staff.calendar.workdays", { n: year.workdays.length }) }),
      h("dd", { "data-calendar-workdays": String(year.year), text: days(year.workdays) })
    ),
    view.may_edit
      ? h("button", { type: "button", class: "secondary small", text: t("staff.calendar.edit_year"), onclick: function () {
        editing = year;
        renderCalendar(true);
        const form = el("calendar-body").querySelector("[data-calendar-form=year]");
        if (form) form.elements.holidays.focus();
      } })
      : null
  );
}

function alertBox() {
  return h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" });
}

/** The refusal's field ("holidays.3" names the 4th date): the control it concerns. */
function controlFor(name) {
  const m = /^(day_start|day_end|year|holidays|workdays|source)(\.\d+)?$/.exec(name || "");
  return m ? m[1] : null;
}

async function submit(form, method, rest, body, savedKey) {
  FD.clearErrors(form);
  const alert = form.querySelector(".alert");
  FD.hideAlert(alert);
  const result = await staffApi(method, path(state.siteId, rest), body);
  if (!result) return;
  if (result.ok) {
    reads.saved();
    view = result.data;
    editing = null;
    renderCalendar(true);
    FD.announce(el("status"), t(savedKey));
    return;
  }
  if (!FD.serverErrors(form, result.data, controlFor)) FD.showAlert(alert, (result.data && result.data.message) || t("error.generic"));
  if (!FD.focusFirstInvalid(form)) alert.focus();
}

function hoursForm() {
  const form = h("form", { class: "calendar-form", novalidate: true, "data-calendar-form": "hours" },
    h("h3", { text: t("staff.calendar.hours_edit") }),
    alertBox(),
    field("calendar", { name: "day_start", label: "staff.calendar.day_start", type: "time", required: true, value: clock(view.hours.day_start) }),
    field("calendar", { name: "day_end", label: "staff.calendar.day_end", type: "time", required: true, value: clock(view.hours.day_end) }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.calendar.hours_save") }))
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const body = { day_start: form.elements.day_start.value, day_end: form.elements.day_end.value };
    submit(form, "PUT", "/hours", body, "staff.calendar.hours_saved");
  });
  return form;
}

/** Dates as a manager types or pastes them: one per line, or separated by commas or spaces. */
function dateList(text) {
  return text.split(/[\s,，、;；]+/).map(function (d) { return d.trim(); }).filter(Boolean);
}

/** A textarea of dates: how many is the server's limit (a field error), not a length in characters. */
function datesField(name, label, list) {
  const box = field("calendar", { name: name, label: label, type: "textarea", value: list ? list.join("\n") : "" });
  box.querySelector("textarea").removeAttribute("maxlength");
  return box;
}

function yearForm() {
  const year = editing;
  const form = h("form", { class: "calendar-form", novalidate: true, "data-calendar-form": "year" },
    h("h3", { text: t("staff.calendar.load") }),
    h("p", { class: "hint", text: t("staff.calendar.load_hint") }),
    alertBox(),
    field("calendar", { name: "year", label: "staff.calendar.field.year", type: "number", inputmode: "numeric", required: true, value: year ? String(year.year) : "" }),
    datesField("holidays", "staff.calendar.field.holidays", year && year.holidays),
    datesField("workdays", "staff.calendar.field.workdays", year && year.workdays),
    field("calendar", { name: "source", label: "staff.calendar.field.source", value: year ? year.source : "" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", text: t("staff.calendar.load_save") }),
      year ? h("button", { type: "button", class: "link", text: t("staff.calendar.load_new"), onclick: function () { editing = null; renderCalendar(true); } }) : null
    )
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const value = function (name) { return form.elements[name].value.trim(); };
    if (!value("year")) {
      FD.clearErrors(form);
      FD.fieldError(form, "year", t("error.required"), "error.required");
      FD.focusFirstInvalid(form);
      return;
    }
    const body = {
      year: Number(value("year")),
      holidays: dateList(value("holidays")),
      workdays: dateList(value("workdays")),
      source: value("source"),
    };
    submit(form, "PUT", "", body, "staff.calendar.year_saved");
  });
  return form;
}

/** fresh: the forms show the saved values (after a save, or another year chosen); otherwise what
    the manager has typed stays through a reload or a language switch. */
export function renderCalendar(fresh) {
  const box = el("calendar-body");
  if (!box) return;
  if (!view || loadedFor !== state.siteId) {
    FD.fill(box, []);
    return;
  }
  const hours = { start: clock(view.hours.day_start), end: clock(view.hours.day_end) };
  (fresh ? FD.fill : FD.refill)(box, [
    h("dl", { class: "calendar-facts" },
      h("dt", { text: t("staff.calendar.timezone") }),
      h("dd", { "data-calendar-timezone": "", text: view.timezone }),
      h("dt", { text: t("staff.calendar.day_shift") }),
      h("dd", { "data-calendar-day-shift": "", text: t("staff.calendar.span", hours) }),
      h("dt", { text: t("staff.calendar.night_shift") }),
      h("dd", { "data-calendar-night-shift": "", text: t("staff.calendar.span_overnight", { start: hours.end, end: hours.start }) })
    ),
    h("p", { class: "hint", text: t("staff.calendar.rule") }),
    view.years.map(yearBlock),
    view.may_edit ? hoursForm() : null,
    view.may_edit ? yearForm() : null,
  ]);
}

/** The panel opens and closes from the toolbar; it reads the site's calendar when it opens. */
export function wireCalendar() {
  el("calendar-toggle").addEventListener("click", function () {
    const panel = el("calendar");
    panel.hidden = !panel.hidden;
    el("calendar-toggle").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) loadCalendar();
  });
}

/** Signed out or another site: nothing of the last calendar stays. */
export function clearCalendar() {
  view = null;
  loadedFor = "";
  editing = null;
  renderCalendar();
}
