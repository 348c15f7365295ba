"""The quarterly callback analysis through the staff API (page and CSV) and the scheduled mail: its
reads stay within the quarter's keys however many records other quarters hold, and the managers'
lists are mailed once, on the first business day of the following month."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk import wiring
from frontdesk.adapters.callbacks import callback_item
from frontdesk.adapters.dynamodb import _ticket_item
from frontdesk.adapters.quarterly import QuarterRecords
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.clock import FixedClock
from frontdesk.models.callback import Callback, CallbackState
from frontdesk.models.site import Site
from frontdesk.models.ticket import Kind, Ticket

from .conftest import DM1, MGR1, OP1, Api, import_function
from .lambda_support import LambdaContext, load_test_module, sent_mail
from .staff_routes import staff_route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

PAGE = "/staff/sites/{site_id}/quarterly/{quarter}"
CSV = "/staff/sites/{site_id}/quarterly/{quarter}/csv"


# The same records as the unit tests of the analysis (tests/unit/records.py).
records = load_test_module("tests/unit/records.py")
closed_ticket: Callable[..., Ticket] = records.closed_ticket
concluded_callback: Callable[..., Callback] = records.concluded_callback
ticket_number: Callable[[int], str] = records.ticket_number


def _put(table: Table, items: list[dict[str, Any]]) -> None:
    with table.batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)


def _quarter_records(table: Table) -> None:
    """2026-Q4 (Shanghai): two complaints of one kind in 101 (a repeat), three repairs of one kind in
    101 (a repeat), one failed and one met callback; and the quarter's edges just outside it."""
    inside = [
        closed_ticket(1, Kind.COMPLAINT, "cleaning", day="2026-10-01"),
        closed_ticket(2, Kind.COMPLAINT, "cleaning", day="2026-12-31"),
        closed_ticket(3, day="2026-11-02"),
        closed_ticket(4, day="2026-11-03"),
        closed_ticket(5, day="2026-11-04"),
        closed_ticket(6, unit="102", day="2026-11-04"),
    ]
    edges = [closed_ticket(7, Kind.COMPLAINT, "cleaning", day="2026-09-30"), closed_ticket(8, day="2027-01-01")]
    _put(table, [_ticket_item(t, t.created_at) for t in (*inside, *edges)])
    _put(
        table,
        [
            callback_item(concluded_callback(20, done_at="2026-11-20T02:00:00.000Z")),
            callback_item(concluded_callback(21, CallbackState.SATISFIED, done_at="2026-11-21T02:00:00.000Z")),
            callback_item(
                concluded_callback(22, done_at="2026-09-30T15:59:59.000Z")
            ),  # 23:59:59 on 30 September in Shanghai
            callback_item(
                concluded_callback(23, done_at="2026-12-31T16:00:00.000Z")
            ),  # midnight, 1 January in Shanghai
        ],
    )


def _other_quarters(table: Table, count: int) -> None:
    """Many records of other quarters (and another site): the analysis must not read one of them."""
    days = [(datetime(2026, 7, 1) + timedelta(days=n % 92)).date().isoformat() for n in range(count)]
    tickets = [closed_ticket(100 + n, day=day) for n, day in enumerate(days)]
    _put(table, [_ticket_item(t, t.created_at) for t in tickets])
    _put(
        table,
        [callback_item(concluded_callback(100 + n, done_at=f"{day}T02:00:00.000Z")) for n, day in enumerate(days)],
    )


def test_reads_grow_with_the_quarter_not_with_the_table(staff: Api, table: Table, site: Site) -> None:
    _quarter_records(table)
    desk = wiring.quarterly()

    def read() -> tuple[int, int]:
        records = QuarterRecords(table)
        counted = replace(desk, records=records)
        analysis = counted.analysis("ql", "2026-Q4", staff_actor())
        return records.items_read, analysis.tickets_read

    before = read()
    _other_quarters(table, 300)
    assert read() == before == (6 + 2, 6)  # the quarter's 6 tickets and 2 concluded callbacks, nothing else


def staff_actor() -> Any:
    from frontdesk.models.ticket import Actor, ActorKind, Role

    return Actor(kind=ActorKind.STAFF, id="mgr1", roles=frozenset({Role.MANAGER}))


def test_the_page_and_the_csv(staff: Api, table: Table) -> None:
    _quarter_records(table)
    refused = staff(staff_route("GET", PAGE, OP1, site_id="ql", quarter="2026-Q4"))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    for quarter in ("2026-Q5", "0000-Q1", "9999-Q4"):
        bad = staff(staff_route("GET", PAGE, DM1, site_id="ql", quarter=quarter))
        assert (bad.status, bad.body["field"]) == (400, "quarter")

    page = staff(staff_route("GET", PAGE, DM1, site_id="ql", quarter="2026-Q4"))
    assert page.status == 200, page.raw
    body = page.body
    assert (body["first_day"], body["last_day"], body["tickets_read"]) == ("2026-10-01", "2026-12-31", 6)
    assert [f["callback_id"] for f in body["failed_callbacks"]] == [f"{20:032x}-3"]
    assert [(r["unit"], r["category"], r["count"]) for r in body["repeated_complaints"]] == [("101", "cleaning", 2)]
    assert [(r["unit"], r["category"], r["count"]) for r in body["repeated_repairs"]] == [("101", "plumbing", 3)]

    got = staff.module.lambda_handler(staff_route("GET", CSV, MGR1, site_id="ql", quarter="2026-Q4"), LambdaContext())
    headers = {k: v[-1] for k, v in (got.get("multiValueHeaders") or {}).items()} | (got.get("headers") or {})
    assert got["statusCode"] == 200
    assert headers["Content-Type"].startswith("text/csv")
    assert 'filename="callbacks-ql-2026-Q4.csv"' in headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(got["body"])))
    assert [(r["finding"], r["unit"], r["count"]) for r in rows] == [
        ("failed_callback", "101", "1"),
        ("repeated_complaint", "101", "2"),
        ("repeated_repair", "101", "3"),
    ]


def test_the_managers_are_mailed_once_on_the_first_business_day_after_the_quarter(
    table: Table, site: Site, clock: FixedClock
) -> None:
    _quarter_records(table)
    lists = SlaStore(table)
    lists.add_member("ql", "centre_manager", "centre@example.com")
    lists.add_member("ql", "department_and_engineering_managers", "eng.head@example.com")
    handler = import_function("quarterly_mail").lambda_handler
    before = len(sent_mail())

    clock.advance(days=40)  # 2027-01-01 10:00 in Shanghai, New Year's Day: a holiday
    assert clock.now() == datetime(2027, 1, 1, 2, tzinfo=UTC)
    assert handler({}, LambdaContext())["sent"] == []
    clock.advance(days=2, hours=23)  # Monday 4 January, 09:00 in Shanghai
    assert handler({}, LambdaContext())["sent"] == ["ql 2026-Q4"]
    assert handler({}, LambdaContext())["sent"] == []  # the second run sends nothing
    clock.advance(days=1)
    assert handler({}, LambdaContext())["sent"] == []

    (mail,) = sent_mail()[before:]
    assert sorted(mail.to) == ["centre@example.com", "eng.head@example.com"]
    assert "2026-Q4" in mail.subject and "回访分析" in mail.subject
    assert ticket_number(20) in mail.body and "staff#quarterly=ql/2026-Q4" in mail.body
