"""The month's top 3 repairs and first aid, end to end: the callbacks and their clocks written through
the application, timed by the real state machine on a virtual clock (docs/decisions/0023)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from frontdesk import wiring
from frontdesk.adapters.callbacks import CallbackStore
from frontdesk.clock import parse_iso
from frontdesk.domain.errors import DomainError
from frontdesk.models.callback import Callback, ReassignIn, TopRepairsIn
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.clock import ClockKind, ClockState, SubjectType
from frontdesk.models.ticket import FIRST_AID, Kind, Ticket

from .lambda_support import OPERATOR, LambdaContext
from .sla_support import DUTY_MANAGER, MANAGER, Harness, import_function, shanghai, site_harness

h = site_harness

TOP = "月度重要维修回访"


def completed(h: Harness, category: str = "plumbing", kind: Kind = Kind.REPAIR, hours: int = 0) -> Ticket:
    ticket = h.dispatch(h.desk.open(h.request(kind, category=category), OPERATOR).ticket)
    h.arrive(ticket)
    h.advance_to(h.time.now() + timedelta(hours=hours))
    done = h.complete(ticket)
    h.settle()
    return done


def clock_of(h: Harness, callback: Callback, kind: ClockKind) -> Any:
    return h.clocks.of_subject(SubjectType.CALLBACK, callback.callback_id)[kind]


def mail_to(h: Harness, address: str, reason: str) -> list[Any]:
    """The callbacks' escalation mail to ``address`` about callbacks of ``reason`` (its Chinese name)."""
    return [m for m in h.mail() if m.subject.startswith("回访逾期") and address in m.to and reason in m.body]


def test_the_months_top_three_are_drawn_once_and_a_missed_one_goes_to_the_centre_manager(h: Harness) -> None:
    lift = completed(h, "elevator")
    plain = [completed(h) for _ in range(2)]
    slow = completed(h, hours=3)  # of the ordinary repairs, the one that took longest
    leak = completed(h, "water_leak", Kind.EMERGENCY)
    completed(h, FIRST_AID, Kind.EMERGENCY)  # first aid: called back on its own, not a repair of the month
    request = TopRepairsIn(month="2026-11", deputy_manager="MGR1", engineering_head="eng2")
    monthly = wiring.monthly_callbacks()

    with pytest.raises(DomainError) as early:  # Monday 23 November: the month is not over
        monthly.draw_top_repairs("ql", request, MANAGER, h.tickets, wiring.staff_desk())
    assert (early.value.field, early.value.code, early.value.params) == (
        "month",
        "draw_month_open",
        {"day": "2026-11-30"},
    )

    h.advance_to(shanghai(2026, 11, 30, 10, 0))
    drawn = monthly.draw_top_repairs("ql", request, MANAGER, h.tickets, wiring.staff_desk())
    h.settle()
    # the two that touch many people (the longer first), then the longest of the ordinary ones
    assert set(drawn.chosen[:2]) == {lift.ticket_id, leak.ticket_id} and drawn.chosen[2] == slow.ticket_id
    assert sorted(drawn.population) == sorted(t.ticket_id for t in (lift, leak, slow, *plain))
    assert drawn.callers == ("mgr1", "eng2")
    store = CallbackStore(h.table)
    callbacks = [store.get(f"{ticket_id}-t2026m11") for ticket_id in drawn.chosen]
    assert all(c is not None and c.reason is CallbackReason.TOP_REPAIR for c in callbacks)
    first = callbacks[0]
    assert first is not None and (first.assignee, first.joint) == ("mgr1", "eng2")
    due = parse_iso(first.due)
    assert due == shanghai(2026, 12, 3, 17, 30)  # the 3rd working day of December
    assert clock_of(h, first, ClockKind.CALLBACK_TOP_REPAIR).state is ClockState.RUNNING

    again = monthly.draw_top_repairs(
        "ql", request.model_copy(update={"engineering_head": "eng1"}), MANAGER, h.tickets, wiring.staff_desk()
    )
    assert again == drawn  # drawn once: the stored draw stands, nothing is created twice
    assert [c.callback_id for c in wiring.callbacks().queue("ql", OPERATOR).callbacks].count(first.callback_id) == 1

    h.advance_to(due - timedelta(milliseconds=1))
    assert clock_of(h, first, ClockKind.CALLBACK_TOP_REPAIR).level == 0
    h.advance_to(due)
    h.wait_for(lambda: clock_of(h, first, ClockKind.CALLBACK_TOP_REPAIR).level == 1, "the rung")
    h.wait_for(lambda: len(mail_to(h, "centre.manager@example.com", TOP)) == 3, "the centre manager's mail")
    assert mail_to(h, "duty.manager@example.com", TOP) == []  # the deputy manager's own: not the duty manager's


