"""The repeats the manual asks to be analysed each quarter: a complaint twice, a repair three times."""

from __future__ import annotations

from datetime import timedelta

from frontdesk.clock import to_iso
from frontdesk.domain.history import REPEAT_WINDOW, repeats
from frontdesk.models.ticket import Kind, Status, Ticket

from .builders import T0, walk_to


def _ticket(kind: Kind, category: str, days_ago: int) -> Ticket:
    status = Status.RECEIVED
    ticket = walk_to(kind, status).ticket
    return ticket.model_copy(update={"category": category, "created_at": to_iso(T0 - timedelta(days=days_ago))})


def test_a_complaint_twice_and_a_repair_three_times_in_a_quarter_are_repeats() -> None:
    tickets = [
        _ticket(Kind.COMPLAINT, "staff_attitude", 3),
        _ticket(Kind.COMPLAINT, "staff_attitude", 40),
        _ticket(Kind.REPAIR, "plumbing", 1),
        _ticket(Kind.REPAIR, "plumbing", 20),
        _ticket(Kind.REPAIR, "plumbing", 80),
        _ticket(Kind.REPAIR, "lighting", 2),
    ]
    found = [(r.kind, r.category, r.count, r.threshold) for r in repeats(tickets, T0)]
    assert found == [(Kind.COMPLAINT, "staff_attitude", 2, 2), (Kind.REPAIR, "plumbing", 3, 3)]


def test_below_the_count_or_outside_the_quarter_is_no_repeat() -> None:
    old = REPEAT_WINDOW.days + 1
    tickets = [
        _ticket(Kind.COMPLAINT, "staff_attitude", 3),
        _ticket(Kind.COMPLAINT, "staff_attitude", old),
        _ticket(Kind.REPAIR, "plumbing", 1),
        _ticket(Kind.REPAIR, "plumbing", 2),
        _ticket(Kind.REPAIR, "plumbing", old),
        _ticket(Kind.INQUIRY, "general", 1),
        _ticket(Kind.INQUIRY, "general", 2),
        _ticket(Kind.INQUIRY, "general", 3),
    ]
    assert repeats(tickets, T0) == []
