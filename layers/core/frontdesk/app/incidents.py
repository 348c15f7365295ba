"""Incident reports: the staff API's service (IncidentDesk) and what the stream router does for them
(IncidentNotices).

A report's deadline is an ordinary clock (docs/decisions/0009-one-clock-engine.md): the desk writes
it in the same transaction as the report (created, re-planned when the severity moves the deadline,
met or breached when the report is submitted), and the clock engine's state machine climbs the
site's ladder. For each rung it reaches, the stream router calls ``IncidentNotices.on_rung``: the
rung is recorded on the report (a timeline event and a notice *owed*), once. For each report written
that owes notices, it calls ``IncidentNotices.on_change``: the overdue notice to the rung's mailing
list and an alert on the escalation topic, the submitted report to the managers and department
heads — each sent once (a marker per notice, written after sending: a crash in between sends it
again, never loses it), then recorded on the report. Each report is its own stream record: one that
fails is retried on its own and holds back no other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from aws_lambda_powertools import Logger

from frontdesk.app.ports import (
    Alerts,
    ClockPlanning,
    Mailer,
    MailingLists,
    MailRefused,
    PhotoViews,
    ReportRecords,
    SiteLookup,
    StoredPhotoCount,
    TicketLookup,
    existing,
    members_of,
    require_report,
    require_site,
    require_ticket,
)
from frontdesk.clock import Clock, parse_iso, to_iso
from frontdesk.domain import incidents
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, VersionConflict
from frontdesk.domain.incidents import ReportChange
from frontdesk.models.clock import Clock as ReportClock
from frontdesk.models.clock import ClockKind, SubjectType
from frontdesk.models.escalation import Ladder
from frontdesk.models.incident import (
    ApproveIncidentReport,
    IncidentReport,
    IncidentReportView,
    NewIncidentReport,
    Register,
    SendBackIncidentReport,
    SubmitIncidentReport,
    UpdateIncidentReport,
)
from frontdesk.models.photo import OwnerKind
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Ticket
from frontdesk.notifications import incident_reports as messages

# Versions a busy report may move under the recorder before it gives up (the record is retried).
logger = Logger(child=True)
MAX_RECORD_ATTEMPTS: Final = 5


@dataclass(frozen=True)
class IncidentDesk:
    reports: ReportRecords
    tickets: TicketLookup
    sites: SiteLookup
    photos: PhotoViews
    clocks: ClockPlanning
    clock: Clock

    def create(self, request: NewIncidentReport, actor: Actor) -> IncidentReport:
        site = self._site(request.site_id)
        ticket = self._ticket(request.ticket_id) if request.ticket_id else None
        now = self.clock.now()
        # Everything is checked before a number is asked for; the number and the report are then
        # written together, so a refused request never leaves a gap in the series.
        incidents.open_report(request, site, ticket, actor, now, seq=1)
        year = incidents.report_year(site, now)
        change = self.reports.create(
            site.site_id,
            year,
            lambda seq: incidents.open_report(request, site, ticket, actor, now, seq),
            lambda report: self._clock_writes(report, now),
        )
        return change.report

    def update(self, report_id: str, command: UpdateIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        now = self.clock.now()
        change = incidents.update(report, command, self._site(report.site_id), actor, now)
        # a severity that moves the deadline re-plans the clock, in the same transaction
        self.reports.save(change, expected_version=report.version, clocks=self._clock_writes(change.report, now))
        return change.report

    def submit(self, report_id: str, command: SubmitIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        now = self.clock.now()
        change = incidents.submit(report, command.version, actor, now)
        # the clock met (in time) or breached (late) with the submission itself
        self.reports.save(change, expected_version=report.version, clocks=self._clock_writes(change.report, now))
        return change.report

    def approve(self, report_id: str, command: ApproveIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        change = incidents.approve(report, command.version, actor, self.clock.now())
        self.reports.save(change, expected_version=report.version)  # its clock ended at the submission
        return change.report

    def send_back(self, report_id: str, command: SendBackIncidentReport, actor: Actor) -> IncidentReport:
        report = self._report(report_id)
        change = incidents.send_back(report, command.version, command.reason, actor, self.clock.now())
        self.reports.save(change, expected_version=report.version)
        return change.report

    def read(self, report_id: str, actor: Actor) -> IncidentReportView:
        incidents.check_may_read(actor)
        report = self._report(report_id)
        return IncidentReportView(
            report=report,
            overdue=incidents.is_overdue(report, self.clock.now()),
            actions=incidents.allowed_actions(report, actor),
            timeline=self.reports.timeline(report_id),
            photos=self.photos.staff_views(OwnerKind.REPORT, report_id),
        )

    def register(self, site_id: str, year: int | None, actor: Actor) -> Register:
        """Every report of the site's year in number order, with its state (the 登记表)."""
        incidents.check_may_read(actor)
        site = self._site(site_id)
        now = self.clock.now()
        chosen = year or incidents.report_year(site, now)
        entries = [incidents.register_entry(r, now) for r in self.reports.register(site_id, chosen)]
        return Register(site_id=site_id, year=chosen, reports=sorted(entries, key=lambda e: e.number))

    def _clock_writes(self, report: IncidentReport, now: datetime) -> list[ClockWrite]:
        return self.clocks.writes(SubjectType.REPORT, report.report_id, report.site_id, report, now)

    def _site(self, site_id: str) -> Site:
        return require_site(self.sites, site_id)

    def _ticket(self, ticket_id: str) -> Ticket:
        return require_ticket(self.tickets, ticket_id)

    def _report(self, report_id: str) -> IncidentReport:
        return require_report(self.reports, report_id)


