/* The tenant form: report a repair, complaint or inquiry. */
import * as FD from "./common.js";
import * as UI from "./photo-ui.js";
import * as P from "./photos.js";

const t = FD.t;
const h = FD.h;
const $ = FD.$;

// From GET /public/catalogue (the models that enforce them); until it arrives nothing is offered.
let MAX_DESCRIPTION = 0;
let PHONE = null;
let EMAIL = null;
let CATEGORIES = {};
let MAX_PHOTOS = 0;

let sites = [];
let idempotencyKey = null; // one per submission; a retry of the same content reuses it
let busy = false;
let lastCreated = null;
let chosen = []; // the photos to upload once the ticket exists (checked locally)
let refusedPhotos = []; // the last choice's files that were not added, shown under the field
let uploading = false;

let form, alertBox, statusBox, submitButton;

const el = FD.el;

function value(name) {
  const control = form.elements[name];
  return control && typeof control.value === "string" ? control.value.trim() : "";
}

function checked(name) {
  const control = form.querySelector('input[name="' + name + '"]:checked');
  return control ? control.value : "";
}

function option(val, text) {
  return h("option", { value: val, text: text });
}

function currentSite() {
  return sites.find(function (s) { return s.site_id === el("site_id").value; }) || null;
}

function currentBuilding() {
  const site = currentSite();
  if (!site) return null;
  return (site.buildings || []).find(function (b) { return b.building_id === el("building_id").value; }) || null;
}

function renderSites() {
  const select = el("site_id");
  const keep = select.value;
  FD.fill(select,
    option("", t("common.choose")),
    sites.map(function (s) { return option(s.site_id, FD.placeName(s)); })
  );
  if (sites.some(function (s) { return s.site_id === keep; })) select.value = keep;
  else if (sites.length === 1) select.value = sites[0].site_id;
  renderBuildings();
}

function renderBuildings() {
  const select = el("building_id");
  const keep = select.value;
  const site = currentSite();
  const buildings = site ? site.buildings || [] : [];
  FD.fill(select,
    option("", t("common.choose")),
    buildings.map(function (b) { return option(b.building_id, FD.placeName(b)); })
  );
  select.disabled = !site;
  if (buildings.some(function (b) { return b.building_id === keep; })) select.value = keep;
  else if (buildings.length === 1) select.value = buildings[0].building_id;
  renderUnits();
}

function renderUnits() {
  const building = currentBuilding();
  FD.fill(el("unit-list"), (building ? building.units || [] : []).map(function (u) {
    return h("option", { value: u });
  }));
}

function renderCategories() {
  const kind = checked("kind") || "repair";
  const select = el("category");
  const keep = select.value;
  FD.fill(select,
    option("", t("common.choose")),
    (CATEGORIES[kind] || []).map(function (c) { return option(c, t("category." + kind + "." + c)); })
  );
  if ((CATEGORIES[kind] || []).indexOf(keep) >= 0) select.value = keep;
}

function renderPlace() {
  const inPublic = checked("place") === "public";
  el("unit-field").hidden = inPublic;
  el("location-field").hidden = !inPublic;
  el("unit").required = !inPublic;
  el("location").required = inPublic;
}

function renderCount() {
  const n = el("description").value.length;
  const counter = el("description-count");
  counter.textContent = t("form.count", { n: n, max: MAX_DESCRIPTION });
  counter.setAttribute("aria-label", t("form.count.aria", { n: n, max: MAX_DESCRIPTION }));
  counter.classList.toggle("over", MAX_DESCRIPTION > 0 && n > MAX_DESCRIPTION);
}

// ------------------------------------------------------------------ validation

/** Client-side checks mirroring the API's rules; the server remains the judge. */
function validate() {
  const problems = [];
  const need = function (name, key) {
    if (!value(name)) problems.push([name, key || "error.required"]);
  };
  need("site_id", "error.choose");
  need("building_id", "error.choose");
  if (checked("place") === "public") need("location", "error.unit_or_location");
  else need("unit", "error.unit_or_location");
  need("category", "error.choose");
  // The length limit is the textarea's maxlength (and the counter); beyond that the server judges.
  need("description");
  need("contact_name");
  const phone = value("contact_phone");
  if (!phone) problems.push(["contact_phone", "error.required"]);
  else if (PHONE && !PHONE.test(phone)) problems.push(["contact_phone", "error.phone"]);
  const email = value("contact_email");
  if (email && EMAIL && !EMAIL.test(email)) problems.push(["contact_email", "error.email"]);
  return problems;
}

