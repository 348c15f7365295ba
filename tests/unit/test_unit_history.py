"""The repeats the manual asks to be analysed each quarter: a complaint twice, a repair three times."""

from __future__ import annotations

from datetime import timedelta

from frontdesk.clock import to_iso
from frontdesk.domain import history
from frontdesk.domain.history import REPEAT_WINDOW, repeats
from frontdesk.domain.lifecycle import Change
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


# ------------------------------------------------------------------ the flag at intake


def test_a_second_complaint_or_a_third_repair_of_the_quarter_is_a_repeat() -> None:
    assert [history.repeat_number(earlier, Kind.COMPLAINT) for earlier in (0, 1, 2)] == [0, 2, 3]
    assert [history.repeat_number(earlier, Kind.REPAIR) for earlier in (0, 1, 2)] == [0, 0, 3]
    assert history.repeat_number(5, Kind.INQUIRY) == 0
    assert history.window_start(T0) == to_iso(T0 - REPEAT_WINDOW)  # the quarter counted back from now


def test_a_repeat_is_flagged_on_the_ticket_and_its_first_event() -> None:
    walk = walk_to(Kind.REPAIR, Status.RECEIVED)
    flagged = history.flag_repeat(Change(walk.ticket, walk.events[0]), 3)
    assert (flagged.ticket.repeat_of, flagged.event.detail["repeat_of"]) == (3, "3")
    assert history.flag_repeat(Change(walk.ticket, walk.events[0]), 0).ticket.repeat_of == 0


def test_a_public_area_and_an_inquiry_are_never_counted() -> None:
    assert history.counted(_ticket(Kind.COMPLAINT, "staff_attitude", 0))
    assert not history.counted(_ticket(Kind.INQUIRY, "general", 0))
    outside = _ticket(Kind.COMPLAINT, "staff_attitude", 0).model_copy(update={"unit": "", "location": "大堂"})
    assert not history.counted(outside)
