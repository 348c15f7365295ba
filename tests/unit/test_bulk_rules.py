"""Bulk actions, the pure part (docs/decisions/0021): which one-ticket move a bulk assignment is,
and closing a duplicate under a primary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.domain import bulk, intake
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Resolution, Status, Ticket, TicketLink

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR, T0, assigned, make_site, staff_request


def _ticket(seq: int = 1) -> Ticket:
    return intake.open_ticket(staff_request(), make_site(), OPERATOR, T0, f"{seq:032x}", seq).ticket


def test_a_waiting_ticket_is_dispatched_and_work_in_hand_reassigned_with_the_reason() -> None:
    waiting = _ticket(1)
    in_hand = assigned(_ticket(2)).model_copy(update={"status": Status.DISPATCHED, "version": 2})
    refs = [cmd.TicketRef(ticket_id=t.ticket_id, version=t.version) for t in (waiting, in_hand)]
    command = cmd.BulkAssign(tickets=refs, assignee="eng2", reason="换人")
    assert bulk.assignment(waiting, command) == ("dispatch", cmd.Dispatch(version=1, assignee="eng2"))
    reassign = cmd.Reassign(version=2, assignee="eng2", department=command.department, reason="换人")
    assert bulk.assignment(in_hand, command) == ("reassign", reassign)
    with pytest.raises(InvalidInput, match="handover_reason_required"):
        bulk.assignment(in_hand, command.model_copy(update={"reason": ""}))


def test_repeated_tickets_are_refused() -> None:
    ref = {"ticket_id": "a" * 32, "version": 1}
    with pytest.raises(ValueError, match="tickets_repeated"):
        cmd.BulkAssign.model_validate({"tickets": [ref, ref], "assignee": "eng1"})


def test_a_duplicate_is_closed_with_its_link_and_the_primary_lists_it() -> None:
    primary, duplicate = _ticket(1), _ticket(2)
    closed, listed = bulk.close_as_duplicate(duplicate, primary, 1, "同一次停电", OPERATOR, T0 + timedelta(minutes=5))
    assert (closed.ticket.status, closed.ticket.resolution) == (Status.CLOSED, Resolution.DUPLICATE)
    assert closed.ticket.duplicate_of == TicketLink(ticket_id=primary.ticket_id, number=primary.number)
    assert (closed.event.action, closed.event.detail) == (
        "duplicate",
        {"duplicate_of": primary.number, "note": "同一次停电"},
    )
    assert listed.ticket.duplicates == (TicketLink(ticket_id=duplicate.ticket_id, number=duplicate.number),)
    assert (listed.ticket.status, listed.ticket.updated_at, listed.ticket.version) == (
        primary.status,
        primary.updated_at,  # its place in the queue stays
        primary.version + 1,
    )
    with pytest.raises(IllegalTransition, match="duplicate_primary_invalid"):
        bulk.close_as_duplicate(_ticket(3), closed.ticket, 1, "", OPERATOR, T0)
    with pytest.raises(IllegalTransition, match="duplicate_closed"):
        bulk.close_as_duplicate(closed.ticket, listed.ticket, closed.ticket.version, "", OPERATOR, T0)
    with pytest.raises(InvalidInput, match="duplicate_of_itself"):
        bulk.close_as_duplicate(primary, primary, 1, "", OPERATOR, T0)
    with pytest.raises(VersionConflict):
        bulk.close_as_duplicate(duplicate, primary, 2, "", OPERATOR, T0)
    with pytest.raises(Forbidden):
        bulk.close_as_duplicate(duplicate, primary, 1, "", ENGINEER, T0)
    assert bulk.close_as_duplicate(duplicate, primary, 1, "", DUTY_MANAGER, T0)[0].ticket.closed_at
