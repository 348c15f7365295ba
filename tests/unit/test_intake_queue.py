"""Opening a ticket (checks, short number per site-local day) and the work-queue ordering key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.domain import intake, queue
from frontdesk.domain.errors import InvalidInput
from frontdesk.models.ticket import Channel, Kind, Severity, Status, Ticket

from .builders import (
    CLIENT_ACTOR,
    OPERATOR,
    SITE,
    T0,
    TICKET_ID,
    Walk,
    make_site,
    public_request,
    staff_request,
    walk_to,
)


@pytest.mark.parametrize(
    ("day", "seq", "number"),
    [("2026-11-22", 7, "QL-1122-007"), ("2026-01-05", 1, "QL-0105-001"), ("2026-12-31", 999, "QL-1231-999")],
)
def test_short_number_is_site_code_month_day_and_sequence(day: str, seq: int, number: str) -> None:
    assert intake.short_number(SITE, day, seq) == number


def test_short_number_uses_the_site_code() -> None:
    assert intake.short_number(make_site(site_id="jn", code="JN"), "2026-11-22", 12) == "JN-1122-012"


@pytest.mark.parametrize(
    ("now", "timezone", "day", "number"),
    [
        (datetime(2026, 11, 21, 23, 30, tzinfo=UTC), "Asia/Shanghai", "2026-11-22", "QL-1122-003"),
        (datetime(2026, 11, 21, 15, 59, 59, tzinfo=UTC), "Asia/Shanghai", "2026-11-21", "QL-1121-003"),
        (datetime(2026, 11, 21, 16, 0, tzinfo=UTC), "Asia/Shanghai", "2026-11-22", "QL-1122-003"),
        (datetime(2026, 11, 21, 23, 30, tzinfo=UTC), "UTC", "2026-11-21", "QL-1121-003"),
        (datetime(2026, 11, 22, 3, 0, tzinfo=UTC), "America/New_York", "2026-11-21", "QL-1121-003"),
    ],
)
def test_number_and_day_are_site_local(now: datetime, timezone: str, day: str, number: str) -> None:
    site = make_site(timezone=timezone)
    assert intake.site_day(site, now) == day
    ticket = intake.open_ticket(staff_request(), site, OPERATOR, now, TICKET_ID, 3).ticket
    assert ticket.local_day == day
    assert ticket.number == number
    assert ticket.created_at == ticket.updated_at


def test_public_intake_is_web_by_the_client_with_normal_severity() -> None:
    change = intake.open_ticket(public_request(), SITE, CLIENT_ACTOR, T0, TICKET_ID, 1)
    ticket = change.ticket
    assert ticket.channel is Channel.WEB
    assert ticket.severity is Severity.NORMAL
    assert ticket.received_by == "client"
    assert ticket.status is Status.RECEIVED and ticket.version == 1
    assert ticket.contact.phone == "13800138000"
    assert ticket.assignment is None and ticket.arrival_due is None
    assert change.event.actor == CLIENT_ACTOR
    assert change.event.detail["channel"] == "web"


def test_staff_intake_records_channel_severity_and_who_received_it() -> None:
    request = staff_request(Kind.COMPLAINT, channel=Channel.LETTER, severity=Severity.LEADERSHIP, contact_phone=None)
    ticket = intake.open_ticket(request, SITE, OPERATOR, T0, TICKET_ID, 1).ticket
    assert ticket.channel is Channel.LETTER
    assert ticket.severity is Severity.LEADERSHIP
    assert ticket.received_by == "op1"
    assert ticket.contact.phone == ""


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"building_id": "nope"}, "building_id", "unknown_building"),
        ({"unit": "999"}, "unit", "unknown_unit"),
        ({"unit": "", "location": ""}, "unit", "unit_or_location_required"),
        ({"category": "fees"}, "category", "unknown_category"),
        ({"kind": Kind.EMERGENCY, "category": "plumbing"}, "category", "unknown_category"),
    ],
)
def test_intake_checks(overrides: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        intake.open_ticket(staff_request(**overrides), SITE, OPERATOR, T0, TICKET_ID, 1)
    assert (refused.value.field, refused.value.code, refused.value.status) == (field, code, 400)


def test_public_area_needs_a_location_instead_of_a_unit() -> None:
    ticket = intake.open_ticket(
        public_request(unit="", location="一楼大厅"), SITE, CLIENT_ACTOR, T0, TICKET_ID, 1
    ).ticket
    assert (ticket.unit, ticket.location) == ("", "一楼大厅")


def test_building_without_a_unit_list_accepts_any_unit() -> None:
    ticket = intake.open_ticket(
        public_request(building_id="dorm", unit="5-302"), SITE, CLIENT_ACTOR, T0, TICKET_ID, 1
    ).ticket
    assert ticket.unit == "5-302"


# ------------------------------------------------------------------------------------------ queue


def test_queue_key_while_dispatched_is_the_arrival_deadline() -> None:
    ticket = walk_to(Kind.REPAIR, Status.DISPATCHED).ticket
    assert queue.next_deadline(ticket) == "2026-11-22T02:05:00.000Z"
    assert queue.queue_key(ticket) == f"2026-11-22T02:05:00.000Z#{TICKET_ID}"


def test_queue_key_while_working_is_the_completion_deadline() -> None:
    for status in (Status.ARRIVED, Status.IN_PROGRESS, Status.UNFINISHED):
        ticket = walk_to(Kind.PAID_SERVICE, status).ticket
        assert queue.next_deadline(ticket) == ticket.completion_due == "2026-11-23T02:00:00.000Z"


def test_queue_key_of_a_new_repair_is_the_moment_it_came_in() -> None:
    ticket = Walk(Kind.REPAIR).ticket
    assert queue.next_deadline(ticket) == "2026-11-22T02:00:00.000Z"


def test_queue_key_of_a_complaint_is_its_reply_deadline() -> None:
    ticket = Walk(Kind.COMPLAINT).ticket
    assert queue.next_deadline(ticket) == ticket.reply_due


def test_queue_key_waiting_on_the_client_sorts_after_every_deadline() -> None:
    completed = walk_to(Kind.REPAIR, Status.COMPLETED).ticket
    key = queue.queue_key(completed)
    assert queue.next_deadline(completed) is None
    assert key == f"~#{TICKET_ID}"
    assert key > "9999-12-31T23:59:59.999Z"


@pytest.mark.parametrize("status", [Status.CLOSED, Status.DECLINED])
def test_terminal_tickets_leave_the_queue(status: Status) -> None:
    assert queue.queue_key(walk_to(Kind.REPAIR, status).ticket) is None


def _dispatched(building_id: str, ticket_id: str, at: datetime = T0) -> Ticket:
    walk = Walk(Kind.REPAIR, building_id, start=at)
    walk.ticket = walk.ticket.model_copy(update={"ticket_id": ticket_id})
    return walk.do("dispatch").ticket


def test_queue_orders_by_next_deadline() -> None:
    class_c = _dispatched("expert", "c" * 32)
    class_a = _dispatched("admin", "f" * 32)  # larger id: the deadline, not the id, decides
    class_b = _dispatched("dorm", "0" * 32)
    new_repair = Walk(Kind.REPAIR, start=T0 + timedelta(minutes=1)).ticket
    waiting = walk_to(Kind.REPAIR, Status.COMPLETED).ticket
    keys = {
        "A": queue.queue_key(class_a),
        "B": queue.queue_key(class_b),
        "C": queue.queue_key(class_c),
        "new": queue.queue_key(new_repair),
        "waiting": queue.queue_key(waiting),
    }
    assert all(key is not None for key in keys.values())
    assert sorted(keys, key=lambda name: str(keys[name])) == ["new", "A", "B", "C", "waiting"]
