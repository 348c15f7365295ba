"""The end-of-day sweep's rules (frontdesk.domain.sweep; 000 §3.1d)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.domain import sweep
from frontdesk.models.ticket import Kind, Status

from .builders import SITE, walk_to


@pytest.mark.parametrize(
    ("now", "day", "end"),
    [
        (datetime(2026, 11, 23, 16, 3, tzinfo=UTC), "2026-11-23", "2026-11-23T16:00:00.000Z"),  # 00:03 Shanghai
        (datetime(2026, 11, 23, 15, 59, tzinfo=UTC), "2026-11-22", "2026-11-22T16:00:00.000Z"),  # 23:59 Shanghai
    ],
)
def test_the_day_swept_is_the_site_local_day_that_ended_last(now: datetime, day: str, end: str) -> None:
    assert sweep.day_ended(SITE, now) == (day, end)


@pytest.mark.parametrize(
    ("kind", "status", "owed"),
    [
        (Kind.REPAIR, Status.ARRIVED, True),
        (Kind.EMERGENCY, Status.IN_PROGRESS, True),
        (Kind.REPAIR, Status.DISPATCHED, False),  # not begun: its arrival clock speaks for it
        (Kind.REPAIR, Status.UNFINISHED, False),  # marked already
        (Kind.REPAIR, Status.COMPLETED, False),
        (Kind.COMPLAINT, Status.HANDLED, False),
    ],
)
def test_only_work_begun_and_still_open_is_owed(kind: Kind, status: Status, owed: bool) -> None:
    ticket = walk_to(kind, status).ticket
    assert sweep.owed(ticket, "2999-01-01T00:00:00.000Z") is owed
    assert not sweep.owed(ticket, "2000-01-01T00:00:00.000Z")  # begun after the day ended


def test_the_mark_is_unfinished_followed_up_the_next_day_by_the_system() -> None:
    ticket = walk_to(Kind.REPAIR, Status.ARRIVED).ticket
    change = sweep.mark(ticket, "2026-11-23", datetime(2026, 11, 23, 16, 3, tzinfo=UTC))
    assert (change.ticket.status, change.ticket.follow_up_day) == (Status.UNFINISHED, "2026-11-24")
    assert change.event.actor == sweep.SWEEP_ACTOR and change.event.action == "unfinished"
    assert "reason" not in change.event.detail  # none recorded
