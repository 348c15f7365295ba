/* The staff console's parcel register (挂号、特快专递及包裹, 004 QW21-04 §4.2.4; docs/decisions/0024):
   sign for a parcel (the recipient's unit, name, carrier and tracking no.), the parcels waiting, the
   recipients the desk must phone (no address: the 17:00–18:00 notice put them there), and the pickup's
   signature (the name signed, the ID checked), which closes it. Kinds, ID documents and the patterns
   come from the catalogue. */
import * as FD from "./common.js";
import { field } from "./staff-fields.js";
import { staffApi } from "./staff-session.js";
import { el, site, state, tz } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const TEXTS = ["unit", "recipient", "courier", "tracking_no", "email", "phone"];
let register = null; // ParcelRegister of the site shown
let collecting = ""; // the parcel whose pickup form is open
let busy = false;

function registerPath() {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/parcels";
}

function parcelPath(parcel, action) {
  return "staff/parcels/" + encodeURIComponent(parcel.parcel_id) + "/" + action;
}

function placeOf(parcel) {
  const s = site();
  const building = s && (s.buildings || []).find(function (b) { return b.building_id === parcel.building_id; });
  return (building ? FD.placeName(building) : parcel.building_id) + " " + parcel.unit;
}

function renderForm() {
  const form = el("parcels-form");
  const kept = {};
  Array.prototype.forEach.call(form.elements, function (c) { if (c.name) kept[c.name] = c.value; });
  const s = site();
  const rules = state.known.parcels || {};
  const limits = state.known.limits || {};
  FD.fill(el("parcels-fields"),
    h("div", { class: "grid" },
      buildingField(s ? s.buildings || [] : []),
      field("parcel", { name: "unit", label: "staff.parcels.field.unit", required: true, max: limits.unit }),
      field("parcel", { name: "recipient", label: "staff.parcels.field.recipient", required: true, max: rules.name }),
      field("parcel", { name: "kind", label: "staff.parcels.field.kind", type: "select", required: true, options: rules.kinds || [], optionPrefix: "parcel.kind." }),
      field("parcel", { name: "courier", label: "staff.parcels.field.courier", max: rules.short_text }),
      field("parcel", { name: "tracking_no", label: "staff.parcels.field.tracking_no", max: rules.short_text }),
      field("parcel", { name: "email", type: "email", label: "staff.parcels.field.email", max: limits.email }),
      field("parcel", { name: "phone", type: "tel", label: "staff.parcels.field.phone" })
    )
  );
  Object.keys(kept).forEach(function (name) {
    const control = form.querySelector('[name="' + name + '"]');
    if (control && kept[name]) control.value = kept[name];
  });
}

/** The site's buildings by name (the catalogue's field() lists codes; a building is the site's own). */
function buildingField(buildings) {
  const id = "act-parcel-building_id";
  return h("div", { class: "field", "data-field": "building_id" },
    h("label", { for: id }, h("span", { text: t("staff.parcels.field.building") }), " ", h("span", { class: "req", text: t("common.required") })),
    h("select", { id: id, name: "building_id", required: true, "aria-describedby": id + "-error" },
      h("option", { value: "", text: t("common.choose") }),
      buildings.map(function (b) { return h("option", { value: b.building_id, text: FD.placeName(b) }); })
    ),
    h("p", { class: "field-error", id: id + "-error", hidden: true })
  );
}

function noticeText(parcel) {
  return t("staff.parcels.notice." + (parcel.notice || "none"));
}

function parcelItem(parcel, zone) {
  const open = collecting === parcel.parcel_id;
  return h("li", { id: "parcel-" + parcel.parcel_id, "data-parcel": parcel.parcel_id },
    h("p", {},
      h("strong", { text: parcel.recipient }), " · " + placeOf(parcel) + " · " + t("parcel.kind." + parcel.kind),
      parcel.courier || parcel.tracking_no ? " · " + [parcel.courier, parcel.tracking_no].filter(Boolean).join(" ") : ""
    ),
    h("p", { class: "muted small", text: t("staff.parcels.received", { received: FD.formatTime(parcel.received_at, zone), by: parcel.received_by }) + " · " + noticeText(parcel) }),
    open ? pickupForm(parcel) : h("button", {
      type: "button",
      class: "secondary",
      text: t("staff.parcels.collect"),
      onclick: function () {
        collecting = parcel.parcel_id;
        renderLists();
        const first = el("parcels-waiting").querySelector('form [name="collected_by"]');
        if (first) first.focus();
      },
    })
  );
}

function pickupForm(parcel) {
  const rules = state.known.parcels || {};
  const form = h("form", { class: "pickup-form", novalidate: true, "data-pickup": parcel.parcel_id },
    h("div", { class: "grid" },
      field("pickup", { name: "collected_by", label: "staff.parcels.field.collected_by", required: true, max: rules.name }),
      field("pickup", { name: "id_document", label: "staff.parcels.field.id_document", type: "select", required: true, blank: true, options: rules.id_documents || [], optionPrefix: "parcel.id_document." }),
      field("pickup", { name: "id_tail", label: "staff.parcels.field.id_tail", required: true, max: rules.id_tail_length })
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.parcels.confirm_collect") }))
  );
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    collect(parcel, form);
  });
  return form;
}

