"""Deadlines: arrival by building class, completion, same-day reply; stored rounded up to the whole second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from frontdesk.clock import FixedClock, ceil_to_second, deadline_iso, end_of_local_day, local_date, parse_iso, to_iso
from frontdesk.domain import sla
from frontdesk.models.site import BuildingClass
from frontdesk.models.ticket import Kind

from .builders import BUILDING_OF_CLASS, SITE, T0, Walk, make_site


def test_fixed_clock_only_moves_when_told() -> None:
    clock = FixedClock(datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=8))))
    assert clock.now() == T0
    assert clock.now().tzinfo == UTC
    assert clock.advance(minutes=5, milliseconds=1) == T0 + timedelta(minutes=5, milliseconds=1)
    assert clock.now() == T0 + timedelta(minutes=5, milliseconds=1)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (T0, "2026-11-22T02:00:00.000Z"),
        (T0 + timedelta(microseconds=999_999), "2026-11-22T02:00:00.999Z"),
        (datetime(2026, 11, 22, 10, 0, 0, 123_456, tzinfo=timezone(timedelta(hours=8))), "2026-11-22T02:00:00.123Z"),
    ],
)
def test_to_iso_is_utc_with_milliseconds_and_z(moment: datetime, text: str) -> None:
    assert to_iso(moment) == text


def test_iso_strings_sort_in_time_order() -> None:
    moments = [T0 + timedelta(milliseconds=n * 37) for n in range(50)]
    texts = [to_iso(m) for m in moments]
    assert sorted(texts) == texts


def test_parse_iso_round_trip_and_refuses_naive() -> None:
    assert parse_iso("2026-11-22T02:00:00.250Z") == T0 + timedelta(milliseconds=250)
    assert parse_iso("2026-11-22T10:00:00+08:00") == T0
    with pytest.raises(ValueError, match="time zone"):
        parse_iso("2026-11-22T02:00:00")


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (T0, "2026-11-22T02:00:00.000Z"),
        (T0 + timedelta(microseconds=1), "2026-11-22T02:00:01.000Z"),
        (T0 + timedelta(milliseconds=999), "2026-11-22T02:00:01.000Z"),
        (datetime(2026, 12, 31, 23, 59, 59, 1, tzinfo=UTC), "2027-01-01T00:00:00.000Z"),
    ],
)
def test_deadline_rounds_up_to_the_whole_second(moment: datetime, due: str) -> None:
    assert deadline_iso(moment) == due
    assert ceil_to_second(moment) >= moment


@pytest.mark.parametrize(
    ("building_class", "minutes"), [(BuildingClass.A, 5), (BuildingClass.B, 10), (BuildingClass.C, 15)]
)
def test_arrival_due_by_building_class(building_class: BuildingClass, minutes: int) -> None:
    walk = Walk(Kind.REPAIR, BUILDING_OF_CLASS[building_class])
    change = walk.do("dispatch")
    expected = to_iso(T0 + timedelta(minutes=minutes))
    assert change.ticket.arrival_due == expected
    assert change.ticket.dispatched_at == "2026-11-22T02:00:00.000Z"
    assert change.event.detail["arrival_due"] == expected
    assert change.event.detail["arrival_minutes"] == str(minutes)


@pytest.mark.parametrize(
    ("building_class", "due"),
    [
        (BuildingClass.A, "2026-11-22T02:05:01.000Z"),
        (BuildingClass.B, "2026-11-22T02:10:01.000Z"),
        (BuildingClass.C, "2026-11-22T02:15:01.000Z"),
    ],
)
def test_arrival_due_is_rounded_up_never_down(building_class: BuildingClass, due: str) -> None:
    walk = Walk(Kind.REPAIR, BUILDING_OF_CLASS[building_class])
    walk.clock.advance(milliseconds=1)
    assert walk.do("dispatch").ticket.arrival_due == due


def test_site_may_override_arrival_minutes() -> None:
    site = make_site(arrival_minutes={"A": 3, "B": 8, "C": 20})
    for building_class, minutes in [(BuildingClass.A, 3), (BuildingClass.B, 8), (BuildingClass.C, 20)]:
        walk = Walk(Kind.REPAIR, BUILDING_OF_CLASS[building_class], site=site)
        assert walk.do("dispatch").ticket.arrival_due == to_iso(T0 + timedelta(minutes=minutes))


def test_partial_override_keeps_the_manual_minutes_for_other_classes() -> None:
    site = make_site(arrival_minutes={"A": 2})
    assert Walk(Kind.REPAIR, "admin", site=site).do("dispatch").ticket.arrival_due == "2026-11-22T02:02:00.000Z"
    assert Walk(Kind.REPAIR, "expert", site=site).do("dispatch").ticket.arrival_due == "2026-11-22T02:15:00.000Z"


def test_completion_due_24_hours_after_arrival() -> None:
    walk = Walk(Kind.REPAIR)
    dispatched = walk.do("dispatch").ticket
    assert dispatched.completion_due == "2026-11-23T02:00:00.000Z"
    change = walk.later(minutes=4, seconds=10, milliseconds=400).do("arrive")
    assert change.ticket.arrived_at == "2026-11-22T02:04:10.400Z"
    assert change.ticket.completion_due == "2026-11-23T02:04:11.000Z"
    assert change.event.detail["completion_due"] == "2026-11-23T02:04:11.000Z"


def test_site_may_override_completion_hours() -> None:
    walk = Walk(Kind.REPAIR, site=make_site(completion_hours=48))
    walk.do("dispatch")
    assert walk.do("arrive").ticket.completion_due == "2026-11-24T02:00:00.000Z"


@pytest.mark.parametrize(
    ("after", "on_time"),
    [
        (timedelta(minutes=4, seconds=59), True),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, milliseconds=1), False),
        (timedelta(hours=1), False),
    ],
)
def test_arrival_on_time_is_judged_against_the_stored_deadline(after: timedelta, on_time: bool) -> None:
    walk = Walk(Kind.REPAIR, "admin")
    walk.do("dispatch")
    walk.clock.advance(seconds=after.total_seconds())
    change = walk.do("arrive")
    assert change.ticket.arrived_on_time is on_time
    assert change.event.detail["on_time"] == str(on_time).lower()


def test_late_arrival_deadline_of_a_fractional_dispatch_is_never_earlier_than_the_exact_one() -> None:
    for ms in range(0, 1000, 37):
        dispatched = T0 + timedelta(milliseconds=ms)
        due = parse_iso(sla.arrival_due(SITE, SITE.buildings[0], dispatched))
        assert due >= dispatched + timedelta(minutes=5)
        assert due - (dispatched + timedelta(minutes=5)) < timedelta(seconds=1)
        assert due.microsecond == 0


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (T0, "2026-11-22T16:00:00.000Z"),  # 10:00 Shanghai → 23:59:59 Shanghai
        (datetime(2026, 11, 22, 16, 30, tzinfo=UTC), "2026-11-23T16:00:00.000Z"),  # 00:30 next Shanghai day
        (datetime(2026, 11, 22, 15, 59, 58, tzinfo=UTC), "2026-11-22T16:00:00.000Z"),
    ],
)
def test_complaint_reply_due_same_site_local_day(received: datetime, due: str) -> None:
    assert sla.reply_due(SITE, received) == due
    assert Walk(Kind.COMPLAINT, start=received).ticket.reply_due == due


def test_reply_due_follows_the_site_time_zone() -> None:
    site = make_site(timezone="Europe/London")
    assert sla.reply_due(site, T0) == "2026-11-23T00:00:00.000Z"


def test_reply_due_is_never_before_the_complaint_was_received() -> None:
    """A complaint in the last second of the site-local day must not be overdue on arrival."""
    received = datetime(2026, 11, 22, 15, 59, 59, 500_000, tzinfo=UTC)  # 23:59:59.5 in Shanghai
    ticket = Walk(Kind.COMPLAINT, start=received).ticket
    assert ticket.reply_due is not None
    assert ticket.reply_due >= ticket.created_at


def test_repairs_have_no_reply_deadline() -> None:
    assert Walk(Kind.REPAIR).ticket.reply_due is None
    assert Walk(Kind.EMERGENCY).ticket.reply_due is None


def test_local_day_helpers() -> None:
    late = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert local_date(late, "Asia/Shanghai").isoformat() == "2026-11-22"
    assert local_date(late, "UTC").isoformat() == "2026-11-21"
    assert end_of_local_day(late, "Asia/Shanghai") == datetime(2026, 11, 22, 16, 0, 0, tzinfo=UTC)
