/* The semi-annual satisfaction survey and the quarterly callback analysis (docs/decisions/0023).
   The campaign: started by a manager over the site's units; its responses per unit against the
   target, and the links the desk hands to units no address is known for. The analysis: the
   quarter's failed callbacks and repeated complaints and repairs, and its CSV. The campaign
   months and the target come from GET /public/catalogue (surveys), never from here. */
import * as FD from "./common.js";
import { canIntake, canReports, staffApi } from "./staff-session.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;
let quarterLink = null; // #quarterly=<site>/<quarter>, from the catalogue's patterns
const QUARTERS_SHOWN = 4;

let rules = null; // the catalogue's surveys
let campaign = null; // CampaignView of the site on screen
let analysis = null; // QuarterlyAnalysis of the site on screen

export function configureSurveys(known) {
  if (known && known.surveys) rules = known.surveys;
  const patterns = (known && known.patterns) || {};
  quarterLink = FD.hashLink("quarterly", [patterns.site_id, patterns.quarter]);
}

function isManager() {
  return !!state.session && state.session.groups.indexOf("manager") >= 0;
}

function sitePath(rest) {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/" + rest;
}

function pad(n) {
  return (n < 10 ? "0" : "") + n;
}

/** This year's and last year's campaign months, the latest first. */
function periods() {
  const year = new Date().getFullYear();
  const out = [];
  [year, year - 1].forEach(function (y) {
    rules.campaign_months.slice().reverse().forEach(function (m) { out.push(y + "-" + pad(m)); });
  });
  return out;
}

/** The quarter just ended first, then the ones before it, and the running one last. */
function quarters() {
  const now = new Date();
  let year = now.getFullYear();
  let q = Math.floor(now.getMonth() / 3) + 1;
  const out = [year + "-Q" + q];
  for (let i = 0; i < QUARTERS_SHOWN; i += 1) {
    q -= 1;
    if (q === 0) { q = 4; year -= 1; }
    out.push(year + "-Q" + q);
  }
  return out.slice(1).concat(out.slice(0, 1));
}

function options(select, values, label) {
  const chosen = select.value;
  FD.fill(select, values.map(function (v) { return h("option", { value: v, text: label(v) }); }));
  if (values.indexOf(chosen) >= 0) select.value = chosen;
}

function periodLabel(period) {
  const parts = period.split("-");
  return t("surveys.period", { year: parts[0], month: Number(parts[1]) });
}

// ------------------------------------------------------------------ the campaign

async function showCampaign(start) {
  const alert = el("campaign-alert");
  FD.hideAlert(alert);
  const period = el("campaign-period").value;
  const site = state.siteId;
  const result = start
    ? await staffApi("POST", sitePath("campaigns"), { period: period })
    : await staffApi("GET", sitePath("campaigns/" + encodeURIComponent(period)));
  if (!result || site !== state.siteId) return;
  campaign = result.ok ? result.data : null;
  renderCampaign();
  if (!result.ok) FD.showAlert(alert, (result.data && result.data.message) || t("error.generic"));
  else if (start) FD.announce(el("status"), t("surveys.started"));
}

function surveyLink(token) {
  return new URL("survey#" + token, window.location.href).href;
}

function unitState(invitation) {
  if (invitation.answered) return h("span", { class: "badge small", "data-answered": "true", text: t("surveys.answered") });
  if (invitation.link_token) {
    const link = surveyLink(invitation.link_token);
    return h("span", {}, h("span", { class: "muted", text: t("surveys.hand_over") + " " }), h("a", { href: link, class: "survey-link", text: link }));
  }
  return h("span", { class: "muted", text: t(invitation.mailed ? "surveys.mailed" : "surveys.to_mail") });
}

function renderCampaign() {
  const box = el("campaign-body");
  if (!box) return;
  el("campaign-start").hidden = !isManager();
  if (!campaign || campaign.campaign.site_id !== state.siteId) {
    FD.fill(box, []);
    return;
  }
  const c = campaign.campaign;
  FD.fill(box,
    h("p", { class: "rate", id: "campaign-rate" },
      h("strong", { text: t("surveys.rate", { responses: c.responses, units: c.units, rate: campaign.rate_percent, target: campaign.target_percent }) }), " ",
      h("span", { class: "badge small", "data-met": String(campaign.meets_target), text: t(campaign.meets_target ? "surveys.met" : "surveys.below") })
    ),
    h("p", { class: "muted", text: t("surveys.closes", { day: c.closes_on }) }),
    h("div", { class: "table-wrap" },
      h("table", { class: "register" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("surveys.unit") }), h("th", { scope: "col", text: t("surveys.state") }))),
        h("tbody", {}, campaign.invitations.map(function (i) {
          return h("tr", { "data-unit": i.building_id + "/" + i.unit },
            h("td", { text: i.building_id + " " + i.unit }), h("td", {}, unitState(i)));
        }))
      )
    )
  );
}

// ------------------------------------------------------------------ the quarterly analysis

