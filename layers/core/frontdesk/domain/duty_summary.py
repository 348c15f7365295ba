"""The weekly duty summary's arithmetic (000 §3.9g-h). Pure: which week ended last at a site, and
what its records add up to.

The week is the site's ISO week, Monday 00:00 to the next Monday 00:00 site-local. A handover is
late when its incoming signature came after its due time, or has not come and the due time is past;
an emergency key is late likewise against its return time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain.clocks import CLOCKS
from frontdesk.models.clock import Clock, ClockKind
from frontdesk.models.duty import DutyCategory, DutyEntry, Handover
from frontdesk.models.duty_summary import DutySummary
from frontdesk.models.keys import KeyUse
from frontdesk.models.parcels import Parcel
from frontdesk.models.site import Site
from frontdesk.models.ticket import TERMINAL, Status, Ticket


@dataclass(frozen=True)
class Week:
    week: str  # 2026-W48
    starts_at: str  # UTC ISO instants: the site-local Monday 00:00 ...
    ends_at: str  # ... and the next one


def week_ended(site: Site, now: datetime) -> Week:
    """The last site-local week that has ended by ``now``."""
    local = now.astimezone(ZoneInfo(site.timezone))
    this_monday = datetime(local.year, local.month, local.day, tzinfo=local.tzinfo) - timedelta(days=local.weekday())
    start = this_monday - timedelta(days=7)
    year, number, _ = start.isocalendar()
    return Week(f"{year}-W{number:02d}", to_iso(start.astimezone(UTC)), to_iso(this_monday.astimezone(UTC)))


def is_late(kind: ClockKind, subject: Handover | KeyUse, now: str) -> bool:
    """Late as its clock judges it (frontdesk.domain.clocks): done after the due time, or not done
    and the due time past."""
    timing = CLOCKS[kind].timing(subject)
    if timing is None:
        return False
    return timing.done_at > timing.due if timing.done_at else timing.due < now


@dataclass(frozen=True)
class WeekRecords:
    """What the summary reads, each bounded by the site and the week (or, for what is open, the site)."""

    entries: Sequence[DutyEntry]
    handovers: Sequence[Handover]
    key_uses: Sequence[KeyUse]
    parcels_received: Sequence[Parcel]
    parcels_waiting: Sequence[Parcel]
    open_tickets: Sequence[Ticket]
    clocks: Sequence[Clock]


# A night page begins the evening before: the week's first hours are on a page begun the week before.
PAGES_BEFORE: Final = timedelta(days=1)


def pages_from(week: Week) -> str:
    """Where the week's pages begin: a day before the week, so its first night is read too."""
    return to_iso(parse_iso(week.starts_at) - PAGES_BEFORE)


def summarise(site: Site, week: Week, records: WeekRecords, now: datetime) -> DutySummary:
    """The week's entries (by when they were written) and handovers (by their shift change)."""
    at = to_iso(now)

    def inside(moment: str) -> bool:
        return week.starts_at <= moment < week.ends_at

    entries = [e for e in records.entries if inside(e.written_at)]
    handovers = [h for h in records.handovers if inside(h.shift_change_at)]
    counted = Counter(e.category for e in entries)
    late = sorted(h.page_id for h in handovers if is_late(ClockKind.HANDOVER, h, at))
    open_tickets = [t for t in records.open_tickets if t.status not in TERMINAL]
    return DutySummary(
        site_id=site.site_id,
        week=week.week,
        starts_at=week.starts_at,
        ends_at=week.ends_at,
        entries=len(entries),
        by_category={c: counted[c] for c in DutyCategory if counted[c]},
        open_tickets=len(open_tickets),
        unfinished=sum(1 for t in open_tickets if t.status is Status.UNFINISHED),
        running_clocks=sum(1 for c in records.clocks if c.is_open),
        keys_used=len(records.key_uses),
        overrides=sum(1 for u in records.key_uses if u.override is not None),
        keys_late=sum(1 for u in records.key_uses if is_late(ClockKind.KEY_RETURN, u, at)),
        handovers=len(handovers),
        handovers_late=len(late),
        late_pages=tuple(late),
        parcels_received=len(records.parcels_received),
        parcels_waiting=len(records.parcels_waiting),
    )
