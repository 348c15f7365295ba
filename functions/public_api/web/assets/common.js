/* Shared helpers for the pages: language, API calls, DOM building, field errors, formatting.
   The one module that reads the message catalogue. */
import MESSAGES from "./i18n.js";

const LANGS = ["zh-CN", "en"];
const LANG_KEY = "frontdesk.lang";
const listeners = [];

export function stored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

export function store(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch (e) {
    /* private mode: the choice lasts for this page only */
  }
}

// A live binding: a module that reads FD.lang sees the language after a switch.
export let lang = LANGS.indexOf(stored(LANG_KEY)) >= 0 ? stored(LANG_KEY) : "zh-CN";

export function has(key) {
  return Object.prototype.hasOwnProperty.call(MESSAGES[lang], key);
}

/** The text for a key in the current language, with {name} placeholders filled in. */
export function t(key, params) {
  let text = has(key) ? MESSAGES[lang][key] : MESSAGES["zh-CN"][key];
  if (text === undefined) return key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }
  return text;
}

/** The first key that exists, e.g. an action name with the status as fallback. */
export function tAny(keys, params) {
  for (const key of keys) {
    if (has(key) || MESSAGES["zh-CN"][key] !== undefined) return t(key, params);
  }
  return keys[keys.length - 1];
}

// The catalogue's limits (photos_per_ticket, photo_mb …), for static texts that name them.
const limits = {};

function applyI18n(root) {
  const scope = root || document;
  scope.querySelectorAll("[data-i18n]").forEach(function (el) {
    el.textContent = t(el.getAttribute("data-i18n"), limits);
  });
  scope.querySelectorAll("[data-i18n-aria-label]").forEach(function (el) {
    el.setAttribute("aria-label", t(el.getAttribute("data-i18n-aria-label")));
  });
  scope.querySelectorAll(".field-error[data-key]").forEach(function (el) {
    el.textContent = t(el.getAttribute("data-key"), JSON.parse(el.getAttribute("data-params") || "{}"));
  });
  if (scope === document) {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-action=lang]").forEach(function (button) {
      button.textContent = t("lang.switch");
      button.setAttribute("aria-label", t("lang.switch.aria"));
      button.setAttribute("lang", lang === "en" ? "zh-CN" : "en");
    });
  }
}

function setLang(next) {
  if (LANGS.indexOf(next) < 0 || next === lang) return;
  lang = next;
  store(LANG_KEY, next);
  // A status line told of something done before the switch, in the old language (a server's
  // message cannot be translated here): it goes, rather than stay in a language no longer shown.
  document.querySelectorAll('[role="status"]').forEach(function (el) {
    el.textContent = "";
  });
  applyI18n(document);
  listeners.forEach(function (fn) {
    fn(lang);
  });
}

export function onLang(fn) {
  listeners.push(fn);
}

/** Builds an element: h("p", {class: "x", text: "y", onclick: fn}, child, ...). */
export function h(tag, attrs) {
  const el = document.createElement(tag);
  const props = attrs || {};
  Object.keys(props).forEach(function (name) {
    const value = props[name];
    if (value === undefined || value === null || value === false) return;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name.slice(0, 2) === "on" && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  });
  for (let i = 2; i < arguments.length; i += 1) {
    append(el, arguments[i]);
  }
  return el;
}

function append(el, child) {
  if (child === undefined || child === null || child === false) return;
  if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
  else el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
}

/** Replaces an element's children; arrays are flattened and null/false skipped. */
export function fill(el) {
  const holder = document.createDocumentFragment();
  for (let i = 1; i < arguments.length; i += 1) append(holder, arguments[i]);
  el.replaceChildren(holder);
  return el;
}

function formKey(form) {
  return Array.prototype.filter.call(form.attributes, function (a) { return a.name.slice(0, 5) === "data-"; })
    .map(function (a) { return a.name + "=" + a.value; }).join(";");
}

