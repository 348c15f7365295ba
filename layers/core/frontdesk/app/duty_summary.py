"""The weekly duty summary (000 §3.9g-h), on a schedule: for each site whose last local week ended and
has not been summarised, its records are read — each query bounded by the site and the week (its
duty pages and their entries and handovers, its key uses, the parcels it received), and by the site
for what is open now (tickets, clocks, parcels waiting) — and the summary is mailed to the site's
``deputy_manager`` and ``centre_manager`` lists. The week is claimed before the mail goes out and
released if it could not: a second run, even at the same moment, mails nothing (docs/decisions/0024)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Protocol

from frontdesk.app.ports import (
    AllSites,
    ListLookup,
    Mailer,
    MailRefused,
    OpenByDeadline,
    OpenClockLookup,
    ParcelsReceived,
    members_of,
)
from frontdesk.clock import Clock, to_iso
from frontdesk.domain import duty_summary
from frontdesk.domain.duty_summary import Week, WeekRecords
from frontdesk.models.duty import DutyEntry, DutyPage, Handover
from frontdesk.models.duty_summary import SUMMARY_LISTS, DutySummary
from frontdesk.models.keys import KeyUse
from frontdesk.models.site import Site
from frontdesk.notifications.duty_summary import summary_mail

OPEN_LIMIT: Final = 1000


class WeekLog(Protocol):
    def pages_between(self, site_id: str, start: str, end: str) -> list[DutyPage]: ...
    def entries(self, pid: str) -> list[DutyEntry]: ...
    def handover(self, pid: str) -> Handover | None: ...


class KeyUses(Protocol):
    def used(self, site_id: str, start: str, end: str) -> list[KeyUse]: ...


class Marks(Protocol):
    def claim(self, site_id: str, week: str, at: str) -> bool: ...
    def release(self, site_id: str, week: str) -> None: ...


@dataclass
class SummaryReport:
    mailed: list[str] = field(default_factory=list)  # "<site> <week>"
    recipients: int = 0


@dataclass(frozen=True)
class WeeklyDutySummary:
    sites: AllSites
    log: WeekLog
    keys: KeyUses
    # what it reads, and only that: a summary writes no record of the week
    parcels: ParcelsReceived
    tickets: OpenByDeadline
    clocks: OpenClockLookup
    lists: ListLookup
    marks: Marks
    mailer: Mailer
    clock: Clock
    base_url: str

    def run(self) -> SummaryReport:
        report = SummaryReport()
        now = self.clock.now()
        for site in self.sites.all():
            week = duty_summary.week_ended(site, now)
            if not self.marks.claim(site.site_id, week.week, to_iso(now)):
                continue  # mailed already (or being mailed by another run)
            try:
                report.recipients += self._mail(site, self.summary(site, week))
            except MailRefused:
                pass  # an address refused for good: the others had it, and a retry would not help
            except Exception:
                self.marks.release(site.site_id, week.week)  # the next run tries again
                raise
            report.mailed.append(f"{site.site_id} {week.week}")
        return report

    def summary(self, site: Site, week: Week) -> DutySummary:
        sid, start, end = site.site_id, week.starts_at, week.ends_at
        pages = self.log.pages_between(sid, duty_summary.pages_from(week), end)
        records = WeekRecords(
            entries=[e for p in pages if p.count for e in self.log.entries(p.page_id)],
            handovers=[h for h in (self.log.handover(p.page_id) for p in pages) if h],
            key_uses=self.keys.used(sid, start, end),
            parcels_received=self.parcels.received(sid, start, end),
            parcels_waiting=self.parcels.waiting(sid),
            open_tickets=self.tickets.open_by_deadline(sid, OPEN_LIMIT),
            clocks=self.clocks.open_clocks(sid),
        )
        return duty_summary.summarise(site, week, records, self.clock.now())

    def _mail(self, site: Site, summary: DutySummary) -> int:
        members = members_of(self.lists, site.site_id, SUMMARY_LISTS)
        if members:
            mail = summary_mail(summary, site, self.base_url)
            self.mailer.send(members, mail.subject, mail.body)
        return len(members)
