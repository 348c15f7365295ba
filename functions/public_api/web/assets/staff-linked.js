/* A complaint's repairs in the open ticket: each with its number, state and engineer, opening it on
   a click (the complaint's own form to raise one is an action, staff-actions.js); and, on a repair
   raised from a complaint, the way back to it. */
import * as FD from "./common.js";

const t = FD.t;
const h = FD.h;

/** The list for `view` (a StaffTicket); `open(ticketId)` opens a ticket in the console. */
export function linkedRepairs(view, open) {
  const repairs = view.linked_repairs || [];
  const tk = view.ticket;
  const back = tk.complaint_id
    ? h("p", { class: "linked-back" }, h("button", { type: "button", class: "link", "data-linked": tk.complaint_id, text: t("staff.linked.complaint"), onclick: function () { open(tk.complaint_id); } }))
    : null;
  if (!repairs.length) return back;
  return h("section", { class: "linked", "aria-labelledby": "linked-title" },
    h("h3", { id: "linked-title", text: t("staff.linked.title") }),
    h("ul", { class: "linked-repairs" }, repairs.map(function (r) {
      return h("li", { "data-linked-repair": r.ticket_id, "data-status": r.status },
        h("button", { type: "button", class: "link", text: r.number, onclick: function () { open(r.ticket_id); } }),
        " · " + FD.tAny(["category.repair." + r.category, r.category]) + " · ",
        h("span", { class: "badge small", text: t("status." + r.status) }),
        r.assignee ? " · " + r.assignee : null
      );
    })),
    back
  );
}
