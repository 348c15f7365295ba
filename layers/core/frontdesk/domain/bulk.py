"""Bulk actions of the desk (docs/decisions/0021-bulk-actions-and-duplicates.md). Pure: no I/O.

- **Assign several tickets to one engineer.** Each ticket is checked exactly as one dispatch or
  reassign is (``domain.lifecycle``): a waiting ticket is dispatched, work in hand is reassigned
  (the client's deadlines stand, so a reason is needed). A ticket that cannot take it is refused
  alone; the others go on.
- **Close duplicates of one ticket** (one power cut reported by many tenants): each duplicate is
  closed with resolution ``duplicate`` and a link to the primary, which lists it; the clock engine
  cancels the duplicate's clocks as for any closed ticket. The tenant of a duplicate reads the
  primary's number on the tracking page and is mailed when they left an address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from frontdesk.clock import to_iso
from frontdesk.domain import lifecycle
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.lifecycle import Change, Step
from frontdesk.domain.permissions import may
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import TERMINAL, Actor, Resolution, Status, Ticket, TicketLink

# A primary lists its duplicates on its own item: bounded, far below DynamoDB's item size.
MAX_DUPLICATES: Final = 200
# The notice a duplicate's tenant with an address is owed (mailed by the stream router).
DUPLICATE_NOTICE: Final = "duplicate"
# The actions a duplicate closure writes: on the duplicate, and on its primary.
CLOSED_AS_DUPLICATE: Final = "duplicate"
LINKED: Final = "duplicate_linked"
WAITING: Final = frozenset({Status.RECEIVED, Status.REOPENED})


def assignment(ticket: Ticket, command: cmd.BulkAssign) -> tuple[str, cmd.Versioned]:
    """The one-ticket action a bulk assignment is for this ticket, as its own command: a waiting
    ticket is dispatched; anything else is reassigned, which needs the reason (lifecycle checks the rest)."""
    version = next(ref.version for ref in command.tickets if ref.ticket_id == ticket.ticket_id)
    if ticket.status in WAITING:
        return "dispatch", cmd.Dispatch(version=version, department=command.department, assignee=command.assignee)
    if not command.reason:
        raise InvalidInput(field="reason", code=ErrorCode.HANDOVER_REASON_REQUIRED, number=ticket.number)
    return "reassign", cmd.Reassign(
        version=version, department=command.department, assignee=command.assignee, reason=command.reason
    )


def check_may_mark(actor: Actor) -> None:
    if not may(actor, CLOSED_AS_DUPLICATE):
        raise Forbidden(field="action", action=CLOSED_AS_DUPLICATE)


def check_primary(primary: Ticket) -> None:
    """A primary is the ticket the matter is handled under: not itself closed without being handled."""
    if primary.resolution in {Resolution.DUPLICATE, Resolution.CANCELLED} or primary.status is Status.DECLINED:
        raise IllegalTransition(field="primary", code=ErrorCode.DUPLICATE_PRIMARY_INVALID, number=primary.number)


def close_as_duplicate(
    ticket: Ticket, primary: Ticket, version: int, note: str, actor: Actor, now: datetime
) -> tuple[Change, Change]:
    """The duplicate closed with its link to the primary, and the primary listing it: one write."""
    check_may_mark(actor)
    check_primary(primary)
    if version != ticket.version:
        raise VersionConflict(field="version", expected=ticket.version, given=version)
    if ticket.ticket_id == primary.ticket_id:
        raise InvalidInput(field="ticket_id", code=ErrorCode.DUPLICATE_OF_ITSELF, number=ticket.number)
    if ticket.site_id != primary.site_id:
        raise InvalidInput(field="ticket_id", code=ErrorCode.DUPLICATE_OTHER_SITE, number=ticket.number)
    if ticket.status in TERMINAL:
        raise IllegalTransition(field="ticket_id", code=ErrorCode.DUPLICATE_CLOSED, number=ticket.number)
    if len(primary.duplicates) >= MAX_DUPLICATES:
        raise IllegalTransition(field="primary", code=ErrorCode.DUPLICATE_LIMIT, number=primary.number)
    link = TicketLink(ticket_id=primary.ticket_id, number=primary.number)
    closed = Step(
        Status.CLOSED,
        {"resolution": Resolution.DUPLICATE, "duplicate_of": link, "closed_at": to_iso(now)},
        {"duplicate_of": primary.number, "note": note},
    )
    listed = Step(
        primary.status,
        # like a note, a link moves nothing of the primary but its version (its place in the queue stays)
        {
            "updated_at": primary.updated_at,
            "duplicates": (*primary.duplicates, TicketLink(ticket_id=ticket.ticket_id, number=ticket.number)),
        },
        {"duplicate": ticket.number},
    )
    return (
        lifecycle.recorded(ticket, actor, CLOSED_AS_DUPLICATE, closed, now),
        lifecycle.recorded(primary, actor, LINKED, listed, now),
    )
