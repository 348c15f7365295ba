/* The survey page of the semi-annual satisfaction campaign (docs/decisions/0023): a unit's link
   (survey#<token>, no login) opens the same questions as a callback survey (survey.js). */
import * as FD from "./common.js";
import { loadSurvey } from "./survey.js";

function el(id) {
  return document.getElementById(id);
}

function tokenFromHash() {
  try {
    return decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  } catch (e) {
    return "";
  }
}

async function load() {
  const token = tokenFromHash();
  el("status").hidden = true;
  el("alert").hidden = true;
  if (/^[A-Za-z0-9_-]{16,64}$/.test(token)) await loadSurvey(token);
  if (el("survey-card").hidden) FD.showAlert(el("alert"), FD.t("survey_not_found"));
}

document.addEventListener("DOMContentLoaded", function () {
  window.addEventListener("hashchange", load);
  FD.onLang(load);
  load();
});
