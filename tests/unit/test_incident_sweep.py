"""The sweep: overdue drafts climb the ladder (recorded first), owed notices go out once, a crash in
between is repaired by the next run, and a report someone is writing is left to the next minute."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from frontdesk.clock import FixedClock, to_iso
from frontdesk.domain import incidents
from frontdesk.domain.errors import VersionConflict
from frontdesk.domain.incidents import ReportChange
from frontdesk.incidents import IncidentSweep
from frontdesk.models.incident import IncidentReport, NewIncidentReport, ReportEvent
from frontdesk.models.mailing import MailingList
from frontdesk.models.photo import OwnerKind
from frontdesk.models.site import Site

from .builders import DUTY_MANAGER, SITE, T0

LISTS = {"centre_manager": ("boss@example.com",), "department_and_engineering_managers": ("eng@example.com",)}


@dataclass
class Reports:
    """The store as the sweep uses it: versions checked, events appended, markers kept."""

    items: dict[str, IncidentReport] = field(default_factory=dict)
    events: list[ReportEvent] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    interfere: Callable[[IncidentReport], None] | None = None

    def create(self, site_id: str, year: int, build: Callable[[int], ReportChange]) -> ReportChange:
        change = build(len(self.items) + 1)
        self.items[change.report.report_id] = change.report
        self.events.append(change.event)
        return change

    def save(self, change: ReportChange, expected_version: int) -> None:
        if self.interfere is not None:
            self.interfere(change.report)
        if self.items[change.report.report_id].version != expected_version:
            raise VersionConflict(field="version")
        self.items[change.report.report_id] = change.report
        self.events.append(change.event)

    def get(self, report_id: str) -> IncidentReport | None:
        return self.items.get(report_id)

    def timeline(self, report_id: str) -> list[ReportEvent]:
        return [e for e in self.events if e.report_id == report_id]

    def register(self, site_id: str, year: int) -> list[IncidentReport]:
        return list(self.items.values())

    def due_work(self, now_iso: str) -> list[str]:
        return [
            r.report_id
            for r in self.items.values()
            if (due := incidents.next_action_at(r)) is not None and due <= now_iso
        ]

    def sent(self, report_id: str, notice: str) -> int | None:
        return self.marks.get(f"{report_id}#{notice}")

    def mark_sent(self, report_id: str, notice: str, at: str, recipients: int) -> None:
        self.marks[f"{report_id}#{notice}"] = recipients


class Lists:
    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name, members=LISTS.get(name, ()))


class NoLists:
    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name)


@dataclass
class Mailer:
    sent: list[tuple[list[str], str]] = field(default_factory=list)
    fail_once: bool = False

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.fail_once:
            self.fail_once = False
            raise ConnectionError("SES unreachable")
        self.sent.append((list(to), subject))


@dataclass
class Alerts:
    published: list[dict[str, Any]] = field(default_factory=list)

    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        self.published.append(body)


class Sites:
    def get(self, site_id: str) -> Site | None:
        return SITE if site_id == SITE.site_id else None


@dataclass
class World:
    clock: FixedClock
    reports: Reports
    mailer: Mailer
    alerts: Alerts
    sweep: IncidentSweep


@pytest.fixture
def world() -> World:
    clock = FixedClock(T0)
    reports, mailer, alerts = Reports(), Mailer(), Alerts()

    def photos(owner_kind: OwnerKind, owner_id: str) -> int:
        return 2

    sweep = IncidentSweep(reports, Sites(), Lists(), mailer, alerts, photos, clock, "https://desk.example.com")
    return World(clock, reports, mailer, alerts, sweep)


def _major(world: World) -> IncidentReport:
    request = NewIncidentReport.model_validate(
        {
            "site_id": "ql",
            "severity": "major",
            "category": "fire",
            "occurred_at": T0,
            "place": "配电房",
            "details": "起火",
        }
    )
    return world.reports.create(
        "ql", 2026, lambda seq: incidents.open_report(request, SITE, None, DUTY_MANAGER, T0, seq)
    ).report


def test_nothing_before_the_deadline_then_the_first_rung_and_its_notices(world: World) -> None:
    report = _major(world)
    world.clock.advance(hours=12, microseconds=-1)
    assert world.sweep.run().looked_at == 0

    world.clock.advance(microseconds=1)
    swept = world.sweep.run()

    assert swept.escalated == [f"{report.report_id}#1"]
    assert world.mailer.sent == [(["boss@example.com"], world.mailer.sent[0][1])]
    assert "QL-IR-2026-001" in world.mailer.sent[0][1]
    assert [a["level"] for a in world.alerts.published] == [1]
    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.owed) == (1, ())
    assert [e.action for e in world.reports.timeline(report.report_id)] == ["create", "escalate", "notify"]


def test_a_failed_send_is_retried_by_the_next_run_and_not_sent_twice(world: World) -> None:
    report = _major(world)
    world.clock.advance(hours=12)
    world.mailer.fail_once = True

    with pytest.raises(ConnectionError):
        world.sweep.run()
    # recorded before sending: the rung is on the report, the notice still owed, the alert already out
    current = world.reports.items[report.report_id]
    assert (current.escalation.level, current.owed) == (1, ("escalation-1",))

    world.clock.advance(minutes=1)
    world.sweep.run()
    world.sweep.run()

    assert len(world.mailer.sent) == 1
    assert len(world.alerts.published) == 1
    assert world.reports.items[report.report_id].owed == ()


def test_a_notice_marked_sent_before_a_crash_is_not_sent_again(world: World) -> None:
    report = _major(world)
    world.clock.advance(hours=12)
    escalated = incidents.escalate(report, world.clock.now())
    world.reports.save(escalated, report.version)
    world.reports.mark_sent(report.report_id, "escalation-1#mail", to_iso(world.clock.now()), 1)
    world.reports.mark_sent(report.report_id, "escalation-1#alert", to_iso(world.clock.now()), 1)

    world.sweep.run()

    assert world.mailer.sent == [] and world.alerts.published == []
    assert world.reports.items[report.report_id].owed == ()
    assert world.reports.timeline(report.report_id)[-1].detail["recipients"] == "1"


def test_a_report_being_written_is_left_for_the_next_run(world: World) -> None:
    report = _major(world)
    world.clock.advance(hours=12)

    def duty_manager_saves_first(_: IncidentReport) -> None:
        world.reports.interfere = None
        current = world.reports.items[report.report_id]
        world.reports.items[report.report_id] = current.model_copy(update={"version": current.version + 1})

    world.reports.interfere = duty_manager_saves_first
    swept = world.sweep.run()

    assert swept.conflicts == [report.report_id] and swept.escalated == []
    assert world.sweep.run().escalated == [f"{report.report_id}#1"]


def test_an_empty_list_is_recorded_as_nobody_told(world: World) -> None:
    report = _major(world)
    world.clock.advance(hours=12)
    sweep = IncidentSweep(
        world.reports, Sites(), NoLists(), world.mailer, world.alerts, lambda kind, owner: 0, world.clock, ""
    )

    sweep.run()

    assert world.mailer.sent == []
    assert world.reports.timeline(report.report_id)[-1].detail["recipients"] == "0"
    assert len(world.alerts.published) == 1  # the on-call alert still goes out
