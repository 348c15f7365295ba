/* The staff console: sign in against Cognito, the site's open tickets by deadline, one ticket's
   actions, intake, incident reports, the duty log, the emergency keys and the parcel register. This entry module loads the configuration and wires the
   concerns together; each lives in its own staff-*.js module. */
import * as FD from "./common.js";
import * as P from "./photos.js";
import { clearPicked, renderBulk, wireBulk } from "./staff-bulk.js";
import { closeDuty, configureDuty, followDutyLink, openDuty, renderDuty, wireDuty } from "./staff-duty.js";
import { calendarStarted, clearCalendar, loadCalendar, renderCalendar, wireCalendar } from "./staff-calendar.js";
import { clearCallbacks, configureCallbacks, followCallbacksLink, loadCallbacks, renderCallbacks, tickCallbacks, wireCallbacks } from "./staff-callbacks.js";
import { closeIntake, refreshIntake, wireIntake } from "./staff-intake.js";
import { wireApology } from "./staff-apology.js";
import { clearSurveys, closeSurveys, configureSurveys, followQuarterLink, renderSurveys, wireSurveys } from "./staff-surveys.js";
import { closeKeys, configureKeys, loadKeys, openKeys, renderKeys, tickKeys, wireKeys } from "./staff-keys.js";
import { wireCalls } from "./staff-calls.js";
import { closeMfa, requireMfa, wireMfa } from "./staff-mfa.js";
import { clearRoster, configureRoster, linkedMonth, openRoster, renderRoster, rosterOpen, wireRoster } from "./staff-roster.js";
import { closeParcels, configureParcels, openParcels, renderParcels, wireParcels } from "./staff-parcels.js";
import { configureBoard, renderBoard, startBoard, wireBoard } from "./staff-board.js";
import { chooseSite, clearQueue, loadQueue, loadSites, pollQueue, renderQueue, renderSites, tick } from "./staff-queue.js";
import { configureReportForms, tickReport } from "./staff-report-edit.js";
import { closeRegister, configureReports, followReportLink, openRegister, renderRegister, renderReport, wireReports } from "./staff-reports.js";
import { canIntake, canReports, onSecondFactorNeeded, onSession, renderWho, resume, signIn, signOut } from "./staff-session.js";
import { el, scale, setLink, state } from "./staff-state.js";
import { closeDetail, forgetTicket, openTicket, renderDetail, wireTicket } from "./staff-ticket.js";

const t = FD.t;

// The live queue asks for what changed since its last poll (a small read, docs/decisions/0020).
const POLL_MS = 4000;
let ticketLink = null; // staff#ticket=<id>: the id's pattern is the catalogue's (loadCatalogue)

let refreshTimer = null;

async function showConsole() {
  el("signin").hidden = true;
  el("console").hidden = false;
  el("who").hidden = false;
  el("signout").hidden = false;
  el("mfa-toggle").hidden = false;
  el("new-ticket-toggle").hidden = !canIntake();
  el("reports-toggle").hidden = !canReports();
  el("duty-toggle").hidden = !canIntake(); // the desk roles keep the duty log
  el("parcels-toggle").hidden = !canIntake(); // and the parcel register
  el("surveys-toggle").hidden = !canIntake();
  el("keys-toggle").hidden = !canIntake(); // and the emergency keys
  renderWho();
  await loadCatalogue();
  if (!state.sites.length) {
    await loadSites();
    refreshIntake();
  }
  startBoard();
  await loadQueue();
  loadCallbacks(); // the panel opened before the sites were read
  calendarStarted();
  followLink();
  if (refreshTimer) window.clearInterval(refreshTimer);
  refreshTimer = window.setInterval(function () {
    if (document.visibilityState === "visible" && state.session) pollQueue();
  }, POLL_MS);
}

/** Signed out: nothing of the last user stays on screen (the deep link stays, to sign in again). */
function clearConsole() {
  forgetTicket();
  closeRegister(true);
  closeDuty(true);
  clearRoster();
  closeKeys();
  closeParcels();
  clearQueue();
  clearPicked();
  clearCallbacks();
  clearSurveys();
  closeSurveys();
  clearCalendar();
  closeIntake();
  closeMfa();
  el("mfa-toggle").hidden = true;
  if (refreshTimer) window.clearInterval(refreshTimer);
  refreshTimer = null;
}