function serverField(field) {
  if (!field) return null;
  const name = String(field).split(".")[0];
  if ((name === "unit" || name === "location") && checked("place") === "public") return "location";
  if (name === "unit" || name === "location") return "unit";
  return name;
}

function body() {
  const inPublic = checked("place") === "public";
  const payload = {
    site_id: value("site_id"),
    building_id: value("building_id"),
    unit: inPublic ? "" : value("unit"),
    location: inPublic ? value("location") : "",
    kind: checked("kind"),
    category: value("category"),
    description: value("description"),
    contact_name: value("contact_name"),
    contact_phone: value("contact_phone"),
    language: FD.lang,
  };
  const email = value("contact_email");
  if (email) payload.contact_email = email;
  return payload;
}

// ------------------------------------------------------------------ photos

function renderPhotoProblems() {
  if (refusedPhotos.length) FD.fieldError(form, "photos", UI.problemText(refusedPhotos));
  else FD.clearField(form, "photos");
}

function renderChosen() {
  const list = el("photos-chosen");
  list.hidden = chosen.length === 0;
  FD.fill(list, chosen.map(function (file, index) {
    return h("li", { class: "chosen-item" },
      h("span", { class: "upload-name", text: file.name }),
      h("span", { class: "upload-size", text: UI.size(file.size) }),
      h("button", {
        type: "button",
        class: "link remove-photo",
        text: t("photo.remove.short"),
        "aria-label": t("photo.remove", { name: file.name }),
        onclick: function () { removePhoto(index); },
      })
    );
  }));
}

function removePhoto(index) {
  const gone = chosen.splice(index, 1)[0];
  renderChosen();
  const next = el("photos-chosen").querySelectorAll("button")[Math.min(index, chosen.length - 1)];
  (next || el("photos")).focus();
  if (gone) FD.announce(statusBox, t("form.photos.removed", { name: gone.name }));
}

function choosePhotos() {
  const input = el("photos");
  const picked = UI.pick(input.files, MAX_PHOTOS - chosen.length);
  input.value = ""; // the same file may be chosen again after removing it
  chosen = chosen.concat(picked.accepted);
  refusedPhotos = picked.refused;
  renderChosen();
  renderPhotoProblems();
  if (picked.accepted.length) FD.announce(statusBox, t("form.photos.added", { n: picked.accepted.length }));
}

function setUploading(on) {
  uploading = on;
  el("again").disabled = on;
}

/** After the ticket exists: each photo through the tracking token, one after another. */
async function uploadPhotos(created) {
  const files = chosen;
  chosen = [];
  refusedPhotos = [];
  renderChosen();
  renderPhotoProblems();
  const box = el("result-photos");
  const status = el("result-photos-status");
  FD.fill(el("result-uploads"));
  box.hidden = files.length === 0;
  if (!files.length) return;
  setUploading(true);
  status.setAttribute("data-key", "form.photos.uploading");
  status.textContent = t("form.photos.uploading");
  const path = "public/track/" + encodeURIComponent(created.tracking_token) + "/photos";
  const counts = await UI.uploadAll(path, files, el("result-uploads"), {});
  setUploading(false);
  const key = counts.stored === files.length ? "form.photos.all_done" : "form.photos.some_failed";
  status.setAttribute("data-key", key);
  status.textContent = t(key);
  FD.announce(statusBox, UI.summary(counts));
}

function setBusy(on) {
  busy = on;
  submitButton.disabled = on;
  submitButton.setAttribute("aria-busy", on ? "true" : "false");
  submitButton.textContent = t(on ? "form.submitting" : "form.submit");
}

async function submit(event) {
  event.preventDefault();
  if (busy) return;
  refusedPhotos = []; // they were never added: the note about them has been read
  FD.clearErrors(form);
  FD.hideAlert(alertBox);

  const problems = validate();
  if (problems.length) {
    problems.forEach(function (p) { FD.fieldError(form, p[0], t(p[1], p[2]), p[1], p[2]); });
    FD.showAlert(alertBox, t("error.summary", { n: problems.length }));
    FD.focusFirstInvalid(form);
    return;
  }

  setBusy(true);
  idempotencyKey = idempotencyKey || FD.newKey();
  const result = await FD.api("POST", "public/tickets", {
    body: body(),
    headers: { "Idempotency-Key": idempotencyKey },
  });
  setBusy(false);

  if (result.ok) {
    idempotencyKey = null;
    showResult(result.data);
    uploadPhotos(result.data);
    return;
  }
  const shown = FD.serverErrors(form, result.data, serverField);
  FD.showAlert(alertBox, shown ? t("error.summary", { n: shown }) : result.data.message);
  if (shown) FD.focusFirstInvalid(form);
  else alertBox.focus();
}

