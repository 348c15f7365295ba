/* The open ticket's conversation: an internal note (staff only) and a reply to the client (on the
   tracking page, and mailed when they left an address), offered the site's canned replies in the
   client's language (managers edit them here too: staff-canned.js). Both are written on the
   timeline; neither moves the ticket. What is typed survives a reload of the ticket (someone
   else's change), and goes once it is sent. */
import * as FD from "./common.js";
import { actionForm } from "./staff-actions.js";
import { cannedEditor, cannedReplies, mayEdit } from "./staff-canned.js";
import { el, state } from "./staff-state.js";

const t = FD.t;
const h = FD.h;

const drafts = {}; // "<ticket id> <action>" → the text typed and not yet sent

/** A choice of the site's canned replies: picking one puts its text, in the client's language, in the reply. */
function cannedPicker(ticket, form) {
  const id = "act-message-canned";
  const select = h("select", { id: id, name: "canned" }, h("option", { value: "", text: t("staff.canned.choose") }));
  const box = h("div", { class: "field", "data-field": "canned", hidden: true },
    h("label", { for: id, text: t("staff.canned.label") }),
    select
  );
  cannedReplies(ticket.site_id).then(function (replies) {
    if (!replies.length) return;
    replies.forEach(function (reply, index) {
      select.appendChild(h("option", { value: String(index), text: FD.lang === "en" ? reply.title_en : reply.title_zh }));
    });
    box.hidden = false;
    select.addEventListener("change", function () {
      const reply = replies[Number(select.value)];
      if (!reply) return;
      const text = form.elements.text;
      const said = ticket.language === "en" ? reply.text_en : reply.text_zh;
      text.value = text.value.trim() ? text.value.replace(/\s*$/, "\n") + said : said;
      text.dispatchEvent(new Event("input", { bubbles: true }));
      select.value = "";
      text.focus();
    });
  });
  return box;
}

function conversationForm(action, ticket, handlers) {
  const key = ticket.ticket_id + " " + action;
  const sent = {
    done: function (view, done) {
      delete drafts[key];
      handlers.done(view, done);
    },
    conflict: handlers.conflict,
  };
  const form = actionForm(action, ticket, sent);
  if (action === "message") {
    const hint = ticket.contact && ticket.contact.email ? "staff.message.hint.mailed" : "staff.message.hint";
    form.insertBefore(cannedPicker(ticket, form), form.querySelector("[data-field=text]"));
    form.querySelector("[data-field=text]").appendChild(h("p", { class: "hint", text: t(hint) }));
  }
  const text = form.elements.text;
  text.value = drafts[key] || "";
  text.addEventListener("input", function () { drafts[key] = text.value; });
  return h("details", { class: "action conversation", "data-conversation": action, open: !!drafts[key] },
    h("summary", { text: t("staff.do." + action) }),
    form
  );
}

/** The note and reply forms this user may use on the open ticket, in `box`; handlers as renderActions's. */
export function renderConversation(box, handlers) {
  const ticket = state.selected.ticket;
  const offered = state.selected.conversation || [];
  el("conversation-title").hidden = offered.length === 0;
  FD.fill(box,
    offered.map(function (action) { return conversationForm(action, ticket, handlers); }),
    mayEdit() ? cannedEditor(ticket.site_id, function () {
      renderConversation(box, handlers);
      FD.announce(el("status"), t("staff.canned.saved"));
    }) : null
  );
}
