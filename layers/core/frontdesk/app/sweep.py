"""The end-of-day sweep, per site, once the site's day has ended (frontdesk.domain.sweep).

Run on a schedule: for each site whose last ended day is not yet swept, each ticket owed is marked
未完成 with its event and clocks in one versioned write (a ticket someone moved meanwhile is left for
the next run), its client owed a mail (sent by the stream router, once); then the day is marked
swept, so later runs read nothing more. A day with no open work produces nothing but its mark; a
sweep run twice marks nothing twice (the ticket is unfinished by then, and the day is marked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Protocol

from frontdesk.app.clocks import ClockPlanner
from frontdesk.app.ports import AllSites
from frontdesk.clock import Clock, to_iso
from frontdesk.domain import sweep
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import VersionConflict
from frontdesk.domain.lifecycle import Change
from frontdesk.models.clock import SubjectType
from frontdesk.models.ticket import Ticket

OPEN_LIMIT: Final = 1000


class SweptTickets(Protocol):
    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]: ...
    def save(self, change: Change, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None: ...


class SweptDays(Protocol):
    def swept(self, site_id: str, day: str) -> bool: ...
    def mark(self, site_id: str, day: str, at: str, marked: int) -> None: ...


@dataclass
class SweepReport:
    marked: list[str] = field(default_factory=list)  # ticket ids
    days: list[str] = field(default_factory=list)  # "<site> <day>" swept by this run
    busy: list[str] = field(default_factory=list)  # tickets someone moved meanwhile: the next run


@dataclass(frozen=True)
class EndOfDaySweep:
    tickets: SweptTickets
    sites: AllSites
    days: SweptDays
    planner: ClockPlanner
    clock: Clock

    def run(self) -> SweepReport:
        report = SweepReport()
        now = self.clock.now()
        for site in self.sites.all():
            day, end = sweep.day_ended(site, now)
            if self.days.swept(site.site_id, day):
                continue
            marked, busy = 0, 0
            for ticket in self.tickets.open_by_deadline(site.site_id, OPEN_LIMIT):
                if not sweep.owed(ticket, end):
                    continue
                notice = sweep.UNFINISHED if sweep.notified(ticket) else ""
                change = replace(sweep.mark(ticket, day, now), notice=notice)
                writes = self.planner.writes(SubjectType.TICKET, ticket.ticket_id, site.site_id, change.ticket, now)
                try:
                    self.tickets.save(change, ticket.version, writes)
                except VersionConflict:
                    report.busy.append(ticket.ticket_id)
                    busy += 1
                    continue
                marked += 1
                report.marked.append(ticket.ticket_id)
            if not busy:
                self.days.mark(site.site_id, day, to_iso(now), marked)
                report.days.append(f"{site.site_id} {day}")
        return report
