"""The two shifts of a site's day (day 08:00–17:30, night 17:30–08:00, site-local): which one runs now.

The duty log's pages (frontdesk.domain.duty) and the duty roster's "on shift" (frontdesk.domain.duty_roster)
both follow them; a module of its own so that finding who is on shift imports none of the duty log's models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.models.calendar import DAY_END, DAY_START
from frontdesk.models.on_duty import Shift

if TYPE_CHECKING:
    from frontdesk.models.site import Site


@dataclass(frozen=True)
class ShiftSpan:
    day: str
    shift: Shift
    starts: datetime
    ends: datetime


def shift_at(site: Site, moment: datetime) -> ShiftSpan:
    """The shift running at ``moment`` at the site."""
    zone = ZoneInfo(site.timezone)
    local = moment.astimezone(zone)
    today = local.date()
    day_start = datetime.combine(today, DAY_START, zone)
    night_start = datetime.combine(today, DAY_END, zone)
    if day_start <= local < night_start:
        return ShiftSpan(today.isoformat(), Shift.DAY, day_start, night_start)
    began = today if local >= night_start else today - timedelta(days=1)
    return ShiftSpan(
        began.isoformat(),
        Shift.NIGHT,
        datetime.combine(began, DAY_END, zone),
        datetime.combine(began + timedelta(days=1), DAY_START, zone),
    )
