"""The quarterly callback analysis (frontdesk.domain.quarterly): the quarter's days, the mail day in
the site's calendar, failed callbacks and the repeat thresholds (2 complaints, 3 repairs)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from frontdesk.domain import quarterly
from frontdesk.domain.calendar import site_calendar
from frontdesk.models.callback import CallbackState
from frontdesk.models.quarterly import QuarterlyAnalysis, RepeatedIssue
from frontdesk.models.ticket import Kind, Resolution
from frontdesk.notifications import quarterly as notices

from .records import closed_ticket, concluded_callback

SHANGHAI = site_calendar("Asia/Shanghai", ())


@pytest.mark.parametrize(
    ("quarter", "first", "last", "count", "before", "after"),
    [
        ("2026-Q1", "2026-01-01", "2026-03-31", 90, "2025-Q4", "2026-Q2"),
        ("2026-Q4", "2026-10-01", "2026-12-31", 92, "2026-Q3", "2027-Q1"),
        ("2028-Q1", "2028-01-01", "2028-03-31", 91, "2027-Q4", "2028-Q2"),
    ],
)
def test_a_quarter_is_three_calendar_months(
    quarter: str, first: str, last: str, count: int, before: str, after: str
) -> None:
    days = quarterly.days(quarter)
    assert (days[0].isoformat(), days[-1].isoformat(), len(days)) == (first, last, count)
    assert (quarterly.previous(quarter), quarterly.following(quarter)) == (before, after)
    assert quarterly.quarter_of(days[0]) == quarterly.quarter_of(days[-1]) == quarter


def test_the_quarter_in_stored_times_starts_at_the_sites_midnight() -> None:
    assert quarterly.instants("2026-Q4", "Asia/Shanghai") == ("2026-09-30T16:00:00.000Z", "2026-12-31T16:00:00.000Z")
    assert quarterly.instants("2026-Q4", "America/New_York") == ("2026-10-01T04:00:00.000Z", "2027-01-01T05:00:00.000Z")


@pytest.mark.parametrize(
    ("quarter", "mailed_on"),
    [
        ("2026-Q3", "2026-10-08"),  # National Day 1-7 October: Thursday the 8th
        ("2026-Q4", "2027-01-04"),  # 1 January 2027 is a Friday holiday: Monday 4th
        ("2026-Q1", "2026-04-01"),  # a Wednesday
        ("2026-Q2", "2026-07-01"),
    ],
)
def test_the_mail_goes_on_the_first_business_day_of_the_following_month(quarter: str, mailed_on: str) -> None:
    assert quarterly.mail_day(quarter, SHANGHAI).isoformat() == mailed_on


def test_the_analysis_is_owed_from_that_mornings_day_shift_to_the_end_of_its_month() -> None:
    def owed(year: int, month: int, day: int, hour: int, minute: int = 0) -> str | None:  # Shanghai wall clock
        at = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))
        return quarterly.due_for_mail(at, SHANGHAI)

    assert owed(2027, 1, 1, 10) is None  # New Year's Day
    assert owed(2027, 1, 4, 7, 59) is None  # the first business day, before the day shift
    assert owed(2027, 1, 4, 8) == "2026-Q4"
    assert owed(2027, 1, 31, 23) == "2026-Q4"  # a missed run catches up
    assert owed(2027, 2, 1, 9) is None
    assert owed(2026, 11, 4, 9) is None


def test_the_mail_day_is_the_sites_own() -> None:
    new_york = site_calendar("America/New_York", ())
    monday = datetime(2027, 1, 4, 13, 30, tzinfo=UTC)  # 21:30 in Shanghai, 08:30 in New York
    assert quarterly.due_for_mail(monday, new_york) == "2026-Q4"
    assert quarterly.due_for_mail(datetime(2027, 1, 4, 12, 30, tzinfo=UTC), new_york) is None


def test_failed_callbacks_are_the_unsatisfied_ones_oldest_first() -> None:
    found = quarterly.failed(
        [
            concluded_callback(3, CallbackState.UNSATISFIED, defect=True),
            concluded_callback(1, CallbackState.SATISFIED),
            concluded_callback(2, CallbackState.UNSATISFIED),
            concluded_callback(4, CallbackState.UNREACHABLE),
        ]
    )
    assert [(f.ticket_number, f.defect_remains) for f in found] == [
        ("QL-20261105-002", False),
        ("QL-20261105-003", True),
    ]


def test_two_complaints_or_three_repairs_of_one_category_in_one_unit() -> None:
    tickets = [
        closed_ticket(1, Kind.COMPLAINT, "cleaning"),
        closed_ticket(2, Kind.COMPLAINT, "cleaning"),
        closed_ticket(3, Kind.COMPLAINT, "security"),
        closed_ticket(4),
        closed_ticket(5),
        closed_ticket(6, unit="102"),  # another unit
        closed_ticket(7, category="electrical"),
        closed_ticket(8, Kind.COMPLAINT, "security", unit=""),  # a place without a unit
        closed_ticket(9, Kind.COMPLAINT, "security", unit=""),
    ]
    analysis = quarterly.analyse("ql", "2026-Q4", tickets, [])
    assert [(r.unit, r.category, r.count, r.threshold) for r in analysis.repeated_complaints] == [
        ("101", "cleaning", 2, 2)
    ]
    assert analysis.repeated_repairs == []
    third = quarterly.analyse("ql", "2026-Q4", [*tickets, closed_ticket(10)], [])
    (repeat,) = third.repeated_repairs
    assert (repeat.count, repeat.tickets) == (3, ["QL-20261105-004", "QL-20261105-005", "QL-20261105-010"])


def test_a_duplicate_is_the_same_request_not_a_repeat() -> None:
    tickets = [closed_ticket(1, Kind.COMPLAINT, "cleaning"), closed_ticket(2, Kind.COMPLAINT, "cleaning")]
    duplicate = closed_ticket(2, Kind.COMPLAINT, "cleaning", resolution=Resolution.DUPLICATE)
    assert quarterly.analyse("ql", "2026-Q4", tickets, []).repeated_complaints
    assert not quarterly.analyse("ql", "2026-Q4", [tickets[0], duplicate], []).repeated_complaints


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted() -> None:
    issue = RepeatedIssue(
        building_id="admin", unit="=HYPERLINK(1)", kind="repair", category="plumbing", count=3, threshold=3, tickets=[]
    )
    analysis = QuarterlyAnalysis(
        site_id="ql",
        quarter="2026-Q4",
        first_day="2026-10-01",
        last_day="2026-12-31",
        failed_callbacks=[],
        repeated_complaints=[],
        repeated_repairs=[issue, issue.model_copy(update={"unit": "-1", "building_id": "+b"})],
        tickets_read=6,
    )
    rows = list(csv.DictReader(io.StringIO(notices.csv_text(analysis))))
    assert [(r["building_id"], r["unit"]) for r in rows] == [("admin", "'=HYPERLINK(1)"), ("'+b", "'-1")]
    assert rows[0]["finding"] == "repeated_repair" and rows[0]["count"] == "3"