/** Each named control of the forms under box that say which record they are for (a data- attribute). */
function typedControls(box, each) {
  box.querySelectorAll("form").forEach(function (form) {
    const key = formKey(form);
    if (!key) return;
    Array.prototype.forEach.call(form.elements, function (c, i) {
      if (c.name) each(key + "|" + c.name + "|" + i, c);
    });
  });
}

function changed(c) {
  if (c.type === "checkbox" || c.type === "radio") return c.checked !== c.defaultChecked;
  if (c.tagName === "SELECT") return Array.prototype.some.call(c.options, function (o) { return o.selected !== o.defaultSelected; });
  return "defaultValue" in c && c.value !== c.defaultValue;
}

/** fill, keeping what the user has typed into the forms under el: a reload or a language switch
    re-renders a panel, and must not wipe a half-filled form (the save would send the old values). */
export function refill(el) {
  const typed = {};
  typedControls(el, function (key, c) {
    if (changed(c)) typed[key] = c.type === "checkbox" || c.type === "radio" ? c.checked : c.value;
  });
  fill.apply(null, arguments);
  typedControls(el, function (key, c) {
    if (!(key in typed)) return;
    if (typeof typed[key] === "boolean") c.checked = typed[key];
    else c.value = typed[key];
  });
  return el;
}

/** A reader that runs once per key at a time: asked again while a read is under way, it answers with
    that read (a panel opened and a console starting at once read it once, and no late second answer
    draws over what was typed since). The read is given `current()`: false once a save has answered
    since it was asked, when its answer would put the older state back (call `saved()` on a save). */
export function oneReadAtATime() {
  let current = null;
  let saves = 0;
  const reads = function (key, read) {
    if (current && current.key === key) return current.promise;
    const asked = saves; // a save answered after this read was asked: its answer is older than the save's
    const promise = read(function () { return asked === saves; }).finally(function () { if (current && current.promise === promise) current = null; });
    current = { key: key, promise: promise };
    return promise;
  };
  reads.saved = function () { saves += 1; };
  return reads;
}

/** A <dt>/<dd> pair for a details list; nothing when there is no value. */
export function pair(labelKey, value) {
  if (value === undefined || value === null || value === "") return null;
  return [h("dt", { text: t(labelKey) }), h("dd", null, value)];
}

export function $(selector, root) {
  return (root || document).querySelector(selector);
}

export function el(id) {
  return document.getElementById(id);
}

// A page opened by a token in its URL fragment (track#<token>, survey#<token>): the token, or "".
export function tokenFromHash() {
  try {
    return decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  } catch (e) {
    return "";
  }
}

// the WAF's rate rule per IP (403) and the stage's throttle (429): docs/decisions/0025
const RATE_REFUSALS = ["WAF_FILTERED", "THROTTLED"];

