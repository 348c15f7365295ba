"""The duty roster's reminder against the stack (functions/roster_reminder, scheduled): from the
site-local 25th, the managers' list is told once if next month's roster is incomplete; a month a
manager completed through the API is not mentioned."""

from __future__ import annotations

from datetime import UTC, datetime

from mypy_boto3_dynamodb.service_resource import Table

from frontdesk.adapters.sla_store import SlaStore
from frontdesk.clock import FixedClock
from frontdesk.domain.months import month_days
from frontdesk.models.site import Site

from .conftest import MGR1, Api, import_function
from .lambda_support import LambdaContext, sent_mail
from .staff_routes import staff_route

CENTRE_MANAGER = "centre.manager@example.com"


def _remind() -> dict[str, list[str]]:
    result: dict[str, list[str]] = import_function("roster_reminder").lambda_handler({}, LambdaContext())
    return result


def _at(clock: FixedClock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def _reminders() -> list[tuple[list[str], str]]:
    return [(m.to, m.subject) for m in sent_mail() if "值班表未排完" in m.subject]


def test_the_managers_are_told_once_from_the_25th(clock: FixedClock, site: Site, table: Table) -> None:
    SlaStore(table).add_member(site.site_id, "centre_manager", CENTRE_MANAGER)
    _at(clock, datetime(2026, 11, 24, 15, 59, tzinfo=UTC))  # 23:59 on the 24th in Shanghai
    assert _remind()["told"] == []

    _at(clock, datetime(2026, 11, 24, 16, 0, tzinfo=UTC))  # the 25th
    assert _remind()["told"] == ["ql 2026-12"]
    assert _remind()["told"] == []  # run twice: told once

    ((to, subject),) = _reminders()
    assert to == [CENTRE_MANAGER] and "2026-12" in subject


def test_a_complete_month_is_not_mentioned(clock: FixedClock, site: Site, table: Table, staff: Api) -> None:
    SlaStore(table).add_member(site.site_id, "centre_manager", CENTRE_MANAGER)
    slots = [
        {"day": day.isoformat(), "shift": shift, "duty_manager": "dm1" if shift == "day" else "mgr1"}
        for day in month_days("2026-12")
        for shift in ("day", "night")
    ]
    event = staff_route(
        "PUT",
        "/staff/sites/{site_id}/duty-roster/{month}",
        MGR1,
        {"version": 0, "slots": slots},
        site_id="ql",
        month="2026-12",
    )
    saved = staff(event)
    assert (saved.status, saved.body["complete"]) == (200, True), saved.raw

    _at(clock, datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    assert _remind() == {"told": [], "complete": ["ql 2026-12"]}
    assert _reminders() == []