async function showQuarter() {
  const alert = el("quarterly-alert");
  FD.hideAlert(alert);
  const site = state.siteId;
  const result = await staffApi("GET", sitePath("quarterly/" + encodeURIComponent(el("quarterly-quarter").value)));
  if (!result || site !== state.siteId) return;
  analysis = result.ok ? result.data : null;
  renderQuarter();
  if (!result.ok) FD.showAlert(alert, (result.data && result.data.message) || t("error.generic"));
}

/** The CSV through the API (it needs the session's token), saved under the name the API gives. */
async function downloadCsv() {
  // through staffApi first: it renews a session about to end, or signs out one that has
  if (!analysis || !(await staffApi("GET", sitePath("quarterly/" + analysis.quarter)))) return;
  const response = await fetch(sitePath("quarterly/" + analysis.quarter + "/csv"), {
    headers: { Authorization: state.session.token, Accept: "text/csv", "Accept-Language": FD.lang },
    credentials: "omit",
    cache: "no-store",
  });
  if (!response.ok) {
    FD.showAlert(el("quarterly-alert"), t("error.generic"));
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = h("a", { href: url, download: "callbacks-" + analysis.site_id + "-" + analysis.quarter + ".csv", hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
}

function findings(title, rows, render) {
  return h("section", { class: "findings" },
    h("h4", { text: title + " (" + rows.length + ")" }),
    rows.length ? h("ul", {}, rows.map(render)) : h("p", { class: "muted", text: t("surveys.none") })
  );
}

function repeatRow(issue) {
  return h("li", { "data-repeat": issue.building_id + "/" + issue.unit + "/" + issue.category },
    h("strong", { text: issue.building_id + " " + issue.unit }), " ",
    h("span", { text: FD.tAny(["category." + issue.kind + "." + issue.category, issue.category]) + " ×" + issue.count }), " ",
    h("span", { class: "muted", text: issue.tickets.join(", ") })
  );
}

function renderQuarter() {
  const box = el("quarterly-body");
  if (!box) return;
  el("quarterly-csv").hidden = !analysis;
  if (!analysis || analysis.site_id !== state.siteId) {
    FD.fill(box, []);
    el("quarterly-csv").hidden = true;
    return;
  }
  FD.fill(box,
    h("p", { class: "muted", text: t("surveys.quarter_span", { first: analysis.first_day, last: analysis.last_day, n: analysis.tickets_read }) }),
    findings(t("surveys.failed"), analysis.failed_callbacks, function (f) {
      return h("li", { "data-failed": f.callback_id },
        h("strong", { text: f.ticket_number }), " ",
        h("span", { text: f.building_id + " " + f.unit + " · " + t("callback.reason." + f.reason) }),
        f.defect_remains ? h("span", { class: "badge small", text: " " + t("surveys.rework") }) : null
      );
    }),
    findings(t("surveys.complaints"), analysis.repeated_complaints, repeatRow),
    findings(t("surveys.repairs"), analysis.repeated_repairs, repeatRow)
  );
}

// ------------------------------------------------------------------ the panel

export function renderSurveys() {
  if (!rules || !el("surveys")) return;
  options(el("campaign-period"), periods(), periodLabel);
  options(el("quarterly-quarter"), quarters(), function (q) { return q; });
  el("quarterly").hidden = !canReports();
  renderCampaign();
  renderQuarter();
}

async function openSurveys() {
  if (!rules) configureSurveys(await FD.catalogue());
  el("surveys").hidden = false;
  el("surveys-toggle").setAttribute("aria-expanded", "true");
  renderSurveys();
}

/** staff#quarterly=<site>/<quarter> (the link in the managers' mail) opens that analysis. */
export async function followQuarterLink() {
  const link = quarterLink && quarterLink.exec(window.location.hash);
  if (!link || !state.session || !canReports()) return;
  if (link[1] !== state.siteId && state.sites.some(function (s) { return s.site_id === link[1]; })) {
    el("site").value = link[1];
    el("site").dispatchEvent(new Event("change")); // as if chosen: every panel follows the site
  }
  await openSurveys();
  if (quarters().indexOf(link[2]) < 0) {
    el("quarterly-quarter").appendChild(h("option", { value: link[2], text: link[2] }));
  }
  el("quarterly-quarter").value = link[2];
  await showQuarter();
}

/** The panel closed (its toggle, or signing out: the next user of the browser opens it themselves). */
export function closeSurveys() {
  el("surveys").hidden = true;
  el("surveys-toggle").setAttribute("aria-expanded", "false");
}

export function wireSurveys() {
  el("surveys-toggle").addEventListener("click", function () {
    if (el("surveys").hidden) openSurveys();
    else closeSurveys();
  });
  el("campaign-show").addEventListener("click", function () { showCampaign(false); });
  el("campaign-start").addEventListener("click", function () { showCampaign(true); });
  el("quarterly-show").addEventListener("click", showQuarter);
  el("quarterly-csv").addEventListener("click", downloadCsv);
}

/** Signed out or another site: nothing of the last one stays. */
export function clearSurveys() {
  campaign = null;
  analysis = null;
  if (el("surveys-toggle")) el("surveys-toggle").hidden = !canIntake();
  renderCampaign();
  renderQuarter();
}
