"""Time as a port: the domain never reads the system clock itself.

Stored times are UTC ISO-8601 with a ``Z`` suffix and whole milliseconds. Deadlines are rounded
*up* to the whole second (``…:SS.000Z``) because Step Functions Wait states honour whole seconds
only; rounding down would let an escalation fire early.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for tests and replay."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and ``Z``: sorts as a string in time order."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("timestamp without a time zone")
    return moment.astimezone(UTC)


def ceil_to_second(moment: datetime) -> datetime:
    if moment.microsecond == 0:
        return moment
    return moment.replace(microsecond=0) + timedelta(seconds=1)


def deadline_iso(moment: datetime) -> str:
    """A deadline as stored on a ticket: rounded up to the second, ``…:SS.000Z``."""
    return to_iso(ceil_to_second(moment))


def local_date(moment: datetime, timezone: str) -> date:
    """The site-local calendar day of an instant: what a person calls "today"."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def end_of_local_day(moment: datetime, timezone: str) -> datetime:
    """The next site-local midnight: the exclusive end of the day, so a deadline is never before ``moment``."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone) + timedelta(days=1)
    return midnight.astimezone(UTC)
