"""Which role may take which action. A client acts only through a ticket's tracking token."""

from __future__ import annotations

from frontdesk.domain.errors import Forbidden
from frontdesk.models.ticket import Actor, ActorKind, Role

DESK = frozenset({Role.OPERATOR, Role.DUTY_MANAGER, Role.MANAGER})
SUPERVISORS = frozenset({Role.DUTY_MANAGER, Role.MANAGER})
FIELD = frozenset({Role.ENGINEER})
ALL_STAFF = frozenset(Role)

STAFF_ACTIONS: dict[str, frozenset[Role]] = {
    "intake": DESK,
    "decline": DESK,
    "dispatch": DESK,
    "reschedule": DESK | FIELD,
    "arrive": FIELD,
    "quote": FIELD,
    "complete": FIELD,
    "unfinished": FIELD | SUPERVISORS,
    "handle": DESK,
    "reply": DESK,
    "close": DESK,
    "list": ALL_STAFF,
    "read": ALL_STAFF,
}

CLIENT_ACTIONS = frozenset({"accept", "quote_decision"})

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