@pytest.mark.parametrize(
    ("field", "body", "code"),
    [
        ("deputy_manager", {"deputy_manager": "op1"}, "draw_not_manager"),
        ("engineering_head", {"engineering_head": "mgr1"}, "draw_not_engineer"),
    ],
)
def test_the_callers_are_the_sites_manager_and_engineer(h: Harness, field: str, body: Any, code: str) -> None:
    h.advance_to(shanghai(2026, 11, 30, 10, 0))
    request = TopRepairsIn.model_validate({"month": "2026-11", "deputy_manager": "mgr1", "engineering_head": "eng1"})
    with pytest.raises(DomainError) as refused:
        wiring.monthly_callbacks().draw_top_repairs(
            "ql", request.model_copy(update=body), MANAGER, h.tickets, wiring.staff_desk()
        )
    assert (refused.value.field, refused.value.code) == (field, code)


def test_first_aid_is_called_back_within_a_working_week_or_escalates(h: Harness) -> None:
    first_aid = completed(h, FIRST_AID, Kind.EMERGENCY)  # Monday 23 November
    (callback,) = [
        c
        for e in h.tickets.timeline(first_aid.ticket_id)
        if (c := CallbackStore(h.table).get(f"{first_aid.ticket_id}-{e.seq}")) is not None
    ]
    assert callback.reason is CallbackReason.FIRST_AID
    due = parse_iso(callback.due)
    assert due == shanghai(2026, 11, 30, 17, 30)  # 5 working days: Monday 30 November, end of the day shift
    clock = clock_of(h, callback, ClockKind.CALLBACK_FIRST_AID)
    assert (clock.state, clock.due) == (ClockState.RUNNING, callback.due)

    # given to the duty manager, who is on the desk: the clock stays as it was
    moved = wiring.callbacks().reassign(
        callback.callback_id, ReassignIn(version=1, assignee="dm1"), DUTY_MANAGER, wiring.staff_desk()
    )
    assert moved.assignee == "dm1" and clock_of(h, callback, ClockKind.CALLBACK_FIRST_AID).due == callback.due

    h.advance_to(due)
    h.wait_for(lambda: clock_of(h, callback, ClockKind.CALLBACK_FIRST_AID).level == 1, "the first rung")
    h.wait_for(lambda: len(mail_to(h, "duty.manager@example.com", "急救回访")) == 1, "the duty manager's mail")
    (missed,) = mail_to(h, "duty.manager@example.com", "急救回访")
    assert "First aid callback" in missed.body and "dm1" in missed.body


def test_the_schedule_draws_a_month_nobody_drew_at_the_end_of_its_last_working_day(h: Harness) -> None:
    lift = completed(h, "elevator")
    sign_up = h.desk.open(h.request(Kind.INQUIRY, category="activity"), OPERATOR).ticket
    h.settle()

    def run() -> list[str]:
        result = import_function("end_of_day").lambda_handler({}, LambdaContext())
        drawn: list[str] = result["drawn"]
        return drawn

    h.advance_to(shanghai(2026, 11, 30, 17, 29))
    assert run() == []  # the last working day's day shift is not over
    h.advance_to(shanghai(2026, 11, 30, 17, 30))
    assert run() == ["ql top_repairs 2026-11", "ql activities 2026-11"]
    assert run() == []  # drawn once
    h.settle()
    top = CallbackStore(h.table).get(f"{lift.ticket_id}-t2026m11")
    assert top is not None and (top.assignee, top.joint) == ("", "")  # a supervisor assigns it
    assert clock_of(h, top, ClockKind.CALLBACK_TOP_REPAIR).state is ClockState.RUNNING
    activity = CallbackStore(h.table).get(f"{sign_up.ticket_id}-a2026m11")  # 10 % of one, rounded up
    assert activity is not None and activity.reason is CallbackReason.ACTIVITY
    # a manager's draw afterwards answers the stored one; the callers are then assigned one by one
    request = TopRepairsIn(month="2026-11", deputy_manager="mgr1", engineering_head="eng1")
    stored = wiring.monthly_callbacks().draw_top_repairs("ql", request, MANAGER, h.tickets, wiring.staff_desk())
    assert (stored.drawn_by, stored.callers, stored.chosen) == ("schedule", (), (lift.ticket_id,))
    moved = wiring.callbacks().reassign(
        top.callback_id, ReassignIn(version=1, assignee="mgr1"), DUTY_MANAGER, wiring.staff_desk()
    )
    assert moved.assignee == "mgr1"
