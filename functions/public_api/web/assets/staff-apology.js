/* The apology letter (致歉信). A complaint judged valid and our fault offers the "apology" action
   (its form is in staff-actions.js): the letter the API filled in is shown, and printed on its own
   page when printing was asked for. The site's template is edited under the intake form by
   managers; the placeholders come from the API, never from here. */
import * as FD from "./common.js";
import { mayEdit } from "./staff-canned.js";
import { staffApi } from "./staff-session.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;
const LANGUAGES = ["zh-CN", "en"];

/** The letter as sent: on the print sheet (printed at once if asked) and announced. */
export function showLetter(letter) {
  FD.fill(el("letter-sheet"),
    h("h1", { text: letter.subject }),
    h("div", { class: "letter-body", text: letter.body })
  );
  if (letter.delivery === "print") {
    document.body.classList.add("letter-sheet");
    window.print();
  } else {
    FD.announce(el("status"), t("staff.apology.mailed"));
  }
}

function templatePath() {
  return "staff/sites/" + encodeURIComponent(state.siteId) + "/apology-template";
}

function renderTemplate(box, view) {
  const edit = mayEdit();
  const form = h("form", { class: "apology-template-form", novalidate: true },
    h("div", { class: "alert", role: "alert", hidden: true, tabindex: "-1" }),
    h("p", { class: "hint", text: t(view.default ? "staff.apology.template.default" : "staff.apology.template.set") + " " + view.placeholders.map(function (p) { return "{" + p + "}"; }).join(" ") }),
    LANGUAGES.map(function (language) {
      const template = view.templates[language];
      return h("fieldset", { "data-language": language },
        h("legend", { text: t("language." + language) }),
        ["subject", "body"].map(function (part) {
          const id = "apology-" + language + "-" + part;
          const value = template[part];
          const input = part === "body"
            ? h("textarea", { id: id, name: language + "." + part, rows: "10", readonly: !edit, "aria-describedby": id + "-error" })
            : h("input", { id: id, name: language + "." + part, readonly: !edit, autocomplete: "off", "aria-describedby": id + "-error" });
          input.value = value;
          return h("div", { class: "field", "data-field": "templates." + language },
            h("label", { for: id, text: t("staff.apology.template." + part) }),
            input,
            h("p", { class: "field-error", id: id + "-error", hidden: true })
          );
        })
      );
    }),
    edit ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", text: t("staff.apology.template.save") })) : null
  );
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const alert = form.querySelector(".alert");
    FD.clearErrors(form);
    FD.hideAlert(alert);
    const templates = {};
    LANGUAGES.forEach(function (language) {
      templates[language] = { subject: form.elements[language + ".subject"].value, body: form.elements[language + ".body"].value };
    });
    const result = await staffApi("PUT", templatePath(), { templates: templates });
    if (!result) return;
    if (result.ok) {
      renderTemplate(box, result.data);
      FD.announce(el("status"), t("staff.apology.template.saved"));
      return;
    }
    FD.serverErrors(form, result.data, function (f) { return f ? String(f).split(".").slice(0, 2).join(".") : null; });
    FD.showAlert(alert, result.data.message);
  });
  FD.fill(box, form);
}

async function loadTemplate() {
  const box = el("apology-template-body");
  const result = await staffApi("GET", templatePath());
  if (!result) return;
  if (result.ok) renderTemplate(box, result.data);
  else FD.fill(box, h("p", { class: "muted", text: result.data.message }));
}

/** The template panel loads each time it is opened; a printed letter leaves the print view after. */
export function wireApology() {
  el("apology-template").addEventListener("toggle", function () {
    if (el("apology-template").open && state.siteId) loadTemplate();
  });
  window.addEventListener("afterprint", function () { document.body.classList.remove("letter-sheet"); });
}
