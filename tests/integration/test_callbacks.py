"""Callbacks (回访) end to end: created by the stream router from ticket events, due in the site's
business days, timed by the real state machine on a virtual clock, recorded through the application
(docs/decisions/0023-callbacks-and-business-calendars.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from frontdesk import wiring
from frontdesk.adapters.callbacks import CallbackStore
from frontdesk.clock import parse_iso
from frontdesk.domain.calendar import shipped_years
from frontdesk.domain.errors import DomainError
from frontdesk.models import commands as cmd
from frontdesk.models.calendar import YearCalendar
from frontdesk.models.callback import Callback, CallbackIn, CallbackState, Result, SurveyIn
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.clock import ClockKind, ClockState, SubjectType
from frontdesk.models.ticket import Kind, Status, Ticket

from .lambda_support import OPERATOR
from .sla_support import DUTY_MANAGER, ENGINEER, MANAGER, TENANT_EMAIL, Harness, shanghai, site_harness

h = site_harness


def callbacks(h: Harness, ticket: Ticket) -> list[Callback]:
    store = CallbackStore(h.table)
    found = [store.get(f"{ticket.ticket_id}-{e.seq}") for e in h.tickets.timeline(ticket.ticket_id)]
    return [c for c in found if c is not None]


def the_callback(h: Harness, ticket: Ticket, reason: CallbackReason) -> Callback:
    (found,) = [c for c in callbacks(h, ticket) if c.reason is reason]
    return found


def callback_clock(h: Harness, callback: Callback, kind: ClockKind) -> Any:
    return h.clocks.of_subject(SubjectType.CALLBACK, callback.callback_id)[kind]


def attempt(h: Harness, callback: Callback, **fields: Any) -> Callback:
    current = CallbackStore(h.table).get(callback.callback_id)
    assert current is not None
    body = CallbackIn.model_validate({"version": current.version, "method": "phone", **fields})
    return wiring.callbacks().record(callback.callback_id, body, OPERATOR)


def missed_mail(h: Harness) -> list[Any]:
    """The callbacks' escalation mail (the complaint's own reply clock escalates too: not these)."""
    return [m for m in h.mail() if m.subject.startswith("回访逾期")]


REACHED = {"quality": 4, "effect": 4, "satisfaction": 2, "client_confirmed": True}


def handled_complaint(h: Harness) -> Ticket:
    complaint = h.open(Kind.COMPLAINT)
    h.act(complaint, "handle", department="engineering", action_taken="已与工程部协调")
    h.settle()
    return complaint


def test_a_complaint_handled_on_a_friday_before_a_holiday_is_due_on_the_right_business_day(h: Harness) -> None:
    # the site's own holiday on Monday 30 November (loaded by a manager over the shipped year)
    shipped = next(y for y in shipped_years() if y.year == 2026)
    local = YearCalendar(
        year=2026, holidays=(*shipped.holidays, date(2026, 11, 30)), workdays=shipped.workdays, source="校运会"
    )
    wiring.calendars().load("ql", local, MANAGER)
    h.advance_to(shanghai(2026, 11, 27, 15, 0))  # Friday afternoon
    complaint = handled_complaint(h)

    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    # Sat, Sun and the holiday Monday are skipped: Tue 1 (1), Wed 2 (2), Thu 3 December (3), end of the day shift
    assert parse_iso(callback.due) == shanghai(2026, 12, 3, 17, 30)
    assert callback.assignee == "op1" and callback.state is CallbackState.OPEN
    clock = callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT)
    assert (clock.state, clock.due, clock.level) == (ClockState.RUNNING, callback.due, 0)
    listed = wiring.callbacks().queue("ql", ENGINEER).callbacks
    assert [c.callback_id for c in listed] == [callback.callback_id]


def test_a_missed_callback_escalates_never_early_and_a_late_record_breaches_its_clock(h: Harness) -> None:
    complaint = handled_complaint(h)  # Monday 09:00: due Thursday 17:30
    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    due = parse_iso(callback.due)
    assert due == shanghai(2026, 11, 26, 17, 30)

    h.advance_to(due - timedelta(milliseconds=1))
    assert callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).level == 0
    assert missed_mail(h) == []

    h.advance_to(due)
    h.wait_for(lambda: callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).level == 1, "the first rung")
    h.wait_for(lambda: len(missed_mail(h)) == 1, "the duty manager's mail")
    (missed,) = missed_mail(h)
    assert missed.to == ["duty.manager@example.com"] and complaint.number in missed.subject
    assert "Callback overdue" in missed.subject and "Complaint callback" in missed.body
    assert parse_iso(callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).breached_at or "") >= due

    h.advance_to(due + timedelta(hours=1))
    attempt(h, callback, result="satisfied", **REACHED)
    h.settle()
    clock = callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT)
    assert clock.state is ClockState.BREACHED and clock.late_seconds == 3600
    assert wiring.callbacks().queue("ql", OPERATOR).callbacks == []


def test_a_complaint_called_back_in_time_meets_its_clock_and_an_unsatisfied_one_reopens_it(h: Harness) -> None:
    complaint = handled_complaint(h)
    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    h.advance_to(parse_iso(callback.due) - timedelta(hours=2))
    recorded = attempt(h, callback, result="unsatisfied", shortcomings="态度仍然不好", **REACHED)
    h.settle()
    assert recorded.state is CallbackState.UNSATISFIED
    clock = callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT)
    assert (clock.state, clock.early_seconds) == (ClockState.MET, 7200)
    reopened = h.ticket(complaint)
    assert reopened.status is Status.RECEIVED
    assert h.tickets.timeline(complaint.ticket_id)[-1].action == "reopen"

    # handled again: called back again
    h.act(reopened, "handle", department="customer_service", action_taken="经理上门致歉")
    h.settle()
    assert [c.state for c in callbacks(h, complaint)] == [CallbackState.UNSATISFIED, CallbackState.OPEN]


def test_a_cancelled_ticket_cancels_its_open_callback(h: Harness) -> None:
    complaint = handled_complaint(h)
    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    h.desk.act(
        complaint.ticket_id, "cancel", cmd.Cancel(version=h.ticket(complaint).version, reason="重复登记"), DUTY_MANAGER
    )
    h.settle()
    cancelled = CallbackStore(h.table).get(callback.callback_id)
    assert cancelled is not None and cancelled.state is CallbackState.CANCELLED
    assert callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).state is ClockState.CANCELLED
    h.advance_to(parse_iso(callback.due) + timedelta(days=2))
    assert callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).level == 0 and missed_mail(h) == []
    queue = wiring.callbacks().queue("ql", OPERATOR)
    assert (queue.callbacks, queue.concluded) == ([], [])


def test_the_tenant_is_mailed_the_survey_link_once_and_answers_it(h: Harness) -> None:
    complaint = handled_complaint(h)
    invitations = [m for m in h.mail() if m.subject.startswith("请评价我们的服务")]
    assert [(m.to, complaint.number in m.subject) for m in invitations] == [([TENANT_EMAIL], True)]
    token = invitations[0].body.split("track#", 1)[1].split()[0]
    h.stream.deliver(h.stream.delivered)  # every record delivered again: nothing is mailed twice
    assert len([m for m in h.mail() if m.subject.startswith("请评价我们的服务")]) == 1

    assert wiring.callbacks().survey(token).reason is CallbackReason.COMPLAINT
    answer = SurveyIn(result=Result.SATISFIED, quality=5, effect=5, satisfaction=4, suggestions="很好")
    assert wiring.callbacks().answer(token, answer).state is CallbackState.SATISFIED
    h.settle()
    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    assert callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).state is ClockState.MET
    assert h.tickets.timeline(complaint.ticket_id)[-1].detail["method"] == "link"


def key_repair(h: Harness) -> Ticket:
    request = h.request(Kind.REPAIR).model_copy(update={"category": "elevator"})
    repair = h.dispatch(h.desk.open(request, OPERATOR).ticket)
    h.arrive(repair)
    h.complete(repair)
    h.settle()
    return repair


def test_a_failed_callback_dispatches_rework_at_once_and_a_special_callback_24_h_after_it(h: Harness) -> None:
    repair = key_repair(h)
    callback = the_callback(h, repair, CallbackReason.KEY_REPAIR)
    completed = parse_iso(h.ticket(repair).completed_at or "")
    assert parse_iso(callback.earliest or "") == shanghai(2026, 11, 24, 8, 0)
    assert parse_iso(callback.due) == shanghai(2026, 11, 26, 17, 30)

    h.advance_to(shanghai(2026, 11, 24, 10, 0))
    failed = attempt(h, callback, result="unsatisfied", defect_remains=True, shortcomings="电梯仍异响", **REACHED)
    h.settle()
    assert failed.state is CallbackState.UNSATISFIED and failed.rework_ticket_id == repair.ticket_id
    rework = h.ticket(repair)
    assert rework.status is Status.DISPATCHED and rework.assignment is not None
    assert rework.assignment.assignee == "eng1" and parse_iso(rework.dispatched_at or "") > completed
    event = h.tickets.timeline(repair.ticket_id)[-1]
    assert (event.action, event.detail["callback_id"]) == ("rework", callback.callback_id)
    arrival = h.clock(repair, "arrival")
    assert arrival.state is ClockState.RUNNING and arrival.anchor == rework.dispatched_at

    h.arrive(rework)
    done = h.complete(rework)
    h.settle()
    special = the_callback(h, repair, CallbackReason.SPECIAL)
    assert parse_iso(special.due) == parse_iso(done.completed_at or "") + timedelta(hours=24)
    assert callback_clock(h, special, ClockKind.CALLBACK_SPECIAL).state is ClockState.RUNNING
    # the rework's completion owed one special callback, and no more
    assert CallbackStore(h.table).reworked(repair.ticket_id) is None


def test_three_unreachable_attempts_on_different_days_close_the_callback(h: Harness) -> None:
    complaint = handled_complaint(h)
    callback = the_callback(h, complaint, CallbackReason.COMPLAINT)
    days = [shanghai(2026, 11, 23, 15, 0), shanghai(2026, 11, 23, 16, 0), shanghai(2026, 11, 24, 10, 0)]
    for moment in days:
        h.advance_to(moment)
        assert attempt(h, callback, result="unreachable").state is CallbackState.OPEN  # the same day twice: 2 days
    h.advance_to(shanghai(2026, 11, 25, 10, 0))
    closed = attempt(h, callback, result="unreachable", note="三次未接")
    h.settle()
    assert closed.state is CallbackState.UNREACHABLE
    assert [a.local_day for a in closed.attempts] == ["2026-11-23", "2026-11-23", "2026-11-24", "2026-11-25"]
    assert callback_clock(h, callback, ClockKind.CALLBACK_COMPLAINT).state is ClockState.MET
    with pytest.raises(DomainError) as refused:
        attempt(h, callback, result="unreachable")
    assert refused.value.code == "callback_closed"
    assert h.ticket(complaint).status is Status.HANDLED  # unreachable reopens nothing
