"""The month's drawn callbacks (frontdesk.domain.monthly_callbacks): the top 3 repairs by the
documented rule (ties by id), their due in business days, the activities' 10 % sample, and when a
month may be drawn; first aid (frontdesk.domain.callbacks) called back within a working week; a
callback reassigned on its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain import callbacks as rules
from frontdesk.domain import monthly_callbacks as monthly
from frontdesk.domain.calendar import site_calendar
from frontdesk.domain.errors import DomainError
from frontdesk.models.callback import Callback, CallbackState, ReassignIn
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.ticket import FIRST_AID, Channel, Escalation, Kind, Status, Ticket, TicketLink
from frontdesk.notifications import callbacks as notices

from .builders import DUTY_MANAGER, Walk, staff_request

CN = site_calendar("Asia/Shanghai", ())
# Wednesday 4 November 2026, 10:00 in Shanghai
START = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)
ID = "{:032x}"


def repair(n: int, category: str = "plumbing", kind: Kind = Kind.REPAIR, hours: float = 2, **fields: Any) -> Ticket:
    walk = Walk(request=staff_request(kind, category=category), start=START)
    walk.run("dispatch", "arrive")
    walk.later(hours=hours).do("complete")
    return walk.ticket.model_copy(update={"ticket_id": ID.format(n), **fields})


def test_the_top_three_are_ranked_by_the_documented_rule() -> None:
    plain_quick, plain_slow = repair(1, hours=1), repair(2, hours=20)
    lift = repair(3, "elevator")
    reported_by_many = repair(4, duplicates=(TicketLink(ticket_id=ID.format(90), number="QL-1"),))
    escalated = repair(5, escalation=Escalation(level=2))
    repeated = repair(6, repeat_of=3)
    not_completed = repair(7, "elevator").model_copy(update={"completed_at": None})
    inquiry = Walk(Kind.INQUIRY, start=START).ticket.model_copy(update={"ticket_id": ID.format(8)})
    tickets = [plain_quick, plain_slow, lift, reported_by_many, escalated, repeated, not_completed, inquiry]
    # touches many people, then reported by many, then escalation, then repeats, then duration
    assert monthly.top_repairs(tickets) == (lift.ticket_id, reported_by_many.ticket_id, escalated.ticket_id)
    assert monthly.top_repairs(tickets, count=6) == (
        lift.ticket_id,
        reported_by_many.ticket_id,
        escalated.ticket_id,
        repeated.ticket_id,
        plain_slow.ticket_id,
        plain_quick.ticket_id,
    )


def test_ties_are_broken_by_ticket_id_whatever_the_order_read() -> None:
    same = [repair(n, hours=3) for n in (9, 4, 7, 1)]
    assert monthly.top_repairs(same) == monthly.top_repairs(reversed(same)) == tuple(ID.format(n) for n in (1, 4, 7))
    assert monthly.top_repairs([]) == ()


def test_first_aid_is_not_a_top_repair_and_a_month_of_one_repair_has_one() -> None:
    first_aid = repair(1, FIRST_AID, Kind.EMERGENCY)
    only = repair(2)
    assert monthly.top_repairs([first_aid, only]) == (only.ticket_id,)


def test_a_top_repair_is_called_back_by_the_deputy_with_the_engineering_head_by_the_third_business_day() -> None:
    ticket = repair(3, "elevator")
    drawn_at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    callback = monthly.for_top_repair(ticket, "2026-11", CN, drawn_at, "mgr1", "eng1")
    assert callback.callback_id == f"{ticket.ticket_id}-t2026m11"
    assert (callback.reason, callback.assignee, callback.joint) == (CallbackReason.TOP_REPAIR, "mgr1", "eng1")
    # December 2026 starts on a Tuesday: the 3rd working day is Thursday 3 December, 17:30 Shanghai
    assert parse_iso(callback.due) == datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    # over a holiday: September 2026's top 3 are due after the National Day week (1-7 October off),
    # on the 3rd working day after it: Thursday 8, Friday 9 and Saturday 10 October (调休, worked)
    september = monthly.for_top_repair(ticket, "2026-09", CN, drawn_at, "mgr1", "eng1")
    assert parse_iso(september.due).astimezone(CN.zone).date().isoformat() == "2026-10-10"


def test_a_month_is_drawn_from_its_last_working_day_on() -> None:
    # November 2026 ends on a Monday (the 30th), a working day
    assert monthly.last_working_day("2026-11", CN).isoformat() == "2026-11-30"
    assert not monthly.may_draw("2026-11", CN, datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    assert monthly.may_draw("2026-11", CN, datetime(2026, 11, 30, 0, 0, tzinfo=UTC))  # 08:00 Shanghai
    assert monthly.may_draw("2026-10", CN, START)
    # January 2027 ends on a Sunday: its last working day is Friday the 29th
    assert monthly.last_working_day("2027-01", CN).isoformat() == "2027-01-29"


def test_activities_are_sampled_at_ten_percent_reproducibly_and_called_back_within_the_next_month() -> None:
    population = [ID.format(n) for n in range(1, 21)]
    chosen = monthly.activity_sample(population, "seed-1", "2026-11")
    assert len(chosen) == 2 and set(chosen) <= set(population)
    assert monthly.activity_sample(reversed(population), "seed-1", "2026-11") == chosen
    assert monthly.activity_sample([population[0]], "seed-1", "2026-11") == (population[0],)
    assert monthly.activity_sample([], "seed-1", "2026-11") == ()

    walk = Walk(request=staff_request(Kind.INQUIRY, category="activity"), start=START)
    assert monthly.activity_eligible(walk.ticket)
    assert not monthly.activity_eligible(Walk(Kind.INQUIRY, start=START).ticket)
    callback = monthly.for_activity(walk.ticket, "2026-11", CN, START)
    assert (callback.reason, callback.assignee) == (CallbackReason.ACTIVITY, "op1")
    assert callback.callback_id.endswith("-a2026m11")
    # December 2026's last working day: Thursday the 31st, 17:30 Shanghai
    assert parse_iso(callback.due) == datetime(2026, 12, 31, 9, 30, tzinfo=UTC)


def test_first_aid_is_called_back_within_a_working_week_and_not_as_a_key_repair() -> None:
    walk = Walk(request=staff_request(Kind.EMERGENCY, category=FIRST_AID), start=START)
    walk.run("dispatch", "arrive", "complete")
    callback = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False)
    assert callback is not None and callback.reason is CallbackReason.FIRST_AID
    # completed Wednesday 4 November 10:00: 5 working days on is Wednesday 11 November, 17:30
    assert parse_iso(callback.due) == datetime(2026, 11, 11, 9, 30, tzinfo=UTC)
    other = Walk(request=staff_request(Kind.EMERGENCY, category="water_leak"), start=START)
    other.run("dispatch", "arrive", "complete")
    key = rules.for_event(other.ticket, other.events[-1], CN, reworked=False)
    assert key is not None and key.reason is CallbackReason.KEY_REPAIR


def test_a_callback_is_reassigned_on_its_record() -> None:
    walk = Walk(Kind.COMPLAINT, start=START)
    walk.do("handle")
    callback = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False)
    assert callback is not None and callback.assignee == "op1"
    later = START + timedelta(hours=1)
    moved = rules.reassign(callback, ReassignIn(version=1, assignee="dm1"), "dm1", DUTY_MANAGER, later)
    assert (moved.assignee, moved.version, moved.due) == ("dm1", 2, callback.due)
    (change,) = moved.reassigned
    assert (change.at, change.by, change.before, change.after) == (to_iso(later), "dm1", "op1", "dm1")

    refusals = [
        (callback, ReassignIn(version=1, assignee="op1"), "op1", "callback_same_assignee"),
        (callback, ReassignIn(version=2, assignee="dm1"), "dm1", "callback_version_conflict"),
        (
            callback.model_copy(update={"state": CallbackState.SATISFIED}),
            ReassignIn(version=1, assignee="dm1"),
            "dm1",
            "callback_closed",
        ),
    ]
    for subject, request, name, code in refusals:
        with pytest.raises(DomainError) as refused:
            rules.reassign(subject, request, name, DUTY_MANAGER, later)
        assert refused.value.code == code
    assert walk.ticket.status is Status.HANDLED


def test_a_scheduled_run_draws_a_month_at_the_end_of_its_last_working_day_or_in_the_next_weeks_first_days() -> None:
    def due(*parts: int) -> list[str]:
        return monthly.due_draws(CN, datetime(*parts, tzinfo=UTC) - timedelta(hours=8))  # type: ignore[misc,arg-type]

    assert due(2026, 11, 30, 17, 29) == []  # Monday 30 November: the day shift not over yet
    assert due(2026, 11, 30, 17, 30) == ["2026-11"]
    assert due(2026, 12, 1, 9, 0) == ["2026-11"]  # a run missed at the month's end: the next week
    assert due(2026, 12, 7, 9, 0) == ["2026-11"]
    assert due(2026, 12, 8, 9, 0) == []
    assert due(2027, 1, 29, 17, 30) == ["2027-01"]  # January 2027 ends on a Sunday: Friday the 29th
    assert due(2027, 1, 3, 9, 0) == ["2026-12"]


def test_a_drawn_callback_nobody_has_yet_says_so_in_its_overdue_mail() -> None:
    callback = monthly.for_top_repair(repair(3, "elevator"), "2026-11", CN, START, "", "")
    mail = notices.missed_mail(callback, 3600, "Asia/Shanghai", "https://desk.example")
    assert "月度重要维修回访" in mail.body and "未分配" in mail.body and "nobody yet" in mail.body


def test_every_drawn_callback_is_assigned_by_the_one_rule_whoever_took_the_request_at_the_desk() -> None:
    desk = Walk(request=staff_request(Kind.INQUIRY, category="activity"), start=START).ticket
    web = desk.model_copy(update={"channel": Channel.WEB, "received_by": "client"})
    done = repair(1)
    drawn: list[Callable[[Ticket], Callback]] = [
        lambda t: monthly.for_activity(t, "2026-11", CN, START),
        lambda t: rules.for_sample(t, "2026-W45", CN, START),
    ]
    assert [draw(desk).assignee for draw in drawn] == ["op1", "op1"]
    assert [draw(web).assignee for draw in drawn] == ["", ""]  # a web request: the desk picks it up
    top = monthly.for_top_repair(done, "2026-11", CN, START, "mgr1", "eng1")
    assert (top.assignee, top.joint, top.unit, top.ticket_number) == ("mgr1", "eng1", done.unit, done.number)
