"""Incident reports as pure rules: numbers, deadlines, who may write, draft → submitted, the rungs their
clock reaches recorded on them, the notices they owe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.clock import to_iso
from frontdesk.domain import clocks, incidents
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.models.clock import Clock, ClockKind, SubjectType
from frontdesk.models.escalation import DEFAULT_LADDER, Rung
from frontdesk.models.incident import (
    IncidentReport,
    IncidentSeverity,
    NewIncidentReport,
    ReportEscalation,
    ReportState,
    UpdateIncidentReport,
)

from .builders import DUTY_MANAGER, ENGINEER, MANAGER, OPERATOR, SITE, SYSTEM, T0, Walk

OCCURRED = T0 - timedelta(minutes=30)  # 09:30 in Shanghai


def _request(**changes: Any) -> NewIncidentReport:
    fields: dict[str, Any] = {
        "site_id": "ql",
        "severity": "general",
        "category": "water_leak",
        "occurred_at": OCCURRED,
        "building_id": "admin",
        "unit": "101",
        "details": "水管爆裂",
    }
    fields.update(changes)
    return NewIncidentReport.model_validate(fields)


def _open(seq: int = 7, **changes: Any) -> IncidentReport:
    return incidents.open_report(_request(**changes), SITE, None, DUTY_MANAGER, T0, seq).report


def test_the_number_is_one_series_per_site_and_site_local_year() -> None:
    report = _open(seq=7)
    assert (report.number, report.report_id, report.year, report.seq) == ("QL-IR-2026-007", "ql-2026-0007", 2026, 7)
    assert incidents.report_number(SITE, 2026, 1234) == "QL-IR-2026-1234"
    new_year_in_shanghai = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert incidents.report_year(SITE, new_year_in_shanghai) == 2027


@pytest.mark.parametrize(("severity", "hours"), [(IncidentSeverity.GENERAL, 24), (IncidentSeverity.MAJOR, 12)])
def test_due_24_or_12_hours_after_the_occurrence_rounded_up(severity: IncidentSeverity, hours: int) -> None:
    assert _open(severity=severity).due_at == to_iso(OCCURRED + timedelta(hours=hours))
    odd = OCCURRED + timedelta(milliseconds=1)
    assert incidents.due_at(severity, odd) == to_iso(OCCURRED + timedelta(hours=hours, seconds=1))


def test_only_duty_managers_and_managers_open_reports() -> None:
    assert incidents.open_report(_request(), SITE, None, MANAGER, T0, 1).report.reported_by == "mgr1"
    for actor in (OPERATOR, ENGINEER, SYSTEM):
        with pytest.raises(Forbidden):
            incidents.open_report(_request(), SITE, None, actor, T0, 1)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"category": "earthquake"}, "category", "unknown_category"),
        ({"building_id": "nowhere"}, "building_id", "unknown_building"),
        ({"unit": "999"}, "unit", "unknown_unit"),
        ({"building_id": None, "unit": ""}, "place", "incident_place_required"),
        ({"occurred_at": T0 + timedelta(minutes=6)}, "occurred_at", "incident_in_future"),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _open(**changes)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_little_clock_skew_is_allowed() -> None:
    assert _open(occurred_at=T0 + timedelta(minutes=4)).occurred_at == to_iso(T0 + timedelta(minutes=4))


def test_from_a_ticket_the_place_and_number_come_along() -> None:
    ticket = Walk().ticket
    opened = incidents.open_report(_request(building_id=None, unit=""), SITE, ticket, DUTY_MANAGER, T0, 1)
    assert (opened.report.building_id, opened.report.unit) == (ticket.building_id, ticket.unit)
    assert (opened.report.ticket_id, opened.report.ticket_number) == (ticket.ticket_id, ticket.number)
    assert opened.event.detail["ticket_number"] == ticket.number
    elsewhere = ticket.model_copy(update={"site_id": "other"})
    with pytest.raises(InvalidInput, match="incident_ticket_other_site"):
        incidents.open_report(_request(), SITE, elsewhere, DUTY_MANAGER, T0, 1)


def test_an_update_changes_what_was_given_and_moves_the_deadline() -> None:
    report = _open()
    later = T0 + timedelta(hours=1)

    change = incidents.update(
        report,
        UpdateIncidentReport(version=1, severity=IncidentSeverity.MAJOR, remarks="补充"),
        SITE,
        DUTY_MANAGER,
        later,
    )

    assert change.report.severity is IncidentSeverity.MAJOR
    assert change.report.due_at == to_iso(OCCURRED + timedelta(hours=12))
    assert (change.report.details, change.report.remarks, change.report.version) == ("水管爆裂", "补充", 2)
    assert change.event.seq == 2
    assert change.event.detail == {"fields": "due_at,remarks,severity", "due_at": change.report.due_at}
    with pytest.raises(VersionConflict):
        incidents.update(change.report, UpdateIncidentReport(version=1, remarks="x"), SITE, DUTY_MANAGER, later)


def test_submitting_needs_the_immediate_action_and_closes_the_report() -> None:
    report = _open()
    with pytest.raises(InvalidInput) as missing:
        incidents.submit(report, 1, DUTY_MANAGER, T0)
    assert missing.value.field == "immediate_action"
    completed = incidents.update(
        report, UpdateIncidentReport(version=1, immediate_action="关阀"), SITE, DUTY_MANAGER, T0
    ).report

    submitted = incidents.submit(completed, 2, DUTY_MANAGER, T0 + timedelta(hours=1)).report

    assert submitted.state is ReportState.SUBMITTED
    assert (submitted.on_time, submitted.owed, submitted.submitted_by) == (True, ("submitted",), "dm1")
    with pytest.raises(IllegalTransition, match="incident_report_submitted"):
        incidents.update(submitted, UpdateIncidentReport(version=3, remarks="x"), SITE, DUTY_MANAGER, T0)
    with pytest.raises(IllegalTransition):
        incidents.submit(submitted, 3, DUTY_MANAGER, T0)


def test_late_submission_is_recorded_as_late() -> None:
    report = _open(immediate_action="关阀", severity=IncidentSeverity.MAJOR)
    due = datetime.fromisoformat(report.due_at.replace("Z", "+00:00"))
    assert incidents.submit(report, 1, DUTY_MANAGER, due).report.on_time is True
    assert incidents.submit(report, 1, DUTY_MANAGER, due + timedelta(milliseconds=1)).report.on_time is False


def _reached(report: IncidentReport, level: int, at: datetime) -> Clock:
    """The report's clock as the state machine leaves it when it reaches rung ``level`` at ``at``."""
    clock = clocks.plan(ClockKind.INCIDENT_REPORT, report, report.report_id, "ql", None, DEFAULT_LADDER, T0)
    assert clock is not None
    return clock.model_copy(update={"level": level, "breached_at": clock.rungs[0].at, "escalated_at": to_iso(at)})


