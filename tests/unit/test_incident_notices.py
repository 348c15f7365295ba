"""Incident reports on the clock engine: the desk writes the report's clock with the report; the
stream router hands IncidentNotices each rung the clock reaches (recorded on the report once) and
each report that owes notices (each sent once, marked after sending: a crash in between sends it
again, never loses it); one report failing holds back no other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from frontdesk.app.clocks import ClockPlanner
from frontdesk.app.incidents import IncidentDesk, IncidentNotices
from frontdesk.app.ports import MailRefused, ReportClocks
from frontdesk.clock import FixedClock, parse_iso
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import VersionConflict
from frontdesk.domain.incidents import ReportChange
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder, Rung
from frontdesk.models.incident import (
    IncidentReport,
    IncidentSeverity,
    NewIncidentReport,
    ReportEvent,
    SubmitIncidentReport,
    UpdateIncidentReport,
)
from frontdesk.models.mailing import MailingList
from frontdesk.models.photo import OwnerKind, StaffPhotoView
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket

from .builders import DUTY_MANAGER, SITE, T0

LISTS = {
    "centre_manager": ("boss@example.com",),
    "department_and_engineering_managers": ("eng@example.com", "sec@example.com"),
    "night_desk": ("night@example.com",),
}
BOSS = ["boss@example.com"]
HEADS = ["eng@example.com", "sec@example.com"]


class Clocks:
    """The reports' clocks in memory, written only with their report (refused if moved since read)."""

    def __init__(self) -> None:
        self.clocks: dict[str, Clock] = {}

    def write(self, writes: Sequence[ClockWrite]) -> None:
        for w in writes:
            assert self.clocks.get(w.clock.subject_id) == w.previous
        for w in writes:
            self.clocks[w.clock.subject_id] = w.clock

    def of_subject(self, subject_type: SubjectType, subject_id: str) -> dict[ClockKind, Clock]:
        clock = self.clocks.get(subject_id)
        return {clock.kind: clock} if clock and subject_type is SubjectType.REPORT else {}

    def open_clocks(self, site_id: str) -> list[Clock]:
        return [c for c in self.clocks.values() if c.is_open]

    def put(self, writes: list[ClockWrite]) -> list[Clock]:
        self.write(writes)
        return []


@dataclass
class Lists:
    """The site's mailing lists and its ladder (SlaStore)."""

    ladder_now: Ladder = DEFAULT_LADDER
    members: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(LISTS))

    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name, members=self.members.get(name, ()))

    def ladder(self, site_id: str) -> Ladder:
        return self.ladder_now


