/* The callback survey by link (docs/decisions/0023): on the tracking page, when the ticket has a
   callback open, the tenant answers it themselves — quality, effect and satisfaction, what fell
   short and what they suggest (and for a repair, whether the defect remains). The marks' range
   comes from GET /public/catalogue. */
import * as FD from "./common.js";

const t = FD.t;
const h = FD.h;
const MARKS = ["quality", "effect", "satisfaction"];

let openFor = ""; // the token whose survey is on screen
let dirty = false;

const el = FD.el;

function path(token) {
  return "public/track/" + encodeURIComponent(token) + "/survey";
}

function marks(name, rules) {
  const choices = [];
  for (let n = rules.mark_min; n <= rules.mark_max; n += 1) {
    choices.push(h("label", { class: "chip" }, h("input", { type: "radio", name: name, value: String(n) }), " ", h("span", { text: t("callback.mark." + n) })));
  }
  return h("fieldset", { class: "field choice", "data-field": name },
    h("legend", {}, h("span", { text: t("survey." + name) }), " ", h("span", { class: "req", text: t("common.required") })),
    h("div", { class: "choices" }, choices),
    h("p", { class: "field-error", hidden: true })
  );
}

function text(name, max) {
  const id = "survey-" + name;
  return h("div", { class: "field", "data-field": name },
    h("label", { for: id }, h("span", { text: t("survey." + name) }), " ", h("span", { class: "opt", text: t("common.optional") })),
    h("textarea", { id: id, name: name, rows: 2, maxlength: max }),
    h("p", { class: "field-error", hidden: true })
  );
}

function form(survey, rules) {
  const node = h("form", { id: "survey-form", method: "post", novalidate: true },
    h("fieldset", { class: "field choice", "data-field": "result" },
      h("legend", {}, h("span", { text: t("survey.result") }), " ", h("span", { class: "req", text: t("common.required") })),
      h("div", { class: "choices" },
        rules.survey_results.map(function (value) {
          return h("label", { class: "chip" }, h("input", { type: "radio", name: "result", value: value }), " ", h("span", { text: t("callback.result." + value) }));
        })
      ),
      h("p", { class: "field-error", hidden: true })
    ),
    MARKS.map(function (name) { return marks(name, rules); }),
    survey.repair
      ? h("div", { class: "field", "data-field": "defect_remains" },
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "defect_remains" }), " ", h("span", { text: t("survey.defect_remains") })))
      : null,
    text("shortcomings", rules.text),
    text("suggestions", rules.text),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("survey.submit") }))
  );
  node.addEventListener("input", function () { dirty = true; });
  node.addEventListener("change", function (event) {
    dirty = true;
    const box = event.target.closest("[data-field]");
    if (box) FD.clearField(node, box.getAttribute("data-field"));
  });
  node.addEventListener("submit", function (event) {
    event.preventDefault();
    submit(node);
  });
  return node;
}

function checked(node, name) {
  const found = node.querySelector('input[name="' + name + '"]:checked');
  return found ? found.value : "";
}

async function submit(node) {
  FD.clearErrors(node);
  const body = { result: checked(node, "result") };
  let missing = !body.result && FD.fieldError(node, "result", t("error.choose"), "error.choose");
  MARKS.forEach(function (name) {
    const value = checked(node, name);
    if (value) body[name] = Number(value);
    else missing = FD.fieldError(node, name, t("error.choose"), "error.choose") || missing;
  });
  if (missing) { FD.focusFirstInvalid(node); return; }
  body.shortcomings = node.elements.shortcomings.value.trim();
  body.suggestions = node.elements.suggestions.value.trim();
  if (node.elements.defect_remains) body.defect_remains = node.elements.defect_remains.checked;
  const result = await FD.api("POST", path(openFor), { body: body });
  if (result.ok) {
    dirty = false;
    FD.fill(el("survey-body"), h("p", { class: "done", tabindex: "-1", text: t("survey.thanks") }));
    el("survey-body").firstChild.focus();
    return;
  }
  if (!FD.serverErrors(node, result.data)) FD.fieldError(node, "result", (result.data && result.data.message) || t("error.generic"));
  FD.focusFirstInvalid(node);
}

/** Shows the ticket's open survey (or nothing); a form being filled in is left as it is. The API's
    answer, for a page that says why there is none. */
export async function loadSurvey(token) {
  if (token === openFor && dirty) return null;
  const card = el("survey-card");
  const [result, known] = await Promise.all([FD.api("GET", path(token)), FD.catalogue()]);
  if (!result.ok || !known.callbacks) {
    if (token === openFor || !openFor) card.hidden = true;
    return result;
  }
  openFor = token;
  dirty = false;
  el("survey-intro").textContent = t("survey.intro." + result.data.reason, { number: result.data.ticket_number, unit: result.data.unit });
  FD.fill(el("survey-body"), form(result.data, known.callbacks));
  card.hidden = false;
  return result;
}