def test_a_rung_the_clock_reached_is_recorded_on_the_draft_with_the_notice_it_owes() -> None:
    report = _open(severity=IncidentSeverity.MAJOR)
    due = datetime.fromisoformat(report.due_at.replace("Z", "+00:00"))
    clock = _reached(report, 1, due + timedelta(milliseconds=1500))

    change = incidents.escalated(report, clock, 1, due + timedelta(seconds=3))

    first = change.report
    assert (first.escalation.level, first.escalation.at) == (1, to_iso(due + timedelta(milliseconds=1500)))
    assert (first.owed, first.version) == (("escalation-1",), 2)
    assert (change.event.action, change.event.actor.id, change.event.at) == (
        "escalate",
        "clock",
        to_iso(due + timedelta(seconds=3)),
    )
    assert change.event.detail == {
        "level": "1",
        "mailing_list": "centre_manager",
        "due_at": report.due_at,
        "late_seconds": "2",
    }
    second = incidents.escalated(first, _reached(report, 2, due + timedelta(hours=1)), 2, due + timedelta(hours=1))
    assert (second.report.escalation.level, second.report.owed) == (2, ("escalation-1", "escalation-2"))
    assert second.event.detail["mailing_list"] == "department_and_engineering_managers"


@pytest.mark.parametrize(
    ("recorded", "level", "reached"),
    [(1, 1, 1), (0, 2, 1), (0, 3, 3)],  # recorded already; not reached by the clock; past the ladder
)
def test_only_a_rung_reached_and_not_yet_recorded_is_recorded(recorded: int, level: int, reached: int) -> None:
    report = _open(severity=IncidentSeverity.MAJOR).model_copy(
        update={"escalation": ReportEscalation(level=recorded, at="x")}
    )
    clock = _reached(report, reached, T0 + timedelta(days=1))
    with pytest.raises(ValueError, match="not to be recorded"):
        incidents.escalated(report, clock, level, T0 + timedelta(days=1))


