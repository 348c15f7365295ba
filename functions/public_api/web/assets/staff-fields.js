/* A labelled form control for the staff console's forms (the action forms and the intake form). */
import * as FD from "./common.js";
import { state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

export function fieldId(action, name) {
  return "act-" + action + "-" + name.replace(/\./g, "-");
}

/** The label of the control `id`, marked when the field is required. */
export function fieldLabel(id, spec) {
  return h("label", { for: id },
    h("span", { text: t(spec.label) }),
    spec.required ? [" ", h("span", { class: "req", text: t("common.required") })] : null
  );
}

/** A labelled control with its hint and error slot, wired with aria-describedby. */
export function field(action, spec) {
  const id = fieldId(action, spec.name);
  const errorId = id + "-error";
  const describedBy = [spec.hint ? id + "-hint" : null, errorId].filter(Boolean).join(" ");
  let control;
  if (spec.type === "textarea") {
    control = h("textarea", { id: id, name: spec.name, rows: 3, maxlength: spec.max || state.known.maxText || undefined, required: !!spec.required, "aria-describedby": describedBy });
    if (spec.value !== undefined) control.value = spec.value;
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
    fieldLabel(id, spec),
    control,
    spec.hint ? h("p", { class: "hint", id: id + "-hint", text: spec.hint }) : null,
    h("p", { class: "field-error", id: errorId, hidden: true })
  );
}


/** `button` adds a row to `rows`: disabled, and saying why, while `rows` holds the most the API takes
    (`cap`, the catalogue's `max_items`), whichever way a row comes or goes. */
export function capRows(button, rows, cap) {
  if (!cap) return;
  function check() {
    const full = rows.children.length >= cap;
    button.disabled = full;
    button.title = full ? t("staff.rows.most", { n: cap }) : "";
  }
  new MutationObserver(check).observe(rows, { childList: true });
  check();
}
