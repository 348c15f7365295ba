/* The staff console: sign in against Cognito, the site's open tickets by deadline, one ticket's actions. */

const FD = window.FD;
const t = FD.t;
const h = FD.h;

const TOKEN_KEY = "frontdesk.staff.token";
const SITE_KEY = "frontdesk.staff.site";
const REFRESH_MS = 30000;
// From GET /public/catalogue (the models that enforce them), loaded before the console shows.
let DEPARTMENTS = [];
let KINDS = [];
let CATEGORIES = {};
let PHONE = null;
const DESK_ROLES = ["operator", "duty_manager", "manager"];
const REPORT_ROLES = ["duty_manager", "manager"];
let MAX_TEXT = 2000;

let config = { user_pool_client_id: "", cognito_endpoint: "", time_scale: 1 };
let session = null; // {token, user, groups, exp}
let challenge = null; // {name, session, username} while a new password is required
let sites = [];
let siteId = "";
let queue = [];
let selected = null; // StaffTicket {ticket, timeline, actions}
let refreshTimer = null;
let intakeKey = null;
let ticketPhotos = null; // {ticket_id, max_photos, photos[]} of the open ticket
const busy = {};
const UI = window.FD_PHOTO_UI;
const TICKET_LINK = /^#ticket=([a-f0-9]{32})$/;
const REPORT_LINK = /^#report=([a-z0-9-]{1,40}-\d{4}-\d{4,6})$/;
let register = null; // {site_id, year, reports[]}
let report = null; // IncidentReportView of the open report
let pack = null; // the evidence pack made for the open report
let verification = null; // the last verdict on it

function el(id) {
  return document.getElementById(id);
}

function scale() {
  const n = Number(config.time_scale);
  return n > 1 ? n : 1;
}

// ------------------------------------------------------------------ sign-in

function decodeJwt(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.prototype.map.call(atob(part + "===".slice((part.length + 3) % 4)), function (c) {
      return "%" + ("00" + c.charCodeAt(0).toString(16)).slice(-2);
    }).join(""));
    return JSON.parse(json);
  } catch (e) {
    return null;
  }
}

function sessionFrom(token) {
  const claims = decodeJwt(token);
  if (!claims) return null;
  let groups = claims["cognito:groups"] || [];
  if (typeof groups === "string") groups = groups.split(/[\s,[\]]+/).filter(Boolean);
  return {
    token: token,
    user: claims["cognito:username"] || claims.username || claims.email || claims.sub || "",
    groups: groups,
    exp: Number(claims.exp) || 0,
  };
}

function valid(s) {
  return s && (!s.exp || s.exp * 1000 > Date.now() + 30000);
}

