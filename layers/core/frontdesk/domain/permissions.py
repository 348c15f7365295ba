"""Which role may take which action. A client acts only through a ticket's tracking token."""

from __future__ import annotations

from frontdesk.domain.errors import Forbidden
from frontdesk.models.ticket import Actor, ActorKind, Role

DESK = frozenset({Role.OPERATOR, Role.DUTY_MANAGER, Role.MANAGER})
SUPERVISORS = frozenset({Role.DUTY_MANAGER, Role.MANAGER})
FIELD = frozenset({Role.ENGINEER})
# The centre's managers (管业经理): who approve, judge and edit what the others rely on.
MANAGERS = frozenset({Role.MANAGER})
# Who must sign in with a second factor (TOTP) when the deployment requires it: the roles that
# approve, judge and edit what others rely on. Everyone else may choose it.
SECOND_FACTOR = MANAGERS
ALL_STAFF = frozenset(Role)

STAFF_ACTIONS: dict[str, frozenset[Role]] = {
    "intake": DESK,
    "decline": DESK,
    "dispatch": DESK,
    "redispatch": DESK,
    "reassign": DESK,
    "take": FIELD,
    "cancel": SUPERVISORS,
    # One matter reported by many (a power cut): the desk closes the others as its duplicates.
    "duplicate": DESK,
    "reschedule": DESK | FIELD,
    "arrive": FIELD,
    "quote": FIELD,
    "complete": FIELD,
    "unfinished": FIELD | SUPERVISORS,
    "handle": DESK,
    "reply": DESK,
    "agree_reply": DESK,
    # a written complaint's written reply: drafted at the desk, approved by a manager before it is sent
    "draft_reply": DESK,
    "approve_reply": MANAGERS,
    "close": DESK,
    # whether a complaint is valid (有效投诉) is a manager's judgement, with a reason
    "validity": MANAGERS,
    # a complaint that can be solved now becomes a repair at once (000 §3.3c 马上派人处理)
    "link_repair": DESK,
    # the apology letter (致歉信) a valid complaint that was our fault owes: sent or printed by the
    # desk from the site's template, which managers edit
    "apology": DESK,
    "apology_template": DESK,
    "edit_apology_template": MANAGERS,
    # a major complaint's corrective-action report (纠正措施报告, 001 part 2): written by the
    # supervisors, its verification (the action was done) by a manager
    "corrective_action": SUPERVISORS,
    "verify_action": MANAGERS,
    "list": ALL_STAFF,
    "read": ALL_STAFF,
    "people": ALL_STAFF,
    # Writing on a ticket without moving it (frontdesk.domain.conversation): an internal note by
    # anyone who may read the ticket; a reply the tenant reads (and is mailed) only by the desk,
    # who speak for the centre to the client (000 §1.2d: one person follows each request).
    "note": ALL_STAFF,
    "message": DESK,
    # A site's canned replies: read by who may reply, edited by managers.
    "canned_replies": DESK,
    "edit_canned_replies": MANAGERS,
    # A site's business calendar: read by all staff, a year's holidays loaded by managers.
    "calendar": ALL_STAFF,
    "edit_calendar": MANAGERS,
    # Callbacks (回访, docs/decisions/0023): the queue read by all staff, made and recorded by the desk.
    "callbacks": ALL_STAFF,
    "record_callback": DESK,
    "draw_sample": SUPERVISORS,
    # The semi-annual survey campaign, started by managers; its page and the quarterly analysis
    # read by supervisors.
    "start_campaign": MANAGERS,
    "campaigns": SUPERVISORS | DESK,
    "quarterly": SUPERVISORS,
    # Who calls back is arranged by a supervisor (001 p11 §3.2 项目经理助理…安排回访); the month's top 3
    # is the managers' own (000 §3.1f); the activities' sample is drawn like the weekly one.
    "assign_callback": SUPERVISORS,
    "draw_top_repairs": MANAGERS,
    "draw_activities": SUPERVISORS,
    # The duty roster (值班表, docs/decisions/0024): read by all staff, edited by managers.
    "roster": ALL_STAFF,
    "edit_roster": MANAGERS,
}

# "answer": the tenant writes back on the tracking page (by token, like acceptance).
CLIENT_ACTIONS = frozenset({"accept", "quote_decision", "answer"})

# The ticket's conversation: written on the timeline, never a change of status or of a clock.
CONVERSATION = ("note", "message", "answer")

# The actions that give a ticket to someone: the name must be one of the site's engineers.
ASSIGNING = frozenset({"dispatch", "redispatch", "reassign", "take"})

# Field work is done by the engineer it was given to; a supervisor may act for them where allowed.
ASSIGNEE_ONLY = frozenset({"arrive", "quote", "complete", "unfinished", "reschedule"})


def may(actor: Actor, action: str) -> bool:
    if actor.kind is ActorKind.CLIENT:
        return action in CLIENT_ACTIONS
    if actor.kind is ActorKind.SYSTEM:
        return False
    return bool(actor.roles & STAFF_ACTIONS.get(action, frozenset()))


def is_staff_in(actor: Actor, roles: frozenset[Role]) -> bool:
    return actor.kind is ActorKind.STAFF and bool(actor.roles & roles)


def require_staff_in(actor: Actor, roles: frozenset[Role], action: str) -> None:
    """Refuse anyone but staff holding one of ``roles``, naming the action refused."""
    if not is_staff_in(actor, roles):
        raise Forbidden(field="action", action=action)


def require_staff_to(actor: Actor, action: str) -> None:
    """Refuse anyone but staff whose roles ``STAFF_ACTIONS`` grants ``action``."""
    require_staff_in(actor, STAFF_ACTIONS[action], action)


def needs_second_factor(actor: Actor) -> bool:
    return bool(actor.roles & SECOND_FACTOR)
