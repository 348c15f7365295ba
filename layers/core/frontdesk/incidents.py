"""Incident reports: the staff API's service (IncidentDesk) and the scheduled sweep (IncidentSweep).

The sweep is how an overdue report escalates: every minute it reads the reports whose next action
is due (a sparse index, so an idle minute costs one empty query), records each rung reached on the
report (a timeline event, conditional on the version read, never before the rung's time) and then
sends what the report owes — overdue notices to the rung's mailing list and an alert on the
escalation topic, the submitted report to the managers and department heads — each exactly once
(a marker per notice, written after sending), recording on the report that it went out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from frontdesk.clock import Clock, parse_iso, to_iso
from frontdesk.domain import incidents
from frontdesk.domain.errors import NotFound, VersionConflict
from frontdesk.domain.incidents import ReportChange
from frontdesk.lookups import require_site, require_ticket
from frontdesk.models.incident import (
    IncidentReport,
    IncidentReportView,
    NewIncidentReport,
    Register,
    ReportEvent,
    SubmitIncidentReport,
    UpdateIncidentReport,
)
from frontdesk.models.mailing import MailingList
from frontdesk.models.photo import OwnerKind, StaffPhotoView
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Ticket
from frontdesk.notifications import incident_reports as messages


class ReportRecords(Protocol):
    def create(self, site_id: str, year: int, build: Callable[[int], ReportChange]) -> ReportChange: ...
    def save(self, change: ReportChange, expected_version: int) -> None: ...
    def get(self, report_id: str) -> IncidentReport | None: ...
    def timeline(self, report_id: str) -> list[ReportEvent]: ...
    def register(self, site_id: str, year: int) -> list[IncidentReport]: ...
    def due_work(self, now_iso: str) -> list[str]: ...
    def sent(self, report_id: str, notice: str) -> int | None: ...
    def mark_sent(self, report_id: str, notice: str, at: str, recipients: int) -> None: ...


class TicketLookup(Protocol):
    def get(self, ticket_id: str) -> Ticket | None: ...


class SiteLookup(Protocol):
    def get(self, site_id: str) -> Site | None: ...


class PhotoViews(Protocol):
    def staff_views(self, owner_kind: OwnerKind, owner_id: str) -> list[StaffPhotoView]: ...


class MailingLists(Protocol):
    def mailing_list(self, site_id: str, name: str) -> MailingList: ...


class Mailer(Protocol):
    def send(self, to: Sequence[str], subject: str, body: str) -> None: ...


class Alerts(Protocol):
    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None: ...


class StoredPhotoCount(Protocol):
    def __call__(self, owner_kind: OwnerKind, owner_id: str) -> int: ...


class IncidentDesk:
    def __init__(
        self, reports: ReportRecords, tickets: TicketLookup, sites: SiteLookup, photos: PhotoViews, clock: Clock
    ) -> None:
        self._reports = reports
        self._tickets = tickets
        self._sites = sites
        self._photos = photos
        self._clock = clock

    def create(self, request: NewIncidentReport, actor: Actor) -> IncidentReport:
        site = self._site(request.site_id)
        ticket = self._ticket(request.ticket_id) if request.ticket_id else None
        now = self._clock.now()
        # Everything is checked before a number is asked for; the number and the report are then
        # written together, so a refused request never leaves a gap in the series.
        incidents.open_report(request, site, ticket, actor, now, seq=1)
        year = incidents.report_year(site, now)
        change = self._reports.create(
            site.site_id, year, lambda seq: incidents.open_report(request, site, ticket, actor, now, seq)
        )
        return change.report

    def update(self, report_id: str, command: UpdateIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        change = incidents.update(report, command, self._site(report.site_id), actor, self._clock.now())
        self._reports.save(change, expected_version=report.version)
        return change.report

    def submit(self, report_id: str, command: SubmitIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        change = incidents.submit(report, command.version, actor, self._clock.now())
        self._reports.save(change, expected_version=report.version)
        return change.report

    def read(self, report_id: str, actor: Actor) -> IncidentReportView:
        incidents.check_may_read(actor)
        report = self._report(report_id)
        return IncidentReportView(
            report=report,
            overdue=incidents.is_overdue(report, self._clock.now()),
            actions=incidents.allowed_actions(report, actor),
            timeline=self._reports.timeline(report_id),
            photos=self._photos.staff_views(OwnerKind.REPORT, report_id),
        )

    def register(self, site_id: str, year: int | None, actor: Actor) -> Register:
        """Every report of the site's year in number order, with its state (the 登记表)."""
        incidents.check_may_read(actor)
        site = self._site(site_id)
        now = self._clock.now()
        chosen = year or incidents.report_year(site, now)
        entries = [incidents.register_entry(r, now) for r in self._reports.register(site_id, chosen)]
        return Register(site_id=site_id, year=chosen, reports=sorted(entries, key=lambda e: e.number))

    def _site(self, site_id: str) -> Site:
        return require_site(self._sites, site_id)

    def _ticket(self, ticket_id: str) -> Ticket:
        return require_ticket(self._tickets, ticket_id)

    def _report(self, report_id: str) -> IncidentReport:
        report = self._reports.get(report_id)
        if report is None:
            raise NotFound(field="report_id", code="incident_report_not_found")
        return report