def test_a_submitted_report_or_another_clock_records_no_rung() -> None:
    report = _open(immediate_action="关阀")
    clock = _reached(report, 1, T0 + timedelta(days=1))
    submitted = incidents.submit(report, 1, DUTY_MANAGER, T0).report
    with pytest.raises(ValueError, match="not to be recorded"):
        incidents.escalated(submitted, clock, 1, T0 + timedelta(days=1))
    other = _open(seq=8)
    with pytest.raises(ValueError, match="not the clock of"):
        incidents.escalated(other, clock, 1, T0 + timedelta(days=1))
    ticket_clock = clock.model_copy(update={"subject_type": SubjectType.TICKET, "kind": ClockKind.ARRIVAL})
    with pytest.raises(ValueError, match="not an incident report's clock"):
        incidents.escalated(report, ticket_clock, 1, T0 + timedelta(days=1))


def test_an_escalation_goes_to_its_rung_in_the_site_ladder_as_it_is_now() -> None:
    edited = DEFAULT_LADDER.model_copy(update={"incident_report": (Rung(mailing_list="night_desk"),)})
    assert incidents.notice_lists("escalation-1", DEFAULT_LADDER) == ("centre_manager",)
    assert incidents.notice_lists("escalation-2", DEFAULT_LADDER) == ("department_and_engineering_managers",)
    assert incidents.notice_lists("escalation-1", edited) == ("night_desk",)
    assert incidents.notice_lists("escalation-2", edited) == ("night_desk",)  # past the top: the top rung
    assert incidents.escalation_level("submitted") is None


def test_a_submitted_report_owes_its_mail_once() -> None:
    report = _open(immediate_action="关阀")
    submitted = incidents.submit(report, 1, DUTY_MANAGER, T0).report
    far = T0 + timedelta(days=3)
    lists = incidents.notice_lists("submitted", DEFAULT_LADDER)
    assert lists == ("centre_manager", "department_and_engineering_managers")
    mailed = incidents.notified(submitted, "submitted", lists, 3, far)
    assert (mailed.report.owed, mailed.report.mailed_at) == ((), to_iso(far))
    assert mailed.event.detail == {
        "notice": "submitted",
        "mailing_lists": "centre_manager,department_and_engineering_managers",
        "recipients": "3",
    }
    with pytest.raises(ValueError, match="does not owe"):
        incidents.notified(mailed.report, "submitted", lists, 3, far)


def test_actions_and_the_register_line() -> None:
    report = _open()
    assert incidents.allowed_actions(report, DUTY_MANAGER) == ["update", "submit", "photos", "evidence_pack", "verify"]
    assert incidents.allowed_actions(report, OPERATOR) == []
    due = datetime.fromisoformat(report.due_at.replace("Z", "+00:00"))
    assert incidents.register_entry(report, due - timedelta(seconds=1)).overdue is False
    line = incidents.register_entry(report, due)
    assert (line.overdue, line.number, line.place) == (True, "QL-IR-2026-007", "101")