@dataclass
class Reports:
    """The store as the desk and the notices use it: versions checked, events appended, markers kept."""

    clocks: Clocks
    items: dict[str, IncidentReport] = field(default_factory=dict)
    events: list[ReportEvent] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    interfere: Callable[[IncidentReport], None] | None = None
    fail_mark: Callable[[str], bool] = lambda key: False

    def create(
        self, site_id: str, year: int, build: Callable[[int], ReportChange], clocks: ReportClocks
    ) -> ReportChange:
        change = build(len(self.items) + 1)
        self.clocks.write(clocks(change.report))
        self.items[change.report.report_id] = change.report
        self.events.append(change.event)
        return change

    def save(self, change: ReportChange, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None:
        if self.interfere is not None:
            self.interfere(change.report)
        if self.items[change.report.report_id].version != expected_version:
            raise VersionConflict(field="version")
        self.clocks.write(clocks)
        self.items[change.report.report_id] = change.report
        self.events.append(change.event)

    def get(self, report_id: str) -> IncidentReport | None:
        return self.items.get(report_id)

    def timeline(self, report_id: str) -> list[ReportEvent]:
        return [e for e in self.events if e.report_id == report_id]

    def register(self, site_id: str, year: int) -> list[IncidentReport]:
        return list(self.items.values())

    def sent(self, report_id: str, notice: str) -> int | None:
        return self.marks.get(f"{report_id}#{notice}")

    def mark_sent(self, report_id: str, notice: str, at: str, recipients: int) -> None:
        if self.fail_mark(notice):
            raise ConnectionError("the function died after sending")
        self.marks[f"{report_id}#{notice}"] = recipients


@dataclass
class Mailer:
    sent: list[tuple[list[str], str]] = field(default_factory=list)
    fail_once: bool = False
    refuse: str | None = None  # mail whose subject names this always fails
    refused_address: str | None = None  # SES refuses this address for good (after the others)

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.fail_once or (self.refuse is not None and self.refuse in subject):
            self.fail_once = False
            raise ConnectionError("SES unreachable")
        self.sent.append(([a for a in to if a != self.refused_address], subject))
        if self.refused_address in to:
            raise MailRefused("an address was refused")


@dataclass
class Alerts:
    published: list[dict[str, Any]] = field(default_factory=list)

    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        self.published.append(body)


class Sites:
    def get(self, site_id: str) -> Site | None:
        return SITE if site_id == SITE.site_id else None


class NoTickets:
    def get(self, ticket_id: str) -> Ticket | None:
        return None


class NoPhotos:
    def staff_views(self, owner_kind: OwnerKind, owner_id: str) -> list[StaffPhotoView]:
        return []


@dataclass
class World:
    clock: FixedClock
    clocks: Clocks
    lists: Lists
    reports: Reports
    mailer: Mailer
    alerts: Alerts
    desk: IncidentDesk
    notices: IncidentNotices

    def open(self, severity: str = "major", **fields: Any) -> IncidentReport:
        request = NewIncidentReport.model_validate(
            {
                "site_id": "ql",
                "severity": severity,
                "category": "fire",
                "occurred_at": self.clock.now(),
                "place": "配电房",
                "details": "起火",
                **fields,
            }
        )
        return self.desk.create(request, DUTY_MANAGER)

    def submit(self, report_id: str) -> IncidentReport:
        report = self.reports.items[report_id]
        return self.desk.submit(report_id, SubmitIncidentReport(version=report.version), DUTY_MANAGER)

    def reach(self, report_id: str, level: int) -> Clock:
        """What the state machine does at rung ``level``: the clock moved up, stamped with the time."""
        clock = self.clocks.clocks[report_id]
        assert clock.is_open and parse_iso(clock.rungs[level - 1].at) <= self.clock.now()
        reached = clock.model_copy(
            update={
                "level": level,
                "breached_at": clock.breached_at or clock.rungs[0].at,
                "escalated_at": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
        )
        self.clocks.clocks[report_id] = reached
        return reached

    def actions(self, report_id: str) -> list[str]:
        return [e.action for e in self.reports.timeline(report_id)]


@pytest.fixture
def world() -> World:
    clock = FixedClock(T0)
    clocks, lists, mailer, alerts = Clocks(), Lists(), Mailer(), Alerts()
    reports = Reports(clocks)
    desk = IncidentDesk(reports, NoTickets(), Sites(), NoPhotos(), ClockPlanner(clocks, lists), clock)

    def photos(owner_kind: OwnerKind, owner_id: str) -> int:
        return 2

    notices = IncidentNotices(reports, Sites(), lists, mailer, alerts, photos, clock, "https://desk.example.com")
    return World(clock, clocks, lists, reports, mailer, alerts, desk, notices)


# ------------------------------------------------------------------------------------------- the desk


def test_the_report_clock_is_written_with_the_report_and_follows_it(world: World) -> None:
    report = world.open(severity="general")
    clock = world.clocks.clocks[report.report_id]
    assert (clock.kind, clock.state, clock.due, clock.gen) == (
        ClockKind.INCIDENT_REPORT,
        ClockState.RUNNING,
        report.due_at,
        1,
    )
    assert [r.mailing_list for r in clock.rungs] == ["centre_manager", "department_and_engineering_managers"]

    world.clock.advance(hours=1)
    major = world.desk.update(
        report.report_id, UpdateIncidentReport(version=1, severity=IncidentSeverity.MAJOR), DUTY_MANAGER
    )
    moved = world.clocks.clocks[report.report_id]
    assert (moved.due, moved.gen, moved.state) == (major.due_at, 2, ClockState.RUNNING)
    assert moved.rungs[0].at == major.due_at

    world.desk.update(report.report_id, UpdateIncidentReport(version=2, immediate_action="灭火"), DUTY_MANAGER)
    assert world.clocks.clocks[report.report_id] == moved  # nothing moved it: not written again
    world.submit(report.report_id)
    met = world.clocks.clocks[report.report_id]
    assert (met.state, met.early_seconds) == (ClockState.MET, 11 * 3600)


def test_a_report_submitted_late_breaches_its_clock(world: World) -> None:
    report = world.open(immediate_action="灭火")
    world.clock.advance(hours=12, seconds=30)
    world.submit(report.report_id)
    breached = world.clocks.clocks[report.report_id]
    assert (breached.state, breached.late_seconds) == (ClockState.BREACHED, 30)


# ------------------------------------------------------------------------------------------- rungs


def test_a_rung_is_recorded_once_and_its_notices_go_out_once(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12, seconds=2)
    clock = world.reach(report.report_id, 1)

    world.notices.on_rung(clock, 1)
    world.notices.on_rung(clock, 1)  # the stream delivers the record again
    world.notices.on_change(report.report_id)  # and the report written, owing nothing by now

    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.escalation.at, current.owed) == (1, "2026-11-22T14:00:02.000Z", ())
    assert world.actions(report.report_id) == ["create", "escalate", "notify"]
    escalate = world.reports.timeline(report.report_id)[1]
    assert (escalate.actor.id, escalate.detail["late_seconds"], escalate.detail["mailing_list"]) == (
        "clock",
        "2",
        "centre_manager",
    )
    assert world.mailer.sent == [(BOSS, world.mailer.sent[0][1])]
    assert "QL-IR-2026-001" in world.mailer.sent[0][1]
    assert [(a["level"], a["phase"]) for a in world.alerts.published] == [(1, "incident_report")]

    world.clock.advance(hours=1)
    world.notices.on_rung(world.reach(report.report_id, 2), 2)
    assert world.reports.items[report.report_id].escalation.level == 2
    assert world.mailer.sent[-1][0] == HEADS
    assert len(world.mailer.sent) == 2 and len(world.alerts.published) == 2


def test_a_rung_goes_to_its_list_in_the_sites_ladder_as_it_is_now(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    world.lists.ladder_now = DEFAULT_LADDER.model_copy(update={"incident_report": (Rung(mailing_list="night_desk"),)})

    world.notices.on_rung(clock, 1)

    assert world.mailer.sent[0][0] == ["night@example.com"]
    assert world.reports.timeline(report.report_id)[-1].detail["mailing_lists"] == "night_desk"


def test_a_report_written_meanwhile_is_read_again_and_the_rung_recorded(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)

    def duty_manager_saves_first(_: IncidentReport) -> None:
        world.reports.interfere = None
        current = world.reports.items[report.report_id]
        world.reports.items[report.report_id] = current.model_copy(update={"version": current.version + 1})

    world.reports.interfere = duty_manager_saves_first
    world.notices.on_rung(clock, 1)

    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.owed, current.version) == (1, (), 4)


def test_a_rung_after_submission_records_nothing(world: World) -> None:
    report = world.open(immediate_action="灭火")
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)  # reached just before the submission ended the clock
    world.submit(report.report_id)

    world.notices.on_rung(clock, 1)  # sends what the submitted report owes, records no rung

    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.owed) == (0, ())
    assert world.actions(report.report_id) == ["create", "submit", "notify"]
    assert world.alerts.published == []


