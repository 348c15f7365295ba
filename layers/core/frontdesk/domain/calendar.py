"""Business days in a site's own calendar: pure rules, no I/O, times passed in.

"Within 3 days" and "1 business day" in the manuals mean the site's working days: Monday to Friday,
less the public holidays, plus the adjusted working days (调休) that the State Council moves onto a
weekend. A year the calendar does not know counts Monday to Friday (managers load it through
``PUT /staff/sites/{site_id}/calendar/{year}``).

- ``is_working_day(day)``;
- ``next_business_morning(moment)``: the start of the next day shift on a working day, strictly
  after ``moment`` unless ``moment`` is before that morning's start;
- ``business_days_after(moment, n)``: the end of the day shift (17:30) of the n-th working day after
  the day the moment counts for. A moment outside business hours (the night shift, a weekend, a
  holiday) counts as the next business morning: a complaint handled at 20:00 on a Friday is handled,
  for its callback, on Monday morning;
- ``shift(moment)``: the day or the night shift (the desk is staffed every day; the shifts are by
  the hour, whatever the day).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.models.calendar import Hours, YearCalendar
from frontdesk.models.on_duty import Shift

SHIPPED: Final = Path(__file__).resolve().parents[1] / "calendars" / "cn-mainland.json"
# A bound on the search for a working day: no calendar has a month without one.
MAX_DAYS_OFF_IN_A_ROW: Final = 31


@dataclass(frozen=True)
class Calendar:
    timezone: str
    hours: Hours
    holidays: frozenset[date]
    workdays: frozenset[date]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def at(self, day: date, clock: time) -> datetime:
        """The instant of a site-local day and time of day."""
        return datetime.combine(day, clock, tzinfo=self.zone)

    def shift(self, moment: datetime) -> Shift:
        clock = self.local(moment).time()
        return Shift.DAY if self.hours.day_start <= clock < self.hours.day_end else Shift.NIGHT

    def in_business_hours(self, moment: datetime) -> bool:
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.shift(moment) is Shift.DAY

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        for offset in range(1, MAX_DAYS_OFF_IN_A_ROW + 2):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_DAYS_OFF_IN_A_ROW} days after {day}")

    def next_business_morning(self, moment: datetime) -> datetime:
        local = self.local(moment)
        if self.is_working_day(local.date()) and local.time() < self.hours.day_start:
            return self.at(local.date(), self.hours.day_start)
        return self.at(self.next_working_day(local.date()), self.hours.day_start)

    def counts_from(self, moment: datetime) -> date:
        """The working day a moment counts for: its own day in business hours, else the next business morning's."""
        if self.in_business_hours(moment):
            return self.local(moment).date()
        return self.local(self.next_business_morning(moment)).date()

    def business_days_after(self, moment: datetime, days: int) -> datetime:
        """The end of the day shift of the ``days``-th working day after the day ``moment`` counts for."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = self.counts_from(moment)
        for _ in range(days):
            day = self.next_working_day(day)
        return self.at(day, self.hours.day_end)


def calendar(timezone: str, years: Iterable[YearCalendar], hours: Hours | None = None) -> Calendar:
    """A site's calendar from the years it knows (a later year of the same number replaces an earlier)."""
    by_year = {year.year: year for year in years}
    return Calendar(
        timezone=timezone,
        hours=hours or Hours(),
        holidays=frozenset(day for year in by_year.values() for day in year.holidays),
        workdays=frozenset(day for year in by_year.values() for day in year.workdays),
    )


@cache
def shipped_years() -> tuple[YearCalendar, ...]:
    """The mainland China calendar shipped with the layer (frontdesk/calendars/cn-mainland.json)."""
    data = json.loads(SHIPPED.read_text("utf-8"))
    return tuple(YearCalendar.model_validate(year) for year in data["years"])


def site_calendar(timezone: str, loaded: Iterable[YearCalendar], hours: Hours | None = None) -> Calendar:
    """The shipped years, each replaced by the year a manager loaded for the site, if any."""
    return calendar(timezone, [*shipped_years(), *loaded], hours)
