"""A site's business calendar: read by staff, a year loaded and the working hours set by managers,
and the domain's ``Calendar`` for the use cases that count business days (callbacks)."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.app.ports import CalendarRecords, SiteLookup, require_site
from frontdesk.app.site_access import staff_site
from frontdesk.domain.calendar import Calendar, shipped_years, site_calendar
from frontdesk.domain.permissions import may
from frontdesk.models.calendar import CalendarView, Hours, YearCalendar
from frontdesk.models.ticket import Actor


@dataclass(frozen=True)
class CalendarDesk:
    records: CalendarRecords
    sites: SiteLookup

    def view(self, site_id: str, actor: Actor) -> CalendarView:
        site = staff_site(self.sites, site_id, actor, "calendar")
        years = {year.year: year for year in (*shipped_years(), *self.records.years(site_id))}
        return CalendarView(
            site_id=site_id,
            timezone=site.timezone,
            hours=self.records.hours(site_id),
            years=tuple(years[y] for y in sorted(years)),
            may_edit=may(actor, "edit_calendar"),
        )

    def load(self, site_id: str, year: YearCalendar, actor: Actor) -> CalendarView:
        staff_site(self.sites, site_id, actor, "edit_calendar")
        self.records.put(site_id, year)
        return self.view(site_id, actor)

    def set_hours(self, site_id: str, hours: Hours, actor: Actor) -> CalendarView:
        """The site's day shift (its working hours); the night shift is the rest of the day."""
        staff_site(self.sites, site_id, actor, "edit_calendar")
        self.records.put_hours(site_id, Hours(day_start=hours.day_start, day_end=hours.day_end))
        return self.view(site_id, actor)

    def calendar(self, site_id: str) -> Calendar:
        """The site's calendar in its own time zone (the system's read: no caller to check)."""
        site = require_site(self.sites, site_id)
        return site_calendar(site.timezone, self.records.years(site_id), self.records.hours(site_id))
