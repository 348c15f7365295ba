/* A ticket's timeline, newest first: the one renderer of the tracking page and the staff console.
   The two APIs send the same events in two shapes: the tenant's view names who acted by role
   (`by`), the staff view by actor ({kind, id}) and also gives the status an event left. */
import * as FD from "./common.js";

const t = FD.t;
const h = FD.h;

/** Who acted: the tenant reads "you" for themself; staff read a colleague's user name. */
function who(event, staff) {
  if (!staff) return event.by === "client" ? t("by.you") : FD.tAny(["by." + event.by, event.by]);
  const actor = event.actor || {};
  return actor.kind === "staff" ? actor.id : FD.tAny(["by." + actor.kind, actor.kind || ""]);
}

function status(event, staff) {
  const to = t("status." + event.to_status);
  return staff && event.from_status && event.from_status !== event.to_status ? t("status." + event.from_status) + " → " + to : to;
}

// The conversation on a ticket, marked so a reader tells at a glance who wrote and who can read it.
const SAID = { note: "event said internal", message: "event said from-desk", answer: "event said from-client" };

function mark(event, staff) {
  if (event.action === "note") return t("timeline.mark.note");
  if (event.action === "answer" && staff) return t("timeline.mark.client");
  return "";
}

/**
 * Fills `list` with the events (as the API sends them, oldest first), times in the site's zone.
 * options: {tz, staff: bool}: staff see colleagues' names and each status change from → to.
 */
export function renderTimeline(list, events, options) {
  const opts = options || {};
  FD.fill(list, (events || []).slice().reverse().map(function (e) {
    const details = FD.describeDetail(e.detail, opts.tz);
    const marked = mark(e, opts.staff);
    return h("li", { class: SAID[e.action] || "event", "data-event": e.action },
      h("p", { class: "event-head" },
        marked ? [h("span", { class: "badge small mark", text: marked }), " "] : null,
        h("time", { datetime: e.at, text: FD.formatTime(e.at, opts.tz) }),
        " ",
        h("strong", { text: FD.tAny(["action." + e.action, "status." + e.to_status]) }),
        h("span", { class: "by", text: " · " + who(e, opts.staff) })
      ),
      h("p", { class: "event-status" }, h("span", { class: "badge small", text: status(e, opts.staff) })),
      details.length ? h("ul", { class: "event-detail" }, details.map(function (line) { return h("li", { text: line }); })) : null
    );
  }));
}