function phoneItem(parcel) {
  return h("li", { "data-parcel": parcel.parcel_id },
    h("p", {}, h("strong", { text: parcel.recipient }), " · " + placeOf(parcel) + " · " + (parcel.phone || "—")),
    h("button", { type: "button", class: "secondary", text: t("staff.parcels.phoned"), onclick: function () { phoned(parcel); } })
  );
}

/** Everything again (another language): the form keeps what was typed. */
export function renderParcels() {
  if (el("parcels").hidden) return;
  renderForm();
  renderLists();
}

/** The lists only: a reload of the register leaves the form (and its errors) as they are. */
function renderLists() {
  if (!register) return;
  const zone = tz();
  el("parcels-empty").hidden = register.waiting.length > 0;
  FD.refill(el("parcels-waiting"), register.waiting.map(function (p) { return parcelItem(p, zone); }));
  el("parcels-to-phone-empty").hidden = register.to_phone.length > 0;
  FD.fill(el("parcels-to-phone"), register.to_phone.map(phoneItem));
}

async function load() {
  const forSite = state.siteId;
  const result = await staffApi("GET", registerPath());
  if (!result || forSite !== state.siteId) return;
  if (!result.ok) {
    FD.showAlert(el("parcels-alert"), result.data.message);
    return;
  }
  register = result.data;
  renderLists();
}

export function openParcels() {
  el("parcels").hidden = false;
  el("parcels-toggle").setAttribute("aria-expanded", "true");
  renderForm();
  return load();
}

export function closeParcels() {
  register = null;
  collecting = "";
  el("parcels").hidden = true;
  el("parcels-toggle").setAttribute("aria-expanded", "false");
}

async function logParcel(event) {
  event.preventDefault();
  if (busy) return;
  const form = el("parcels-form");
  FD.clearErrors(form);
  FD.hideAlert(el("parcels-alert"));
  const body = { site_id: state.siteId, building_id: form.elements.building_id.value, kind: form.elements.kind.value };
  TEXTS.forEach(function (name) {
    const value = form.elements[name].value.trim();
    if (value || name === "unit" || name === "recipient") body[name] = value;
  });
  const rules = state.known.parcels || {};
  if (!body.building_id) FD.fieldError(form, "building_id", t("error.choose"), "error.choose");
  if (!body.unit) FD.fieldError(form, "unit", t("error.required"), "error.required");
  if (!body.recipient) FD.fieldError(form, "recipient", t("error.required"), "error.required");
  if (body.tracking_no && rules.tracking_no && !new RegExp(rules.tracking_no).test(body.tracking_no)) FD.fieldError(form, "tracking_no", t("string_pattern_mismatch"), "string_pattern_mismatch");
  if (body.phone && state.known.phone && !state.known.phone.test(body.phone)) FD.fieldError(form, "phone", t("error.phone"), "error.phone");
  if (FD.focusFirstInvalid(form)) return;
  const logged = await submitted(form, "staff/parcels", body);
  if (!logged) return;
  form.reset();
  FD.announce(el("status"), t("staff.parcels.logged", { recipient: logged.recipient, place: placeOf(logged) }));
  await load();
}

// A form's POST; refused, its fields' errors (or the panel's alert) are shown and the answer is null.
async function submitted(form, path, body) {
  busy = true;
  const result = await staffApi("POST", path, body);
  busy = false;
  if (!result) return null;
  if (!result.ok) {
    if (!FD.serverErrors(form, result.data)) FD.showAlert(el("parcels-alert"), result.data.message);
    FD.focusFirstInvalid(form);
    return null;
  }
  return result.data;
}

async function collect(parcel, form) {
  if (busy) return;
  FD.clearErrors(form);
  const body = { version: parcel.version };
  ["collected_by", "id_document", "id_tail"].forEach(function (name) { body[name] = form.elements[name].value.trim(); });
  const rules = state.known.parcels || {};
  if (!body.collected_by) FD.fieldError(form, "collected_by", t("error.required"), "error.required");
  if (!body.id_document) FD.fieldError(form, "id_document", t("error.choose"), "error.choose");
  if (!body.id_tail) FD.fieldError(form, "id_tail", t("error.required"), "error.required");
  else if (rules.id_tail && !new RegExp(rules.id_tail).test(body.id_tail)) FD.fieldError(form, "id_tail", t("string_pattern_mismatch"), "string_pattern_mismatch");
  if (FD.focusFirstInvalid(form)) return;
  const done = await submitted(form, parcelPath(parcel, "collect"), body);
  if (!done) return;
  collecting = "";
  FD.announce(el("status"), t("staff.parcels.collected", { recipient: done.recipient, kind: t("parcel.kind." + done.kind), by: done.collected_by }));
  await load();
}

async function phoned(parcel) {
  if (busy) return;
  busy = true;
  const result = await staffApi("POST", parcelPath(parcel, "phoned"), { version: parcel.version });
  busy = false;
  if (!result) return;
  if (!result.ok) FD.showAlert(el("parcels-alert"), result.data.message);
  await load();
}

export function configureParcels(known) {
  state.known.parcels = known.parcels || {};
}

export function wireParcels() {
  el("parcels-toggle").addEventListener("click", function () {
    if (el("parcels").hidden) openParcels();
    else closeParcels();
  });
  el("parcels-form").addEventListener("submit", logParcel);
}
