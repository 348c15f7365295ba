"""Writing on a ticket without moving it: an internal note, a reply to the tenant, the tenant's answer.

Each is one timeline event (the timeline is the ticket's history: nothing is kept anywhere else).
None changes the status or a deadline; each bumps the version like any write, so a writer holding a
stale version is refused (409) and reads what changed first. The first ``message`` to the client of
an open complaint or inquiry is a recorded reply: it meets the same-day reply clock (000 §3.3f).

- ``note``: internal, by any staff role who may read the ticket; never on the tenant's view.
- ``message``: a reply the tenant reads on the tracking page, mailed when they left an address;
  only the desk speaks for the centre (``domain.permissions``).
- ``answer``: the tenant's own words from the tracking page, while the ticket is open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from frontdesk.clock import to_iso
from frontdesk.domain import lifecycle
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, VersionConflict
from frontdesk.domain.lifecycle import Change, Step
from frontdesk.domain.permissions import CONVERSATION, may
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import TERMINAL, Actor, ActorKind, Kind, Ticket

# A tracking link is a bearer token: what one ticket's holder may write is bounded.
MAX_ANSWERS: Final = 50
# The notice a reply to a tenant with an address owes (mailed by the stream router).
REPLY: Final = "message"


def open_to(ticket: Ticket, actor: Actor) -> list[str]:
    """The conversation actions this actor may take on the ticket now (the pages offer these forms)."""
    return [action for action in CONVERSATION if _allowed(ticket, actor, action) is None]


def write(ticket: Ticket, action: str, command: cmd.Said, actor: Actor, now: datetime) -> Change:
    """The ticket one version on, unchanged otherwise (its place in the queue too), and the event that says it."""
    if action not in CONVERSATION or not may(actor, action):
        raise Forbidden(field="action", action=action)
    if command.version != ticket.version:
        raise VersionConflict(field="version", expected=ticket.version, given=command.version)
    refused = _allowed(ticket, actor, action)
    if refused is not None:
        raise IllegalTransition(field="text", code=refused)
    # updated_at stays: a waiting ticket's place in the queue is the moment it came in (domain.queue).
    kept: dict[str, Any] = {"updated_at": ticket.updated_at}
    if action == "answer":
        kept["answers"] = ticket.answers + 1
    if meets_reply_clock(ticket, action):
        kept["replied_at"] = to_iso(now)
    return lifecycle.recorded(ticket, actor, action, Step(ticket.status, kept, {"text": command.text}), now)


def meets_reply_clock(ticket: Ticket, action: str) -> bool:
    """A reply on the thread to a complaint or inquiry not yet replied to: the reply the clock waits for."""
    waiting = ticket.reply_due is not None and ticket.replied_at is None and ticket.status not in TERMINAL
    # a written complaint is answered by the written reply a manager approved, not on the thread
    return (
        action == REPLY and waiting and ticket.kind in (Kind.COMPLAINT, Kind.INQUIRY) and not lifecycle.written(ticket)
    )


def _allowed(ticket: Ticket, actor: Actor, action: str) -> ErrorCode | None:
    """Why the action cannot be taken on this ticket now (None: it can). Staff may write on a closed
    ticket (a callback's note, a late answer); the tenant answers while the ticket is open."""
    if not may(actor, action):
        return ErrorCode.FORBIDDEN
    if actor.kind is ActorKind.CLIENT and ticket.status in TERMINAL:
        return ErrorCode.ANSWER_CLOSED
    if actor.kind is ActorKind.CLIENT and ticket.answers >= MAX_ANSWERS:
        return ErrorCode.ANSWER_LIMIT
    return None


def mailed(ticket: Ticket, change: Change) -> bool:
    """A reply to a tenant who left an address is owed to them by mail."""
    return change.event.action == REPLY and bool(ticket.contact.email)


def notice_key(notice: str, seq: int | None = None) -> str:
    """A notice's name on its ticket: one acknowledgement; one mail per reply (by its event's seq)."""
    return notice if seq is None else f"{notice}#{seq:06d}"