/** Calls the API with a relative path (the stage prefix stays in the page's URL). */
export async function api(method, path, options) {
  const opts = options || {};
  const headers = Object.assign({ Accept: "application/json", "Accept-Language": lang }, opts.headers || {});
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.token) headers.Authorization = opts.token;
  let response;
  try {
    response = await fetch(path, {
      method: method,
      headers: headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    return { ok: false, status: 0, data: { code: "network", message: t("error.network") } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok && (!data || typeof data !== "object" || typeof data.message !== "string")) {
    data = { code: "http_" + response.status, message: t("error.generic") };
  }
  // API Gateway's own refusals carry an English message: say it in the reader's language.
  if (!response.ok && RATE_REFUSALS.indexOf(data.code) >= 0) data = Object.assign({}, data, { message: t("error.too_many") });
  return { ok: response.ok, status: response.status, data: data };
}

export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

// ------------------------------------------------------------------ field errors

function wrapper(form, name) {
  return form.querySelector('[data-field="' + cssEscape(name) + '"]');
}

function cssEscape(value) {
  return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
}

/** Shows a message under one field and marks its controls invalid. key/params let it follow a language switch. */
export function fieldError(form, name, message, key, params) {
  const box = wrapper(form, name);
  if (!box) return false;
  const error = box.querySelector(".field-error");
  if (error) {
    error.textContent = message;
    error.hidden = false;
    if (key) {
      error.setAttribute("data-key", key);
      error.setAttribute("data-params", JSON.stringify(params || {}));
    } else {
      error.removeAttribute("data-key");
      error.removeAttribute("data-params");
    }
  }
  box.classList.add("invalid");
  box.querySelectorAll("input, select, textarea").forEach(function (control) {
    control.setAttribute("aria-invalid", "true");
  });
  return true;
}

export function clearField(form, name) {
  const box = wrapper(form, name);
  if (!box) return;
  box.classList.remove("invalid");
  const error = box.querySelector(".field-error");
  if (error) {
    error.textContent = "";
    error.hidden = true;
    error.removeAttribute("data-key");
    error.removeAttribute("data-params");
  }
  box.querySelectorAll("[aria-invalid]").forEach(function (control) {
    control.removeAttribute("aria-invalid");
  });
}

export function clearErrors(form) {
  form.querySelectorAll("[data-field]").forEach(function (box) {
    clearField(form, box.getAttribute("data-field"));
  });
}

/**
 * Puts the server's errors next to their fields. Returns how many landed on a field;
 * mapField may rename a server field to the form's field (or return null to skip it).
 */
export function serverErrors(form, data, mapField) {
  const entries = data && Array.isArray(data.errors) && data.errors.length
    ? data.errors
    : data && data.field ? [{ field: data.field, message: data.message }] : [];
  let shown = 0;
  const seen = {};
  entries.forEach(function (entry) {
    const name = mapField ? mapField(entry.field) : entry.field;
    if (!name || seen[name]) return;
    if (fieldError(form, name, entry.message)) {
      seen[name] = true;
      shown += 1;
    }
  });
  return shown;
}

export function focusFirstInvalid(form) {
  const control = form.querySelector('[aria-invalid="true"]');
  if (control) control.focus();
  return control;
}

export function showAlert(el, message) {
  el.textContent = message;
  el.hidden = false;
}

export function hideAlert(el) {
  el.textContent = "";
  el.hidden = true;
}

/** Says something in a polite live region (cleared first so repeats are read again). */
export function announce(el, message) {
  el.textContent = "";
  window.setTimeout(function () {
    el.textContent = message;
  }, 30);
}

// ------------------------------------------------------------------ formatting

function parts(date, tz) {
  const out = {};
  new Intl.DateTimeFormat("en-GB", {
    timeZone: tz || undefined, // the site's zone, sent with what is shown
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date).forEach(function (p) {
    out[p.type] = p.value;
  });
  return out;
}

/** "2026-11-22 14:03" in the site's time zone (Beijing time by default). */
export function formatTime(iso, tz) {
  if (!iso) return t("common.none");
  const date = new Date(iso);
  if (isNaN(date.getTime())) return iso;
  const p = parts(date, tz);
  return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
}

/** A wall-clock "YYYY-MM-DDTHH:MM" in a time zone as an ISO instant with that zone's offset. */
export function zonedIso(local, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || "");
  if (!m) return "";
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const p = parts(new Date(asUtc), tz);
  const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
  const offsetMin = Math.round((shown - asUtc) / 60000);
  const sign = offsetMin >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMin);
  const pad = function (n) { return String(n).padStart(2, "0"); };
  return m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":00" + sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
}

/** "YYYY-MM-DDTHH:MM" for a datetime-local input, in a time zone. */
export function localInput(iso, tz) {
  const p = parts(new Date(iso), tz);
  return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute;
}

export function yuan(cents) {
  const value = (Number(cents) || 0) / 100;
  return "¥" + value.toLocaleString(lang === "en" ? "en-US" : "zh-CN", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

/** An amount of yuan as typed ("12", "12.5") in cents, or null when it is not one (two decimals at most). */
export function cents(text) {
  return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : null;
}

/** Localised name of a site or building. */
export function placeName(item) {
  if (!item) return "";
  return lang === "en" && item.name_en ? item.name_en : item.name;
}

export function findBuilding(sites, buildingId, siteId) {
  for (const site of sites || []) {
    if (siteId && site.site_id !== siteId) continue;
    for (const building of site.buildings || []) {
      if (building.building_id === buildingId) return building;
    }
  }
  return null;
}

/** One line per timeline detail the viewer may see, localised. */
export function describeDetail(detail, tz) {
  const lines = [];
  const d = detail || {};
  const keys = Object.keys(d);
  const timeKeys = { arrival_due: 1, completion_due: 1, previous_due: 1, deadline: 1, reply_agreed: 1 };
  const valued = { on_time: 1, satisfied: 1, phase: 1, clock_paused: 1, clock_resumed: 1, notice: 1, valid: 1, our_fault: 1, delivery: 1, on_duty_fallback: 1 };
  const coded = {
    department: "department.",
    method: "method.",
    contact_method: "method.",
    severity: "severity.",
    channel: "channel.",
    disabled_occupants: "occupants.",
    routed_for: "routing.what.",
  };
  keys.forEach(function (key) {
    const value = d[key];
    if (value === "" || value === null || value === undefined) return;
    if (valued[key]) lines.push(tAny(["detail." + key + "." + value, value]));
    else if (key === "decision") lines.push(t("detail.decision." + value));
    else if (key === "total_cents") lines.push(t("detail.total_cents", { v: yuan(value) }));
    else if (timeKeys[key]) lines.push(t("detail." + key, { v: formatTime(value, tz) }));
    else if (coded[key]) lines.push(t("detail." + key, { v: tAny([coded[key] + value, value]) }));
    else if (has("detail." + key) || MESSAGES["zh-CN"]["detail." + key] !== undefined) lines.push(t("detail." + key, { v: value }));
  });
  return lines;
}

// What the pages show and check (kinds, categories, limits, patterns), from the models behind the
/** The console's link #<name>=<p1>/<p2>… as a RegExp, each part a catalogue pattern (its anchors dropped),
    or null while a pattern is missing: the links check what the API checks, from one place. */
export function hashLink(name, patterns) {
  if (!patterns.every(Boolean)) return null;
  const parts = patterns.map(function (p) { return "(" + p.replace(/^\^|\$$/g, "") + ")"; });
  return new RegExp("^#" + name + "=" + parts.join("/") + "$");
}

/** Whether `token` (track#<token>, survey#<token>) has a token's shape and length, the catalogue's
    pattern; any non-empty one while the catalogue cannot be read (the API judges it then). */
export async function tokenShaped(token) {
  const pattern = ((await catalogue()).patterns || {}).tracking_token;
  return pattern ? new RegExp(pattern).test(token) : !!token;
}

// API (GET /public/catalogue): fetched once per page; an empty catalogue if it cannot be read.
let catalogueOnce = null;
export function catalogue() {
  if (!catalogueOnce) {
    catalogueOnce = api("GET", "public/catalogue").then(function (result) {
      if (result.ok && result.data && result.data.categories) {
        Object.assign(limits, result.data.limits);
        applyI18n(document); // the texts that name a limit now have it
        return result.data;
      }
      catalogueOnce = null; // try again next time
      return { kinds: [], public_kinds: [], categories: {}, departments: [], severities: [], limits: {}, patterns: {} };
    });
  }
  return catalogueOnce;
}

function wireLanguageButtons() {
  document.querySelectorAll("[data-action=lang]").forEach(function (button) {
    button.addEventListener("click", function () {
      setLang(lang === "en" ? "zh-CN" : "en");
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  wireLanguageButtons();
  applyI18n(document);
  catalogue(); // every page's texts may name a limit; the pages' own reads share this one request
});