# ------------------------------------------------------------------------------------------- notices


def test_the_submitted_report_goes_to_the_managers_and_department_heads(world: World) -> None:
    report = world.open(immediate_action="灭火")
    world.clock.advance(hours=1)
    world.submit(report.report_id)

    world.notices.on_change(report.report_id)
    world.notices.on_change(report.report_id)

    ((to, subject),) = world.mailer.sent
    assert sorted(to) == sorted(BOSS + HEADS)
    assert "QL-IR-2026-001" in subject
    current = world.reports.items[report.report_id]
    assert (current.owed, current.mailed_at) == ((), "2026-11-22T03:00:00.000Z")
    notify = world.reports.timeline(report.report_id)[-1]
    assert notify.detail == {
        "notice": "submitted",
        "mailing_lists": "centre_manager,department_and_engineering_managers",
        "recipients": "3",
    }
    assert world.alerts.published == []


def test_a_crash_after_sending_sends_again_rather_than_losing_the_notice(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    world.reports.fail_mark = lambda key: key == "escalation-1#mail"

    with pytest.raises(ConnectionError):
        world.notices.on_rung(clock, 1)
    # the rung is recorded and the mail went out, but nothing says so: still owed
    assert len(world.mailer.sent) == 1
    assert world.reports.items[report.report_id].owed == ("escalation-1",)

    world.reports.fail_mark = lambda key: False
    world.notices.on_change(report.report_id)  # the record retried

    assert len(world.mailer.sent) == 2  # at least once: sent again, not lost
    assert len(world.alerts.published) == 1  # the alert was marked: not again
    assert world.reports.items[report.report_id].owed == ()
    assert world.actions(report.report_id) == ["create", "escalate", "notify"]


def test_an_address_ses_refuses_holds_back_neither_the_others_nor_the_record(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    world.mailer.refused_address = BOSS[0]

    world.notices.on_rung(clock, 1)  # no exception: the stream record is not retried into the DLQ
    world.notices.on_rung(clock, 1)

    assert len(world.mailer.sent) == 1  # the others were mailed once, not again on a retry
    assert world.reports.items[report.report_id].owed == ()


def test_a_failed_send_is_retried_and_not_sent_twice(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    world.mailer.fail_once = True

    with pytest.raises(ConnectionError):
        world.notices.on_rung(clock, 1)
    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.owed) == (1, ("escalation-1",))

    world.notices.on_rung(clock, 1)
    world.notices.on_change(report.report_id)

    assert len(world.mailer.sent) == 1 and len(world.alerts.published) == 1
    assert world.reports.items[report.report_id].owed == ()


def test_a_notice_marked_before_a_crash_is_only_recorded(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    original_save = world.reports.save

    def die_recording_notified(change: ReportChange, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None:
        if change.event.action == "notify":
            raise ConnectionError("the function died before recording")
        original_save(change, expected_version, clocks)

    world.reports.save = die_recording_notified  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        world.notices.on_rung(clock, 1)
    world.reports.save = original_save  # type: ignore[method-assign]

    world.notices.on_change(report.report_id)

    assert len(world.mailer.sent) == 1 and len(world.alerts.published) == 1
    assert world.reports.items[report.report_id].owed == ()
    assert world.reports.timeline(report.report_id)[-1].detail["recipients"] == "1"


def test_one_report_failing_holds_back_no_other(world: World) -> None:
    first = world.open()
    second = world.open(place="锅炉房")
    world.clock.advance(hours=12)
    world.mailer.refuse = first.number  # SES fails for the first report's mail, every time

    failed: list[str] = []
    for report in (first, second):  # the stream router: one record each, a failure is that record's
        try:
            world.notices.on_rung(world.reach(report.report_id, 1), 1)
        except ConnectionError:
            failed.append(report.report_id)

    assert failed == [first.report_id]
    assert world.reports.items[first.report_id].owed == ("escalation-1",)
    assert world.reports.items[second.report_id].owed == ()
    assert [subject for _, subject in world.mailer.sent if second.number in subject]


def test_an_empty_list_is_recorded_as_nobody_told(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    world.lists.members = {}

    world.notices.on_rung(world.reach(report.report_id, 1), 1)

    assert world.mailer.sent == []
    assert world.reports.timeline(report.report_id)[-1].detail["recipients"] == "0"
    assert len(world.alerts.published) == 1  # the on-call alert still goes out


def test_only_a_report_clock_is_accepted(world: World) -> None:
    report = world.open()
    world.clock.advance(hours=12)
    clock = world.reach(report.report_id, 1)
    with pytest.raises(ValueError, match="not an incident report's clock"):
        world.notices.on_rung(clock.model_copy(update={"kind": ClockKind.REPLY}), 1)
    with pytest.raises(LookupError):
        world.notices.on_change("ql-2026-0099")