function trackingHref(token) {
  return "track#" + encodeURIComponent(token);
}

function showResult(created) {
  lastCreated = created;
  el("result-number").textContent = created.number;
  const href = trackingHref(created.tracking_token);
  el("result-link").setAttribute("href", href);
  el("result-url").textContent = new URL(href, window.location.href).href;
  form.hidden = true;
  const result = el("result");
  result.hidden = false;
  result.focus();
  FD.announce(statusBox, t("form.success.status", { number: created.number }));
}

function again() {
  ["description", "unit", "location"].forEach(function (name) { form.elements[name].value = ""; });
  el("category").value = "";
  FD.clearErrors(form);
  FD.hideAlert(alertBox);
  renderCount();
  lastCreated = null;
  el("result").hidden = true;
  form.hidden = false;
  el("site_id").focus();
}

async function loadCatalogue() {
  const known = await FD.catalogue();
  CATEGORIES = known.categories;
  if (known.limits.text) MAX_DESCRIPTION = known.limits.text;
  MAX_PHOTOS = known.limits.photos_per_ticket || 0;
  PHONE = known.patterns.phone ? new RegExp(known.patterns.phone) : null;
  EMAIL = known.patterns.email ? new RegExp(known.patterns.email) : null;
  // the fields' limits are the API's (the page writes none of its own)
  const limits = { description: known.limits.text, location: known.limits.short_text, unit: known.limits.unit,
    contact_name: known.limits.name, contact_email: known.limits.email };
  Object.keys(limits).forEach(function (name) { if (limits[name]) el(name).maxLength = limits[name]; });
  P.configure(known);
  renderCategories();
  renderCount();
}

async function loadSites() {
  const result = await FD.api("GET", "public/sites");
  if (!result.ok || !Array.isArray(result.data)) {
    FD.showAlert(alertBox, t("form.sites_failed") + " " + (result.data && result.data.message ? result.data.message : ""));
    FD.fill(el("site_id"), option("", t("common.choose")));
    return;
  }
  sites = result.data;
  renderSites();
}

function init() {
  form = el("ticket-form");
  alertBox = el("form-alert");
  statusBox = el("status");
  submitButton = el("submit");

  form.addEventListener("submit", submit);
  form.addEventListener("input", function (event) {
    if (event.target.id === "photos") return; // photos are sent after the ticket, not with it
    idempotencyKey = null; // the content changed: a new submission
    const box = event.target.closest("[data-field]");
    if (box && box.classList.contains("invalid")) FD.clearField(form, box.getAttribute("data-field"));
  });
  form.addEventListener("change", function (event) {
    const target = event.target;
    if (target.id === "photos") {
      choosePhotos();
      return;
    }
    idempotencyKey = null;
    if (target.id === "site_id") renderBuildings();
    else if (target.id === "building_id") renderUnits();
    else if (target.name === "kind") renderCategories();
    else if (target.name === "place") {
      renderPlace();
      FD.clearField(form, "unit");
      FD.clearField(form, "location");
    }
    const box = target.closest("[data-field]");
    if (box && box.classList.contains("invalid")) FD.clearField(form, box.getAttribute("data-field"));
  });
  el("description").addEventListener("input", renderCount);
  el("again").addEventListener("click", again);
  el("photos").setAttribute("accept", P.ACCEPT);
  window.addEventListener("beforeunload", function (event) {
    if (!uploading) return;
    event.preventDefault(); // leaving now would stop the photo uploads
    event.returnValue = "";
  });

  FD.onLang(function () {
    if (sites.length) renderSites();
    renderCategories();
    renderCount();
    setBusy(busy);
    renderChosen();
    renderPhotoProblems();
    const status = el("result-photos-status");
    if (status.getAttribute("data-key")) status.textContent = t(status.getAttribute("data-key"));
  });

  renderPlace();
  renderCategories();
  renderCount();
  loadCatalogue();
  loadSites();
}

document.addEventListener("DOMContentLoaded", init);