async function loadCatalogue() {
  const known = await FD.catalogue();
  state.known.departments = known.departments;
  state.known.kinds = known.kinds;
  state.known.categories = known.categories;
  state.known.severities = known.severities || [];
  state.known.intakeChannels = known.intake_channels || [];
  state.known.disabledOccupants = known.disabled_occupants || [];
  state.known.fireCategory = known.fire_category || null;
  if (known.limits.text) state.known.maxText = known.limits.text;
  state.known.phone = known.patterns.phone ? new RegExp(known.patterns.phone) : null;
  state.known.limits = known.limits;
  state.known.forms = known.forms || {};
  configureBoard();
  ticketLink = FD.hashLink("ticket", [known.patterns.ticket_id]);
  state.known.photosPerReport = known.limits.photos_per_report || 0;
  configureReportForms(known);
  configureReports(known);
  configureDuty(known);
  configureRoster(known);
  configureParcels(known);
  configureCallbacks(known);
  configureSurveys(known);
  configureKeys(known);
  P.configure(known);
}

/** staff#ticket=<id> and staff#report=<id> (the links in the mails) open what they name. */
function followLink() {
  if (!state.session) return;
  const ticket = ticketLink && ticketLink.exec(window.location.hash);
  if (ticket && (!state.selected || state.selected.ticket.ticket_id !== ticket[1])) openTicket(ticket[1]);
  followReportLink();
  followDutyLink();
  followQuarterLink();
  followCallbacksLink();
  const rosterMonth = linkedMonth(window.location.hash);
  if (rosterMonth && canIntake()) openDuty().then(function () { openRoster(rosterMonth); });
}

async function loadConfig() {
  const result = await FD.api("GET", "config.json");
  if (result.ok && result.data) state.config = Object.assign(state.config, result.data);
  const note = el("scale-note");
  note.hidden = scale() === 1;
  if (scale() > 1) note.textContent = t("staff.scale", { n: scale() });
}

async function init() {
  onSession(showConsole, clearConsole);
  onSecondFactorNeeded(requireMfa);
  el("signin-form").addEventListener("submit", signIn);
  el("signout").addEventListener("click", function () {
    setLink(""); // a deliberate sign-out forgets the ticket the link opened
    signOut();
  });
  el("reload").addEventListener("click", function () {
    loadQueue();
    loadCallbacks();
    loadKeys();
    loadCalendar();
    if (state.selected) openTicket(state.selected.ticket.ticket_id, true);
  });
  el("site").addEventListener("change", function () {
    chooseSite(el("site").value);
    closeDetail();
    refreshIntake();
    renderBoard();
    loadQueue();
    clearCallbacks();
    loadCallbacks();
    clearSurveys();
    clearCalendar();
    loadCalendar();
    if (!el("reports").hidden) {
      closeRegister();
      openRegister();
    }
    const reopenRoster = rosterOpen();
    clearRoster();
    if (!el("duty").hidden) {
      closeDuty();
      openDuty();
      if (reopenRoster) openRoster();
    }
    if (!el("keys").hidden) {
      closeKeys();
      openKeys();
    }
    if (!el("parcels").hidden) {
      closeParcels();
      openParcels();
    }
  });
  wireBoard();
  wireBulk(function () { loadQueue(true); });
  wireTicket();
  wireIntake();
  wireCalls();
  wireApology();
  wireReports();
  wireDuty();
  wireRoster();
  wireParcels();
  wireCallbacks();
  wireMfa();
  wireSurveys();
  wireKeys();
  wireCalendar();
  window.addEventListener("hashchange", followLink);
  FD.onLang(function () {
    if (scale() > 1) el("scale-note").textContent = t("staff.scale", { n: scale() });
    renderWho();
    if (state.sites.length) renderSites();
    if (state.session) renderBoard();
    renderQueue();
    renderBulk();
    if (state.selected) renderDetail();
    refreshIntake();
    renderRegister();
    renderReport();
    renderDuty();
    renderRoster();
    renderParcels();
    renderCallbacks();
    renderSurveys();
    renderKeys();
    renderCalendar();
    el("signin-submit").textContent = t("staff.signin.submit");
  });
  window.setInterval(function () {
    tick();
    tickReport();
    tickCallbacks();
    tickKeys();
  }, 1000);

  await loadConfig();
  resume();
}

document.addEventListener("DOMContentLoaded", init);