# ------------------------------------------------------------------------------------------- the sweep


@dataclass
class Swept:
    """One sweep, for logs and metrics (ids and counts only)."""

    looked_at: int = 0
    escalated: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


class IncidentSweep:
    def __init__(
        self,
        reports: ReportRecords,
        sites: SiteLookup,
        lists: MailingLists,
        mailer: Mailer,
        alerts: Alerts,
        photo_count: StoredPhotoCount,
        clock: Clock,
        base_url: str,
    ) -> None:
        self._reports = reports
        self._sites = sites
        self._lists = lists
        self._mailer = mailer
        self._alerts = alerts
        self._photo_count = photo_count
        self._clock = clock
        self._base_url = base_url

    def run(self) -> Swept:
        swept = Swept()
        now = self._clock.now()
        for report_id in self._reports.due_work(to_iso(now)):
            swept.looked_at += 1
            try:
                self._one(report_id, swept)
            except VersionConflict:
                swept.conflicts.append(report_id)  # someone wrote it just now: the next sweep goes on
        return swept

    def _one(self, report_id: str, swept: Swept) -> None:
        report = self._reports.get(report_id)
        if report is None:
            return
        now = self._clock.now()
        while incidents.reached_level(report, now) > report.escalation.level:
            report = self._save(report, incidents.escalate(report, now))
            swept.escalated.append(f"{report.report_id}#{report.escalation.level}")
        for notice in report.owed:
            recipients = self._send(report, notice)
            report = self._save(report, incidents.notified(report, notice, recipients, self._clock.now()))
            swept.notified.append(f"{report.report_id}#{notice}")

    def _save(self, report: IncidentReport, change: ReportChange) -> IncidentReport:
        self._reports.save(change, expected_version=report.version)
        return change.report

    def _send(self, report: IncidentReport, notice: str) -> int:
        """Send one notice (once); how many addresses it went to."""
        site = self._sites.get(report.site_id)
        if site is None:
            raise LookupError(f"site {report.site_id} of report {report.report_id} does not exist")
        now = self._clock.now()
        if notice == incidents.SUBMITTED_NOTICE:
            photos = self._photo_count(OwnerKind.REPORT, report.report_id)
            mail = messages.submitted_mail(report, site, photos, self._base_url)
        else:
            level = int(notice.removeprefix("escalation-"))
            late = max(int((now - parse_iso(report.due_at)).total_seconds()), 0)
            mail = messages.overdue_mail(report, site, level, late, self._base_url)
            body, attributes = messages.alert(report, level, to_iso(now))
            self._once(report, f"{notice}#alert", lambda: self._publish(body, attributes))
        lists = incidents.notice_lists(notice)
        members = sorted({m for name in lists for m in self._lists.mailing_list(report.site_id, name).members})
        return self._once(report, f"{notice}#mail", lambda: self._mail(members, mail))

    def _publish(self, body: dict[str, Any], attributes: dict[str, str]) -> int:
        self._alerts.publish(body, attributes)
        return 1

    def _mail(self, members: list[str], mail: messages.Mail) -> int:
        if members:
            self._mailer.send(members, mail.subject, mail.body)
        return len(members)

    def _once(self, report: IncidentReport, key: str, send: Callable[[], int]) -> int:
        """At most once per key, unless the function dies between sending and marking (then once more)."""
        sent = self._reports.sent(report.report_id, key)
        if sent is not None:
            return sent
        count = send()
        self._reports.mark_sent(report.report_id, key, to_iso(self._clock.now()), count)
        return count