# ------------------------------------------------------------------------------------------- notices


@dataclass(frozen=True)
class IncidentNotices:
    """What the stream router does for incident reports: a rung their clock reached, the notices they owe."""

    reports: ReportRecords
    sites: SiteLookup
    lists: MailingLists
    mailer: Mailer
    alerts: Alerts
    photo_count: StoredPhotoCount
    clock: Clock
    base_url: str

    def on_rung(self, clock: ReportClock, level: int) -> None:
        """The report's clock reached rung ``level``: recorded on the draft once, then what it owes sent."""
        if clock.subject_type is not SubjectType.REPORT or clock.kind is not ClockKind.INCIDENT_REPORT:
            raise ValueError(f"{clock.clock_id} is not an incident report's clock")

        def record(report: IncidentReport) -> ReportChange | None:
            if report.submitted_at is not None or report.escalation.level >= level:
                return None  # recorded by an earlier delivery (or submitted meanwhile: its clock ended)
            return incidents.escalated(report, clock, level, self.clock.now())

        report = self._system_change(clock.subject_id, record)
        self._send_owed(report)

    def on_change(self, report_id: str) -> None:
        """A report was written that owes notices: each sent once, then recorded on the report."""
        self._send_owed(self._report(report_id))

    def _send_owed(self, report: IncidentReport) -> None:
        ladder: Ladder | None = None
        for notice in report.owed:
            ladder = ladder or self.lists.ladder(report.site_id)
            lists = incidents.notice_lists(notice, ladder)
            recipients = self._send(report, notice, lists)
            report = self._record_notified(report.report_id, notice, lists, recipients)

    def _record_notified(self, report_id: str, notice: str, lists: tuple[str, ...], recipients: int) -> IncidentReport:
        def record(report: IncidentReport) -> ReportChange | None:
            if notice not in report.owed:
                return None  # recorded by another delivery
            return incidents.notified(report, notice, lists, recipients, self.clock.now())

        return self._system_change(report_id, record)

    def _system_change(self, report_id: str, build: Callable[[IncidentReport], ReportChange | None]) -> IncidentReport:
        """``build``'s change saved on the report as it is now (re-read if someone wrote it in
        between); the report afterwards. ``build`` gives None when there is nothing to record."""
        for _ in range(MAX_RECORD_ATTEMPTS):
            report = self._report(report_id)
            change = build(report)
            if change is None:
                return report
            try:
                self.reports.save(change, expected_version=report.version)
            except VersionConflict:
                continue  # a person saved the report in between: read it again
            return change.report
        raise VersionConflict(field="version", code=ErrorCode.INCIDENT_VERSION_CONFLICT)

    def _report(self, report_id: str) -> IncidentReport:
        return existing(self.reports.get(report_id), f"incident report {report_id}")

    def _send(self, report: IncidentReport, notice: str, lists: tuple[str, ...]) -> int:
        """Send one notice (once); how many addresses it went to."""
        site = self.sites.get(report.site_id)
        if site is None:
            raise LookupError(f"site {report.site_id} of report {report.report_id} does not exist")
        level = incidents.escalation_level(notice)
        if level is None:
            photos = self.photo_count(OwnerKind.REPORT, report.report_id)
            mail = messages.submitted_mail(report, site, photos, self.base_url)
        else:
            now = self.clock.now()
            late = max(int((now - parse_iso(report.due_at)).total_seconds()), 0)
            mail = messages.overdue_mail(report, site, level, late, self.base_url)
            body, attributes = messages.alert(report, level, to_iso(now))
            self._once(report, f"{notice}#alert", lambda: self._publish(body, attributes))
        members = members_of(self.lists, report.site_id, lists)
        return self._once(report, f"{notice}#mail", lambda: self._mail(members, mail))

    def _publish(self, body: dict[str, Any], attributes: dict[str, str]) -> int:
        self.alerts.publish(body, attributes)
        return 1

    def _mail(self, members: list[str], mail: messages.Mail) -> int:
        if members:
            try:
                self.mailer.send(members, mail.subject, mail.body)
            except MailRefused:
                # SES refused an address for good, after sending to every other one: a retry cannot
                # help and would mail the others again, so the notice counts as sent (and is logged).
                logger.warning("a mailing-list address was refused", extra={"subject": mail.subject})
        return len(members)

    def _once(self, report: IncidentReport, key: str, send: Callable[[], int]) -> int:
        """At most once per key, unless the function dies between sending and marking (then once more)."""
        sent = self.reports.sent(report.report_id, key)
        if sent is not None:
            return sent
        count = send()
        self.reports.mark_sent(report.report_id, key, to_iso(self.clock.now()), count)
        return count
