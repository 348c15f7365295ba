/* The survey page of the semi-annual satisfaction campaign (docs/decisions/0023): a unit's link
   (survey#<token>, no login) opens the same questions as a callback survey (survey.js). */
import * as FD from "./common.js";
import { loadSurvey } from "./survey.js";

const el = FD.el;

async function load() {
  const token = FD.tokenFromHash();
  el("status").hidden = true;
  el("alert").hidden = true;
  const result = (await FD.tokenShaped(token)) ? await loadSurvey(token) : null;
  if (!el("survey-card").hidden) return;
  const said = result && !result.ok && result.data && result.data.message; // answered already, closed …
  FD.showAlert(el("alert"), said || FD.t("survey_not_found"));
}

document.addEventListener("DOMContentLoaded", function () {
  window.addEventListener("hashchange", load);
  FD.onLang(load);
  load();
});