async function cognito(target, body) {
  let response;
  try {
    response = await fetch(config.cognito_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService." + target,
      },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    return { ok: false, status: 0, data: {} };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (e) {
    data = {};
  }
  return { ok: response.ok, status: response.status, data: data || {} };
}

function cognitoError(data) {
  const type = String(data.__type || data.code || "");
  if (/NotAuthorized|UserNotFound|PasswordResetRequired|UserNotConfirmed/.test(type)) return "staff.signin.bad";
  if (/InvalidPassword/.test(type)) return "staff.signin.password_policy";
  return "staff.signin.unavailable";
}

async function signIn(event) {
  event.preventDefault();
  const form = el("signin-form");
  const alert = el("signin-alert");
  if (busy.signin) return;
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const username = el("username").value.trim();
  const password = el("password").value;
  const newPassword = el("new_password").value;
  let problems = 0;
  if (!challenge) {
    if (!username) { FD.fieldError(form, "username", t("error.required"), "error.required"); problems += 1; }
    if (!password) { FD.fieldError(form, "password", t("error.required"), "error.required"); problems += 1; }
  } else if (!newPassword) {
    FD.fieldError(form, "new_password", t("error.required"), "error.required");
    problems += 1;
  }
  if (problems) {
    FD.focusFirstInvalid(form);
    return;
  }
  if (!config.user_pool_client_id || !config.cognito_endpoint) {
    FD.showAlert(alert, t("staff.signin.not_configured"));
    return;
  }
  busy.signin = true;
  const button = el("signin-submit");
  button.disabled = true;
  button.textContent = t("staff.signin.busy");
  let result;
  if (challenge) {
    result = await cognito("RespondToAuthChallenge", {
      ChallengeName: challenge.name,
      ClientId: config.user_pool_client_id,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    });
  } else {
    result = await cognito("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.user_pool_client_id,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
  }
  busy.signin = false;
  button.disabled = false;
  button.textContent = t("staff.signin.submit");

  const data = result.data;
  if (result.ok && data.AuthenticationResult && data.AuthenticationResult.IdToken) {
    challenge = null;
    el("new-password-field").hidden = true;
    form.reset();
    startSession(data.AuthenticationResult.IdToken);
    FD.announce(el("status"), t("staff.signin.done", { user: session.user }));
    return;
  }
  if (result.ok && data.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    challenge = { name: data.ChallengeName, session: data.Session, username: username || (challenge && challenge.username) };
    el("new-password-field").hidden = false;
    el("new_password").focus();
    FD.showAlert(alert, t("staff.signin.new_password.hint"));
    return;
  }
  if (result.ok && data.ChallengeName) {
    FD.showAlert(alert, t("staff.signin.challenge"));
    return;
  }
  const key = cognitoError(data);
  if (key === "staff.signin.password_policy") FD.fieldError(form, "new_password", t(key), key);
  else FD.showAlert(alert, t(key));
  alert.focus();
}

function startSession(token) {
  session = sessionFrom(token);
  if (!valid(session)) {
    session = null;
    showSignIn();
    return;
  }
  try { window.sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* this tab only */ }
  showConsole();
}

function signOut(messageKey) {
  session = null;
  selected = null;
  ticketPhotos = null;
  closeRegister(true);
  queue = [];
  el("detail").hidden = true;
  el("console").classList.remove("showing-detail");
  el("intake").hidden = true;
  el("new-ticket-toggle").setAttribute("aria-expanded", "false");
  FD.fill(el("tickets"));
  try { window.sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing stored */ }
  if (refreshTimer) window.clearInterval(refreshTimer);
  refreshTimer = null;
  showSignIn();
  const alert = el("signin-alert");
  if (messageKey) FD.showAlert(alert, t(messageKey));
  FD.announce(el("status"), t(messageKey || "staff.signed_out"));
}

function showSignIn() {
  el("console").hidden = true;
  el("who").hidden = true;
  el("signout").hidden = true;
  el("signin").hidden = false;
  el("username").focus();
}

function renderWho() {
  if (!session) return;
  const roles = session.groups.map(function (g) { return FD.tAny(["role." + g, g]); }).join("、");
  el("who").textContent = t("staff.who", { user: session.user, roles: roles || "—" });
}

function canIntake() {
  return session && session.groups.some(function (g) { return DESK_ROLES.indexOf(g) >= 0; });
}

async function showConsole() {
  el("signin").hidden = true;
  el("console").hidden = false;
  el("who").hidden = false;
  el("signout").hidden = false;
  el("new-ticket-toggle").hidden = !canIntake();
  el("reports-toggle").hidden = !canReports();
  renderWho();
  await loadCatalogue();
  if (!sites.length) await loadSites();
  await loadQueue();
  followLink();
  if (refreshTimer) window.clearInterval(refreshTimer);
  refreshTimer = window.setInterval(function () {
    if (document.visibilityState === "visible" && session) loadQueue(true);
  }, REFRESH_MS);
}

// ------------------------------------------------------------------ API

async function staffApi(method, path, body, headers) {
  if (!valid(session)) {
    signOut("staff.expired");
    return null;
  }
  const result = await FD.api(method, path, { body: body, token: session.token, headers: headers });
  if (result.status === 401) {
    signOut("staff.expired");
    return null;
  }
  return result;
}

async function loadCatalogue() {
  const known = await FD.catalogue();
  DEPARTMENTS = known.departments;
  KINDS = known.kinds;
  CATEGORIES = known.categories;
  if (known.limits.text) MAX_TEXT = known.limits.text;
  PHONE = known.patterns.phone ? new RegExp(known.patterns.phone) : null;
}

async function loadSites() {
  const result = await FD.api("GET", "public/sites");
  if (!result.ok || !Array.isArray(result.data)) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  sites = result.data;
  const keep = FD.stored(SITE_KEY);
  siteId = sites.some(function (s) { return s.site_id === keep; }) ? keep : sites.length ? sites[0].site_id : "";
  renderSites();
  if (!el("intake").hidden) renderIntake();
}

function renderSites() {
  FD.fill(el("site"), sites.map(function (s) {
    return h("option", { value: s.site_id, text: FD.placeName(s) });
  }));
  el("site").value = siteId;
}

function site() {
  return sites.find(function (s) { return s.site_id === siteId; }) || null;
}

function tz() {
  const s = site();
  return s ? s.timezone : undefined;
}

function buildingName(id) {
  const b = FD.findBuilding(sites, id, siteId);
  return b ? FD.placeName(b) : id;
}

async function loadQueue(quiet) {
  if (!siteId) return;
  const result = await staffApi("GET", "staff/tickets?site_id=" + encodeURIComponent(siteId));
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

// ------------------------------------------------------------------ deadlines

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
function remaining(d) {
  const now = Date.now();
  const dueMs = Date.parse(d.due);
  const startMs = d.start ? Date.parse(d.start) : NaN;
  const n = scale();
  if (n === 1 || !d.timed || isNaN(startMs)) return dueMs - now;
  return dueMs - (startMs + n * Math.max(0, now - startMs));
}

function duration(ms) {
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

function paintCountdown(node, ticket) {
  const c = countdown(ticket);
  node.textContent = c.text;
  node.className = "left " + c.state;
}

function tick() {
  document.querySelectorAll("[data-countdown]").forEach(function (node) {
    const id = node.getAttribute("data-countdown");
    const ticket = selected && selected.ticket.ticket_id === id ? selected.ticket : queue.find(function (q) { return q.ticket_id === id; });
    if (ticket) paintCountdown(node, ticket);
  });
}

// ------------------------------------------------------------------ queue

function place(ticket) {
  const where = ticket.unit || ticket.location;
  return buildingName(ticket.building_id) + (where ? " · " + where : "");
}

function renderQueue() {
  const list = el("tickets");
  const focused = document.activeElement ? document.activeElement.getAttribute("data-ticket") : null;
  el("queue-empty").hidden = queue.length > 0;
  FD.fill(list, queue.map(function (ticket) {
    const d = deadline(ticket);
    const label = { arrival: "staff.deadline.arrival", completion: "staff.deadline.completion", reply: "staff.deadline.reply", waiting: "staff.deadline.waiting" }[d.kind];
    const left = h("span", { class: "left", "data-countdown": ticket.ticket_id });
    paintCountdown(left, ticket);
    const assignee = ticket.assignment ? FD.tAny(["department." + ticket.assignment.department, ticket.assignment.department]) + " · " + ticket.assignment.assignee : t("staff.unassigned");
    const current = selected && selected.ticket.ticket_id === ticket.ticket_id;
    return h("li", { class: "ticket" + (current ? " selected" : "") },
      h("button", {
        type: "button",
        class: "ticket-button",
        "aria-label": t("staff.open", { number: ticket.number }),
        "aria-current": current ? "true" : null,
        "data-ticket": ticket.ticket_id,
        onclick: function () { openTicket(ticket.ticket_id); },
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

// ------------------------------------------------------------------ one ticket

async function openTicket(ticketId, quiet) {
  const result = await staffApi("GET", "staff/tickets/" + encodeURIComponent(ticketId));
  if (!result) return false;
  if (!result.ok) {
    FD.announce(el("status"), result.status === 404 ? t("staff.not_found") : result.data.message);
    return false;
  }
  const other = !selected || selected.ticket.ticket_id !== ticketId;
  selected = result.data;
  if (other) {
    ticketPhotos = null;
    FD.fill(el("detail-uploads"));
    FD.clearField(el("detail-photos-box"), "photos");
  }
  // A ticket of another site (a link in a mail): the console follows it to that site.
  const ticketSite = selected.ticket.site_id;
  if (ticketSite && ticketSite !== siteId && sites.some(function (s) { return s.site_id === ticketSite; })) {
    siteId = ticketSite;
    FD.store(SITE_KEY, siteId);
    renderSites();
    loadQueue(true);
  }
  renderDetail();
  renderQueue();
  el("console").classList.add("showing-detail");
  setLink("#ticket=" + ticketId);
  loadTicketPhotos(ticketId);
  if (!quiet) {
    el("detail").focus();
    FD.announce(el("status"), t("staff.loaded", { number: selected.ticket.number }));
  }
  return true;
}

// ------------------------------------------------------------------ deep links (staff#ticket=<id>, from the mails)

function setLink(hash) {
  if (window.location.hash === hash) return;
  try {
    window.history.replaceState(null, "", hash || window.location.pathname + window.location.search);
  } catch (e) {
    /* a page that cannot change its URL keeps the old one */
  }
}

function followLink() {
  if (!session) return;
  const ticket = TICKET_LINK.exec(window.location.hash);
  if (ticket && (!selected || selected.ticket.ticket_id !== ticket[1])) openTicket(ticket[1]);
  const linked = REPORT_LINK.exec(window.location.hash);
  if (linked && canReports() && (!report || report.report.report_id !== linked[1])) openReport(linked[1]);
}

// ------------------------------------------------------------------ incident reports: the register and one report

function canReports() {
  return session && session.groups.some(function (g) { return REPORT_ROLES.indexOf(g) >= 0; });
}

function reportPath(reportId, action) {
  return "staff/incident-reports/" + encodeURIComponent(reportId) + (action ? "/" + action : "");
}

async function openRegister(quiet) {
  const section = el("reports");
  section.hidden = false;
  el("reports-toggle").setAttribute("aria-expanded", "true");
  const forSite = siteId;
  const result = await staffApi("GET", "staff/incident-reports?site_id=" + encodeURIComponent(siteId));
  if (!result || forSite !== siteId) return;
  if (!result.ok) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  register = result.data;
  renderRegister();
  if (!quiet) FD.announce(el("status"), t("staff.reports.loaded", { n: register.reports.length }));
}

function closeRegister(keepLink) {
  register = null;
  report = null;
  pack = null;
  el("reports").hidden = true;
  el("report").hidden = true;
  el("reports-toggle").setAttribute("aria-expanded", "false");
  if (!keepLink && REPORT_LINK.test(window.location.hash)) setLink("");
}

function renderRegister() {
  if (!register) return;
  el("reports-title").textContent = t("staff.reports.title", { year: register.year });
  const rows = register.reports || [];
  el("reports-empty").hidden = rows.length > 0;
  el("reports-table").hidden = rows.length === 0;
  const zone = tz();
  FD.fill(el("reports-rows"), rows.map(function (entry) {
    const current = report && report.report.report_id === entry.report_id;
    const due = entry.state === "submitted"
      ? t("incident.state.submitted") + " " + FD.formatTime(entry.submitted_at, zone) + (entry.on_time === false ? " · " + t("incident.on_time.false") : "")
      : FD.formatTime(entry.due_at, zone);
    return h("tr", { class: current ? "selected" : null, "data-report": entry.report_id },
      h("th", { scope: "row" },
        h("button", {
          type: "button",
          class: "link",
          text: entry.number,
          "aria-label": t("staff.reports.open_report", { number: entry.number }),
          "aria-current": current ? "true" : null,
          onclick: function () { openReport(entry.report_id); },
        })
      ),
      h("td", null, h("span", { class: "badge small" + (entry.severity === "major" ? " severity" : ""), text: t("incident.severity." + entry.severity) })),
      h("td", { text: t("incident.state." + entry.state) }),
      h("td", null, due, entry.overdue ? [" ", h("span", { class: "left overdue", text: t("incident.overdue") })] : null)
    );
  }));
}

async function openReport(reportId, quiet) {
  if (el("reports").hidden || !register) await openRegister(true);
  const result = await staffApi("GET", reportPath(reportId));
  if (!result) return;
  if (!result.ok) {
    FD.announce(el("status"), result.data.message);
    return;
  }
  if (!report || report.report.report_id !== reportId) {
    pack = null;
    verification = null;
    FD.fill(el("report-uploads"));
    FD.clearField(el("report-photos-box"), "photos");
  }
  report = result.data;
  // A report of another site (a link in a mail): the console follows it to that site.
  const reportSite = report.report.site_id;
  if (reportSite !== siteId && sites.some(function (s) { return s.site_id === reportSite; })) {
    siteId = reportSite;
    FD.store(SITE_KEY, siteId);
    renderSites();
    closeDetail();
    loadQueue(true);
    await openRegister(true);
  }
  renderReport();
  renderRegister();
  setLink("#report=" + reportId);
  if (!quiet) {
    el("report").focus();
    FD.announce(el("status"), t("staff.reports.opened", { number: report.report.number }));
  }
}

function renderReport() {
  if (!report) return;
  const r = report.report;
  const zone = tz();
  const actions = report.actions || [];
  el("report").hidden = false;
  el("report-title").textContent = r.number;
  el("report-state").textContent = t("incident.state." + r.state);
  el("report-overdue").hidden = !report.overdue;
  const ticketLink = r.ticket_id
    ? h("a", { href: "#ticket=" + r.ticket_id, text: r.ticket_number || r.ticket_id })
    : null;
  FD.fill(el("report-fields"),
    pair("incident.field.severity", t("incident.severity." + r.severity)),
    pair("incident.field.category", FD.tAny(["incident.category." + r.category, r.category])),
    pair("incident.field.occurred_at", FD.formatTime(r.occurred_at, zone)),
    pair("incident.field.due_at", FD.formatTime(r.due_at, zone)),
    pair("incident.field.place", [r.building_id ? buildingName(r.building_id) : "", r.unit, r.place].filter(Boolean).join(" · ")),
    pair("incident.field.details", r.details),
    pair("incident.field.immediate_action", r.immediate_action),
    pair("incident.field.police_file_number", r.police_file_number),
    pair("incident.field.remarks", r.remarks),
    pair("incident.field.open_problems", r.open_problems),
    pair("incident.field.reported_by_name", r.reported_by_name),
    ticketLink ? pair("incident.field.ticket", ticketLink) : null,
    r.submitted_at ? pair("incident.field.submitted_at", FD.formatTime(r.submitted_at, zone) + (r.on_time === null || r.on_time === undefined ? "" : " · " + t("incident.on_time." + r.on_time))) : null
  );
  const photos = report.photos || [];
  UI.gallery(el("report-photos"), photos, { staff: true, tz: zone });
  el("report-photos-empty").hidden = photos.length > 0;
  el("report-photos-count").textContent = photos.length ? "(" + t("photo.count", { n: UI.counted(photos), max: 20 }) + ")" : "";
  const mayAdd = actions.indexOf("photos") >= 0;
  el("report-photos-add").hidden = !mayAdd;
  el("report-photos-closed").hidden = mayAdd || r.state !== "submitted";
  el("report-photo-input").disabled = !!busy.reportPhotos || UI.counted(photos) >= 20;
  el("report-pack").hidden = actions.indexOf("evidence_pack") < 0;
  el("report-verify").hidden = actions.indexOf("verify") < 0;
  el("report-verify-pack").hidden = actions.indexOf("verify") < 0 || !pack;
  renderPack();
  renderVerification();
}

function renderVerification() {
  const out = el("report-verify-result");
  const v = verification;
  if (!v) {
    out.textContent = "";
    out.removeAttribute("data-ok");
    return;
  }
  if (v.busy || v.message) {
    out.textContent = v.busy ? t("incident.verify.busy") : v.message;
    if (v.message) out.setAttribute("data-ok", "false");
    else out.removeAttribute("data-ok");
    return;
  }
  const subject = FD.tAny(["incident.verify.subject." + v.subject, v.subject]);
  const verdict = v.ok
    ? t("incident.verify.ok", { n: v.checked.length })
    : t("incident.verify.bad", { changed: v.changed.length, missing: v.missing.length, unexpected: v.unexpected.length });
  const named = [].concat(v.changed, v.missing, v.unexpected, v.problems || []);
  out.textContent = subject + " · " + verdict + (named.length ? " " + named.join(", ") : "");
  out.setAttribute("data-ok", v.ok ? "true" : "false");
}

function renderPack() {
  const ready = el("report-pack-ready");
  ready.hidden = !pack;
  if (!pack) return;
  const link = el("report-pack-link");
  link.setAttribute("href", pack.url);
  link.textContent = t("incident.pack.link", { files: pack.files, size: UI.size(pack.size) });
  el("report-pack-hash").textContent = t("incident.pack.sha256", { v: pack.sha256 });
}

async function makePack() {
  if (!report || busy.pack) return;
  const button = el("report-pack");
  busy.pack = true;
  button.disabled = true;
  button.textContent = t("incident.pack.busy");
  FD.hideAlert(el("report-alert"));
  const result = await staffApi("POST", reportPath(report.report.report_id, "evidence-pack"));
  busy.pack = false;
  button.disabled = false;
  button.textContent = t("incident.pack");
  if (!result) return;
  if (!result.ok) {
    FD.showAlert(el("report-alert"), result.data.message);
    el("report-alert").focus();
    return;
  }
  pack = result.data;
  renderReport();
  el("report-pack-link").focus();
}

async function verify(withPack) {
  if (!report || busy.verify) return;
  const reportId = report.report.report_id;
  busy.verify = true;
  verification = { busy: true };
  renderVerification();
  const body = withPack && pack ? { pack_id: pack.pack_id } : {};
  const result = await staffApi("POST", reportPath(reportId, "verify"), body);
  busy.verify = false;
  if (!result || !report || report.report.report_id !== reportId) return;
  verification = result.ok ? result.data : { message: result.data.message };
  renderVerification();
}

async function addReportPhotos() {
  const input = el("report-photo-input");
  const box = el("report-photos-box");
  if (busy.reportPhotos || !report || !valid(session)) return;
  const reportId = report.report.report_id;
  const picked = UI.pick(input.files, 20 - UI.counted(report.photos));
  input.value = "";
  if (picked.refused.length) FD.fieldError(box, "photos", UI.problemText(picked.refused));
  else FD.clearField(box, "photos");
  if (!picked.accepted.length) return;
  busy.reportPhotos = true;
  renderReport();
  const list = el("report-uploads");
  FD.fill(list);
  const counts = await UI.uploadAll(reportPath(reportId, "photos"), picked.accepted, list, {
    token: session.token,
    listPath: reportPath(reportId), // the report's view lists its photos
    before: function () { return valid(session); },
  });
  busy.reportPhotos = false;
  if (!session) return;
  if (report && report.report.report_id === reportId) await openReport(reportId, true);
  FD.announce(el("status"), UI.summary(counts));
}

// ------------------------------------------------------------------ photos of the open ticket

function photosPath(ticketId) {
  return "staff/tickets/" + encodeURIComponent(ticketId) + "/photos";
}

async function loadTicketPhotos(ticketId) {
  const result = await staffApi("GET", photosPath(ticketId));
  if (!result || !selected || selected.ticket.ticket_id !== ticketId) return;
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
  const loaded = ticketPhotos && selected && ticketPhotos.ticket_id === selected.ticket.ticket_id;
  const list = loaded ? ticketPhotos.photos || [] : [];
  UI.gallery(el("detail-photos"), list, { staff: true, tz: tz() });
  el("detail-photos-empty").hidden = !loaded || list.length > 0;
  el("detail-photos-count").textContent = loaded && list.length ? "(" + t("photo.count", { n: UI.counted(list), max: ticketPhotos.max_photos }) + ")" : "";
  el("detail-photo-input").disabled = !!busy.photos || (loaded && UI.counted(list) >= ticketPhotos.max_photos);
}

async function addTicketPhotos() {
  const input = el("detail-photo-input");
  const box = el("detail-photos-box");
  if (busy.photos || !selected) return;
  const ticketId = selected.ticket.ticket_id;
  if (!ticketPhotos || ticketPhotos.ticket_id !== ticketId) await loadTicketPhotos(ticketId); // how many there are
  if (!ticketPhotos || ticketPhotos.ticket_id !== ticketId) return; // the reason is shown under the heading
  const picked = UI.pick(input.files, ticketPhotos.max_photos - UI.counted(ticketPhotos.photos));
  input.value = "";
  if (picked.refused.length) FD.fieldError(box, "photos", UI.problemText(picked.refused));
  else FD.clearField(box, "photos");
  if (!picked.accepted.length || !valid(session)) return;
  busy.photos = true;
  renderTicketPhotos();
  const list = el("detail-uploads");
  FD.fill(list);
  const counts = await UI.uploadAll(photosPath(ticketId), picked.accepted, list, {
    token: session.token,
    before: function () { return valid(session); },
  });
  busy.photos = false;
  if (!session) return;
  await loadTicketPhotos(ticketId);
  renderTicketPhotos();
  FD.announce(el("status"), UI.summary(counts));
}

function closeDetail() {
  const id = selected && selected.ticket.ticket_id;
  selected = null;
  ticketPhotos = null;
  setLink("");
  el("detail").hidden = true;
  el("console").classList.remove("showing-detail");
  renderQueue();
  const button = id ? document.querySelector('[data-ticket="' + id + '"]') : null;
  if (button) button.focus();
}

function pair(labelKey, value) {
  if (value === undefined || value === null || value === "") return null;
  return [h("dt", { text: t(labelKey) }), h("dd", null, value)];
}

function renderDetail() {
  const tk = selected.ticket;
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
    pair("staff.field.kind", t("kind." + tk.kind) + " · " + FD.tAny(["category." + tk.kind + "." + tk.category, tk.category])),
    tk.severity && tk.severity !== "normal" ? pair("staff.field.severity", t("severity." + tk.severity)) : null,
    pair("staff.field.channel", FD.tAny(["channel." + tk.channel, tk.channel])),
    pair("staff.field.place", place(tk)),
    pair("staff.field.description", tk.description),
    pair("staff.field.contact", [contact.name, contact.phone, contact.email].filter(Boolean).join(" · ")),
    pair("staff.field.received_by", tk.received_by === "client" ? t("by.client") : tk.received_by),
    pair("staff.field.created_at", FD.formatTime(tk.created_at, zone)),
    tk.assignment ? pair("staff.field.assignment", FD.tAny(["department." + tk.assignment.department, tk.assignment.department]) + " · " + tk.assignment.assignee) : null,
    tk.arrival_due ? pair("staff.field.arrival_due", FD.formatTime(tk.arrival_due, zone)) : null,
    tk.arrived_at ? pair("staff.field.arrived_at", FD.formatTime(tk.arrived_at, zone)) : null,
    tk.completion_due ? pair("staff.field.completion_due", FD.formatTime(tk.completion_due, zone)) : null,
    tk.reply_due ? pair("staff.field.reply_due", FD.formatTime(tk.reply_due, zone)) : null,
    quote ? pair("staff.field.quote", FD.yuan(quote.total_cents) + (quote.decision ? " · " + t("detail.decision." + quote.decision) : "")) : null,
    pair("staff.field.unfinished_reason", tk.unfinished_reason),
    pair("staff.field.work_summary", tk.work_summary),
    tk.acceptance ? pair("staff.field.acceptance", t("detail.satisfied." + tk.acceptance.satisfied) + (tk.acceptance.rating ? " · " + t("detail.rating", { v: tk.acceptance.rating }) : "") + (tk.acceptance.comment ? " · " + tk.acceptance.comment : "")) : null,
    pair("staff.field.decline_reason", tk.decline_reason)
  );
  renderTicketPhotos();
  renderActions();
  renderDetailTimeline();
}

function renderDetailTimeline() {
  const zone = tz();
  const events = (selected.timeline || []).slice().reverse();
  FD.fill(el("detail-timeline"), events.map(function (e) {
    const actor = e.actor || {};
    const who = actor.kind === "staff" ? actor.id : FD.tAny(["by." + actor.kind, actor.kind || ""]);
    const details = FD.describeDetail(e.detail, zone);
    return h("li", { class: "event" },
      h("p", { class: "event-head" },
        h("time", { datetime: e.at, text: FD.formatTime(e.at, zone) }),
        " ",
        h("strong", { text: FD.tAny(["action." + e.action, "status." + e.to_status]) }),
        h("span", { class: "by", text: " · " + who })
      ),
      h("p", { class: "event-status" }, h("span", { class: "badge small", text: (e.from_status ? t("status." + e.from_status) + " → " : "") + t("status." + e.to_status) })),
      details.length ? h("ul", { class: "event-detail" }, details.map(function (line) { return h("li", { text: line }); })) : null
    );
  }));
}

// ------------------------------------------------------------------ action forms

function fieldId(action, name) {
  return "act-" + action + "-" + name.replace(/\./g, "-");
}

/** A labelled control with its hint and error slot, wired with aria-describedby. */
function field(action, spec) {
  const id = fieldId(action, spec.name);
  const errorId = id + "-error";
  const describedBy = [spec.hint ? id + "-hint" : null, errorId].filter(Boolean).join(" ");
  let control;
  if (spec.type === "textarea") {
    control = h("textarea", { id: id, name: spec.name, rows: 3, maxlength: spec.max || MAX_TEXT, required: !!spec.required, "aria-describedby": describedBy });
  } else if (spec.type === "select") {
    control = h("select", { id: id, name: spec.name, required: !!spec.required, "aria-describedby": describedBy },
      spec.blank ? h("option", { value: "", text: t("common.choose") }) : null,
      spec.options.map(function (o) { return h("option", { value: o, text: FD.tAny([spec.optionPrefix + o, o]) }); })
    );
    if (spec.value !== undefined) control.value = spec.value;
  } else {
    control = h("input", {
      id: id,
      name: spec.name,
      type: spec.type || "text",
      maxlength: spec.max || null,
      inputmode: spec.inputmode || null,
      required: !!spec.required,
      autocomplete: "off",
      "aria-describedby": describedBy,
    });
    if (spec.value !== undefined) control.value = spec.value;
  }
  return h("div", { class: "field" + (spec.class ? " " + spec.class : ""), "data-field": spec.name },
    h("label", { for: id },
      h("span", { text: t(spec.label) }),
      spec.required ? [" ", h("span", { class: "req", text: t("common.required") })] : null
    ),
    control,
    spec.hint ? h("p", { class: "hint", id: id + "-hint", text: spec.hint }) : null,
    h("p", { class: "field-error", id: errorId, hidden: true })
  );
}

function actionFields(action, ticket) {
  const zone = tz();
  switch (action) {
    case "decline":
      return [{ name: "reason", type: "textarea", label: "staff.in.reason", required: true }];
    case "dispatch":
      return [
        { name: "department", type: "select", label: "staff.in.department", options: DEPARTMENTS, optionPrefix: "department.", value: "engineering", required: true },
        { name: "assignee", label: "staff.in.assignee", required: true, max: 60 },
      ];
    case "reschedule": {
      const due = ticket.arrival_due ? new Date(Date.parse(ticket.arrival_due) + 15 * 60000).toISOString() : new Date().toISOString();
      return [
        { name: "new_arrival", type: "datetime-local", label: "staff.in.new_arrival", required: true, value: FD.localInput(due, zone) },
        { name: "agreed_with", label: "staff.in.agreed_with", required: true, max: 60, value: (ticket.contact || {}).name || "" },
        { name: "contact_method", type: "select", label: "staff.in.contact_method", options: ["phone", "in_person", "sms", "email"], optionPrefix: "method.", required: true },
        { name: "note", type: "textarea", label: "staff.in.note" },
      ];
    }
    case "complete":
      return [{ name: "summary", type: "textarea", label: "staff.in.summary", required: true }];
    case "unfinished":
      return [{ name: "reason", type: "textarea", label: "staff.in.reason", required: true }];
    case "handle":
      return [
        { name: "department", type: "select", label: "staff.in.department", options: DEPARTMENTS, optionPrefix: "department.", required: true, blank: true },
        { name: "action_taken", type: "textarea", label: "staff.in.action_taken", required: true },
        { name: "severity", type: "select", label: "staff.in.severity", options: ["normal", "serious", "critical"], optionPrefix: "severity.", blank: true, value: "" },
      ];
    case "reply":
      return [
        { name: "reply", type: "textarea", label: "staff.in.reply", required: true },
        { name: "method", type: "select", label: "staff.in.method", options: ["phone", "in_person", "letter", "email", "sms"], optionPrefix: "method.", required: true },
      ];
    case "close": {
      const needsNote = ticket.status === "completed";
      return [{ name: "note", type: "textarea", label: needsNote ? "staff.in.note.close" : "staff.in.note", required: needsNote }];
    }
    default:
      return [];
  }
}

function quoteRow(index) {
  return h("div", { class: "quote-row", "data-row": String(index) },
    field("quote", { name: "lines." + index + ".item", label: "staff.in.item", required: true, max: 200 }),
    field("quote", { name: "lines." + index + ".amount_cents", label: "staff.in.amount", required: true, inputmode: "decimal" }),
    h("button", { type: "button", class: "link remove-line", text: t("staff.in.remove_line"), onclick: function (event) {
      const rows = event.target.closest(".quote-lines");
      if (rows.children.length > 1) event.target.closest(".quote-row").remove();
    } })
  );
}

function quoteFields() {
  let next = 1;
  const rows = h("div", { class: "quote-lines" }, quoteRow(0));
  return [
    rows,
    h("p", null, h("button", { type: "button", class: "secondary small", text: t("staff.in.add_line"), onclick: function () {
      rows.appendChild(quoteRow(next));
      next += 1;
    } })),
    field("quote", { name: "tax_cents", label: "staff.in.tax", required: true, inputmode: "decimal", value: "0" }),
    field("quote", { name: "labour_cents", label: "staff.in.labour", required: true, inputmode: "decimal", value: "0" }),
  ];
}

const MONEY = /^\d{1,7}(\.\d{1,2})?$/;

function cents(text) {
  return Math.round(parseFloat(text) * 100);
}

/** The body for an action from its form; client-side problems are marked on the form. */
function collect(action, form, ticket) {
  const problems = [];
  const body = { version: ticket.version };
  const read = function (name) {
    const control = form.elements[name];
    return control ? control.value.trim() : "";
  };
  if (action === "quote") {
    const lines = [];
    form.querySelectorAll(".quote-row").forEach(function (row, position) {
      const index = row.getAttribute("data-row");
      const item = read("lines." + index + ".item");
      const amount = read("lines." + index + ".amount_cents");
      if (!item) problems.push(["lines." + index + ".item", "error.required"]);
      if (!MONEY.test(amount)) problems.push(["lines." + index + ".amount_cents", "error.amount"]);
      lines.push({ item: item, amount_cents: cents(amount), _row: index, _position: position });
    });
    ["tax_cents", "labour_cents"].forEach(function (name) {
      if (!MONEY.test(read(name))) problems.push([name, "error.amount"]);
      body[name] = cents(read(name));
    });
    body.lines = lines.map(function (l) { return { item: l.item, amount_cents: l.amount_cents }; });
    form._rows = lines.map(function (l) { return l._row; });
    return { body: body, problems: problems };
  }
  actionFields(action, ticket).forEach(function (spec) {
    const v = read(spec.name);
    if (spec.required && !v) {
      problems.push([spec.name, spec.type === "select" ? "error.choose" : "error.required"]);
      return;
    }
    if (!v && !spec.required) {
      if (spec.type !== "select") body[spec.name] = v;
      return;
    }
    if (spec.type === "datetime-local") body[spec.name] = FD.zonedIso(v, tz());
    else body[spec.name] = v;
  });
  return { body: body, problems: problems };
}

function mapServerField(form) {
  return function (field) {
    if (!field) return null;
    const m = /^lines\.(\d+)\.(\w+)$/.exec(field);
    if (m && form._rows) return "lines." + form._rows[Number(m[1])] + "." + m[2];
    return field;
  };
}

/** Since `ticket` was read, only the SLA timer (a system actor) has written, and `action` is still open. */
function onlyTimerSince(fresh, ticket, action) {
  const newer = (fresh.timeline || []).filter(function (e) { return e.seq > ticket.version; });
  return fresh.ticket.status === ticket.status
    && (fresh.actions || []).indexOf(action) >= 0
    && newer.length > 0
    && newer.every(function (e) { return e.actor && e.actor.kind === "system"; });
}

async function runAction(action, form) {
  if (busy.action || !selected) return;
  const ticket = selected.ticket;
  const alert = form.querySelector(".alert");
  FD.clearErrors(form);
  FD.hideAlert(alert);
  FD.hideAlert(el("detail-alert"));
  const collected = collect(action, form, ticket);
  if (collected.problems.length) {
    collected.problems.forEach(function (p) { FD.fieldError(form, p[0], t(p[1]), p[1]); });
    FD.focusFirstInvalid(form);
    return;
  }
  busy.action = true;
  const submit = form.querySelector("button[type=submit]");
  submit.disabled = true;
  const path = "staff/tickets/" + encodeURIComponent(ticket.ticket_id) + "/" + action;
  let result = await staffApi("POST", path, collected.body);
  // The SLA timer's escalations also move the version on; they change nothing this action depends
  // on, so the action is sent again on the fresh version. Anyone else's change stops it.
  for (let attempt = 0; attempt < 2 && result && result.status === 409 && result.data.code === "version_conflict"; attempt += 1) {
    const fresh = await staffApi("GET", "staff/tickets/" + encodeURIComponent(ticket.ticket_id));
    if (!fresh || !fresh.ok || !onlyTimerSince(fresh.data, ticket, action)) break;
    collected.body.version = fresh.data.ticket.version;
    result = await staffApi("POST", path, collected.body);
  }
  busy.action = false;
  submit.disabled = false;
  if (!result) return;
  if (result.ok) {
    selected = result.data;
    renderDetail();
    const detailAlert = el("detail-alert");
    FD.announce(el("status"), t("staff.actions.done", { action: t("staff.do." + action) }));
    detailAlert.hidden = true;
    el("detail").focus();
    loadQueue(true);
    return;
  }
  if (result.status === 409 && result.data.code === "version_conflict") {
    await openTicket(ticket.ticket_id, true);
    FD.showAlert(el("detail-alert"), t("staff.conflict"));
    el("detail-alert").focus();
    return;
  }
  const shown = FD.serverErrors(form, result.data, mapServerField(form));
  if (shown) {
    FD.showAlert(alert, result.data.message);
    FD.focusFirstInvalid(form);
  } else {
    FD.showAlert(alert, result.data.message);
    alert.focus();
  }
}

function actionForm(action, ticket) {
  const form = h("form", { class: "action-form", "data-action-form": action, novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    action === "quote" ? quoteFields() : actionFields(action, ticket).map(function (spec) { return field(action, spec); }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: action === "decline" ? "danger" : "primary", text: t("staff.do." + action) }))
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runAction(action, form);
  });
  form.addEventListener("input", function (event) {
    const box = event.target.closest("[data-field]");
    if (box && box.classList.contains("invalid")) FD.clearField(form, box.getAttribute("data-field"));
  });
  return form;
}

function renderActions() {
  const ticket = selected.ticket;
  const actions = selected.actions || [];
  el("actions-none").hidden = actions.length > 0;
  FD.fill(el("actions"), actions.map(function (action) {
    const form = actionForm(action, ticket);
    // Nothing to fill in (arrive): the button is the action.
    if (action === "arrive") return h("div", { class: "action", "data-action": action }, form);
    return h("details", { class: "action", "data-action": action, open: actions.length === 1 },
      h("summary", { text: t("staff.do." + action) }),
      form
    );
  }));
}

// ------------------------------------------------------------------ intake (phone, walk-in, letter)

function renderIntake() {
  const form = el("intake-form");
  const s = site();
  const kind = (form.elements.kind && form.elements.kind.value) || "repair";
  const keep = {};
  Array.prototype.forEach.call(form.elements, function (c) { if (c.name) keep[c.name] = c.value; });
  const buildings = s ? s.buildings || [] : [];
  FD.fill(form,
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("div", { class: "grid" },
      field("intake", { name: "channel", type: "select", label: "staff.intake.channel", options: ["phone", "walk_in", "letter"], optionPrefix: "channel.", required: true }),
      field("intake", { name: "kind", type: "select", label: "form.kind", options: KINDS, optionPrefix: "kind.", required: true, value: kind }),
      field("intake", { name: "category", type: "select", label: "form.category", options: CATEGORIES[kind] || [], optionPrefix: "category." + kind + ".", required: true, blank: true }),
      field("intake", { name: "severity", type: "select", label: "staff.intake.severity", options: ["normal", "serious", "critical"], optionPrefix: "severity.", required: true }),
      h("div", { class: "field", "data-field": "building_id" },
        h("label", { for: "act-intake-building_id" }, h("span", { text: t("form.building") }), " ", h("span", { class: "req", text: t("common.required") })),
        h("select", { id: "act-intake-building_id", name: "building_id", required: true, "aria-describedby": "act-intake-building_id-error" },
          h("option", { value: "", text: t("common.choose") }),
          buildings.map(function (b) { return h("option", { value: b.building_id, text: FD.placeName(b) }); })
        ),
        h("p", { class: "field-error", id: "act-intake-building_id-error", hidden: true })
      ),
      field("intake", { name: "unit", label: "form.unit", max: 20 }),
      field("intake", { name: "location", label: "form.location", max: 200 }),
      field("intake", { name: "contact_name", label: "form.contact_name", required: true, max: 60 }),
      field("intake", { name: "contact_phone", type: "tel", label: "form.contact_phone", max: 21 }),
      field("intake", { name: "contact_email", type: "email", label: "form.contact_email", max: 254 })
    ),
    field("intake", { name: "description", type: "textarea", label: "form.description", required: true }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.intake.submit") }))
  );
  Object.keys(keep).forEach(function (name) {
    const control = form.elements[name];
    if (control && name !== "kind" && keep[name] !== undefined) {
      control.value = keep[name];
      if (control.tagName === "SELECT" && control.value !== keep[name]) control.value = control.options.length ? control.options[0].value : "";
    }
  });
}

async function submitIntake(event) {
  event.preventDefault();
  const form = el("intake-form");
  const alert = form.querySelector(".alert");
  if (busy.intake) return;
  FD.clearErrors(form);
  FD.hideAlert(alert);
  const read = function (name) { return form.elements[name] ? form.elements[name].value.trim() : ""; };
  const problems = [];
  ["channel", "kind", "category", "severity", "building_id"].forEach(function (n) { if (!read(n)) problems.push([n, "error.choose"]); });
  ["contact_name", "description"].forEach(function (n) { if (!read(n)) problems.push([n, "error.required"]); });
  if (!read("unit") && !read("location")) problems.push(["unit", "error.unit_or_location"]);
  if (read("contact_phone") && PHONE && !PHONE.test(read("contact_phone"))) problems.push(["contact_phone", "error.phone"]);
  if (problems.length) {
    problems.forEach(function (p) { FD.fieldError(form, p[0], t(p[1]), p[1]); });
    FD.focusFirstInvalid(form);
    return;
  }
  const body = {
    site_id: siteId,
    building_id: read("building_id"),
    unit: read("unit"),
    location: read("location"),
    kind: read("kind"),
    category: read("category"),
    severity: read("severity"),
    channel: read("channel"),
    description: read("description"),
    contact_name: read("contact_name"),
    language: FD.lang,
  };
  if (read("contact_phone")) body.contact_phone = read("contact_phone");
  if (read("contact_email")) body.contact_email = read("contact_email");
  busy.intake = true;
  intakeKey = intakeKey || FD.newKey();
  const result = await staffApi("POST", "staff/tickets", body, { "Idempotency-Key": intakeKey });
  busy.intake = false;
  if (!result) return;
  if (result.ok) {
    intakeKey = null;
    form.reset();
    renderIntake();
    toggleIntake(false);
    await loadQueue(true);
    if (result.data.ticket_id) await openTicket(result.data.ticket_id, true);
    el("detail").focus();
    FD.announce(el("status"), t("staff.intake.done", { number: result.data.number }));
    return;
  }
  const shown = FD.serverErrors(form, result.data, function (f) { return f ? String(f).split(".")[0] : null; });
  FD.showAlert(alert, result.data.message);
  if (shown) FD.focusFirstInvalid(form);
  else alert.focus();
}

function toggleIntake(open) {
  const section = el("intake");
  const show = open === undefined ? section.hidden : open;
  section.hidden = !show;
  el("new-ticket-toggle").setAttribute("aria-expanded", show ? "true" : "false");
  if (show) {
    renderIntake();
    const first = el("intake-form").querySelector("select, input");
    if (first) first.focus();
  }
}

// ------------------------------------------------------------------ start

async function loadConfig() {
  const result = await FD.api("GET", "config.json");
  if (result.ok && result.data) config = Object.assign(config, result.data);
  const note = el("scale-note");
  note.hidden = scale() === 1;
  if (scale() > 1) note.textContent = t("staff.scale", { n: scale() });
}

async function init() {
  el("signin-form").addEventListener("submit", signIn);
  el("signout").addEventListener("click", function () {
    setLink(""); // a deliberate sign-out forgets the ticket the link opened
    signOut();
  });
  el("reload").addEventListener("click", function () {
    loadQueue();
    if (selected) openTicket(selected.ticket.ticket_id, true);
  });
  el("back").addEventListener("click", closeDetail);
  el("site").addEventListener("change", function () {
    siteId = el("site").value;
    FD.store(SITE_KEY, siteId);
    closeDetail();
    if (!el("intake").hidden) renderIntake();
    loadQueue();
    if (!el("reports").hidden) {
      closeRegister();
      openRegister();
    }
  });
  el("new-ticket-toggle").addEventListener("click", function () { toggleIntake(); });
  el("detail-photo-input").setAttribute("accept", window.FD_PHOTOS.ACCEPT);
  el("report-photo-input").setAttribute("accept", window.FD_PHOTOS.ACCEPT);
  el("report-photo-input").addEventListener("change", addReportPhotos);
  el("reports-toggle").addEventListener("click", function () {
    if (el("reports").hidden) openRegister();
    else closeRegister();
  });
  el("report-close").addEventListener("click", function () {
    report = null;
    pack = null;
    el("report").hidden = true;
    setLink("");
    renderRegister();
    const first = el("reports-rows").querySelector("button");
    if (first) first.focus();
  });
  el("report-pack").addEventListener("click", makePack);
  el("report-verify").addEventListener("click", function () { verify(false); });
  el("report-verify-pack").addEventListener("click", function () { verify(true); });
  el("detail-photo-input").addEventListener("change", addTicketPhotos);
  window.addEventListener("hashchange", followLink);
  el("intake-form").addEventListener("submit", submitIntake);
  el("intake-form").addEventListener("input", function () { intakeKey = null; });
  el("intake-form").addEventListener("change", function (event) {
    intakeKey = null;
    if (event.target.name === "kind") renderIntake();
  });
  FD.onLang(function () {
    if (scale() > 1) el("scale-note").textContent = t("staff.scale", { n: scale() });
    renderWho();
    if (sites.length) renderSites();
    renderQueue();
    if (selected) renderDetail();
    if (!el("intake").hidden) renderIntake();
    renderRegister();
    renderReport();
    el("signin-submit").textContent = t("staff.signin.submit");
  });
  window.setInterval(tick, 1000);

  await loadConfig();
  let token = null;
  try { token = window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { token = null; }
  const restored = token ? sessionFrom(token) : null;
  if (valid(restored)) startSession(token);
  else showSignIn();
}

document.addEventListener("DOMContentLoaded", init);
