"""A manager approves a submitted incident report (000 §3.5.2c 经理审批后存档) or sends it back to
draft with a reason (docs/decisions/0019-manager-approval-of-incident-reports.md): pure rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from frontdesk.clock import to_iso
from frontdesk.domain import clocks, incidents
from frontdesk.domain.errors import Forbidden, IllegalTransition, VersionConflict
from frontdesk.evidence import report_html
from frontdesk.models.clock import ClockKind
from frontdesk.models.escalation import DEFAULT_LADDER
from frontdesk.models.incident import (
    IncidentReport,
    NewIncidentReport,
    ReportState,
    UpdateIncidentReport,
)
from frontdesk.models.ticket import Role

from .builders import DUTY_MANAGER, ENGINEER, MANAGER, OPERATOR, SITE, SYSTEM, T0, staff

OCCURRED = T0 - timedelta(minutes=30)


def _draft() -> IncidentReport:
    request = NewIncidentReport.model_validate(
        {
            "site_id": "ql",
            "severity": "major",
            "category": "water_leak",
            "occurred_at": OCCURRED,
            "building_id": "admin",
            "unit": "101",
            "details": "水管爆裂",
            "immediate_action": "关阀",
        }
    )
    return incidents.open_report(request, SITE, None, DUTY_MANAGER, T0, 3).report


def _submitted(at: datetime = T0 + timedelta(hours=1)) -> IncidentReport:
    return incidents.submit(_draft(), 1, DUTY_MANAGER, at).report


def test_a_manager_approves_a_submitted_report_and_it_is_final() -> None:
    report = _submitted()
    change = incidents.approve(report, report.version, MANAGER, T0 + timedelta(hours=2))

    approved = change.report
    assert approved.state is ReportState.APPROVED
    assert (approved.approved_by, approved.approved_at) == ("mgr1", to_iso(T0 + timedelta(hours=2)))
    assert (change.event.action, change.event.from_state, change.event.to_state) == (
        "approve",
        ReportState.SUBMITTED,
        ReportState.APPROVED,
    )
    assert change.event.actor == MANAGER
    assert incidents.allowed_actions(approved, MANAGER) == ["evidence_pack", "verify"]
    with pytest.raises(IllegalTransition, match="incident_not_submitted"):
        incidents.approve(approved, approved.version, MANAGER, T0)
    with pytest.raises(IllegalTransition, match="incident_report_submitted"):
        incidents.update(approved, UpdateIncidentReport(version=approved.version, remarks="x"), SITE, MANAGER, T0)


@pytest.mark.parametrize("actor", [DUTY_MANAGER, OPERATOR, ENGINEER, SYSTEM])
def test_only_a_manager_approves_or_sends_back(actor: object) -> None:
    report = _submitted()
    with pytest.raises(Forbidden, match="incident_managers_only") as refused:
        incidents.approve(report, report.version, actor, T0)  # type: ignore[arg-type]
    assert refused.value.status == 403
    with pytest.raises(Forbidden, match="incident_managers_only"):
        incidents.send_back(report, report.version, "缺照片", actor, T0)  # type: ignore[arg-type]


def test_a_stale_version_is_refused() -> None:
    report = _submitted()
    with pytest.raises(VersionConflict, match="incident_version_conflict") as stale:
        incidents.approve(report, report.version - 1, MANAGER, T0)
    assert stale.value.status == 409
    with pytest.raises(VersionConflict):
        incidents.send_back(report, report.version + 1, "缺照片", MANAGER, T0)


def test_a_draft_cannot_be_approved() -> None:
    draft = incidents.send_back(_submitted(), 2, "缺照片", MANAGER, T0).report
    with pytest.raises(IllegalTransition, match="incident_not_submitted") as refused:
        incidents.approve(draft, draft.version, MANAGER, T0)
    assert refused.value.status == 409


def test_the_actions_a_submitted_report_offers() -> None:
    report = _submitted()
    assert incidents.allowed_actions(report, MANAGER) == ["approve", "send_back", "evidence_pack", "verify"]
    assert incidents.allowed_actions(report, DUTY_MANAGER) == ["evidence_pack", "verify"]


def test_sent_back_the_writer_completes_it_and_the_first_submission_keeps_its_outcome() -> None:
    late = datetime.fromisoformat(_submitted().due_at.replace("Z", "+00:00")) + timedelta(hours=3)
    report = _submitted()
    change = incidents.send_back(report, report.version, "请补充报警回执号", MANAGER, T0 + timedelta(hours=2))

    draft = change.report
    assert (draft.state, draft.returned_reason) == (ReportState.DRAFT, "请补充报警回执号")
    assert (change.event.action, change.event.detail) == ("send_back", {"reason": "请补充报警回执号"})
    assert incidents.allowed_actions(draft, DUTY_MANAGER) == ["update", "submit", "photos", "evidence_pack", "verify"]
    assert incidents.is_overdue(draft, late) is False  # it reached the manager in time

    corrected = incidents.update(
        draft, UpdateIncidentReport(version=draft.version, police_file_number="110-7"), SITE, DUTY_MANAGER, late
    ).report
    again = incidents.submit(corrected, corrected.version, DUTY_MANAGER, late)

    assert again.report.state is ReportState.SUBMITTED
    assert (again.report.submitted_at, again.report.on_time) == (report.submitted_at, True)
    assert again.event.detail["resubmitted"] == "true"
    # mailed again to the managers and department heads: a notice of its own, sent once
    assert again.report.owed == ("submitted", f"submitted-{again.report.version}")
    assert incidents.notice_lists(again.report.owed[1], DEFAULT_LADDER) == incidents.SUBMISSION_LISTS


def test_the_report_clock_stays_done_through_send_back_and_approval() -> None:
    draft = _draft()
    draft_clock = clocks.plan(ClockKind.INCIDENT_REPORT, draft, draft.report_id, "ql", None, DEFAULT_LADDER, T0)
    report = incidents.submit(draft, 1, DUTY_MANAGER, T0 + timedelta(hours=1)).report
    done = clocks.plan(ClockKind.INCIDENT_REPORT, report, report.report_id, "ql", draft_clock, DEFAULT_LADDER, T0)
    assert done is not None and done != draft_clock
    sent_back = incidents.send_back(report, report.version, "缺照片", MANAGER, T0).report
    approved = incidents.approve(report, report.version, MANAGER, T0).report
    for later in (sent_back, approved):
        again = clocks.plan(ClockKind.INCIDENT_REPORT, later, later.report_id, "ql", done, DEFAULT_LADDER, T0)
        assert again is None or again == done


def test_the_evidence_pack_page_names_the_approval() -> None:
    report = _submitted()
    approved = incidents.approve(report, report.version, MANAGER, T0 + timedelta(hours=2)).report

    page = report_html.render(approved, SITE, [], [], "zh-CN", to_iso(T0 + timedelta(hours=3)))
    before = report_html.render(report, SITE, [], [], "zh-CN", to_iso(T0 + timedelta(hours=3)))

    assert "<tr><th>经理审批</th><td>mgr1 · 2026-" in page
    assert "经理审批" not in before


def test_a_report_sent_back_records_no_rung_of_its_ended_clock() -> None:
    draft = _draft()
    clock = clocks.plan(ClockKind.INCIDENT_REPORT, draft, draft.report_id, "ql", None, DEFAULT_LADDER, T0)
    assert clock is not None
    reached = clock.model_copy(update={"level": 1})
    due = datetime.fromisoformat(draft.due_at.replace("Z", "+00:00"))
    assert incidents.escalated(draft, reached, 1, due).report.escalation.level == 1  # a draft never submitted
    report = incidents.submit(draft, 1, DUTY_MANAGER, T0 + timedelta(hours=1)).report
    sent_back = incidents.send_back(report, report.version, "缺照片", MANAGER, T0 + timedelta(hours=2)).report

    with pytest.raises(ValueError, match="not to be recorded"):
        incidents.escalated(sent_back, reached, 1, due)


def test_a_manager_may_not_approve_a_report_they_submitted_but_may_send_it_back() -> None:
    """The approval is a second reading (ADR 0021): the submitter is refused, whatever the case of the name."""
    own = incidents.submit(_draft(), 1, MANAGER, T0 + timedelta(hours=1)).report
    other = staff("MGR1", Role.MANAGER)
    with pytest.raises(Forbidden, match="incident_own_report") as refused:
        incidents.approve(own, own.version, other, T0 + timedelta(hours=2))
    assert (refused.value.field, refused.value.params) == ("action", {"number": own.number})
    assert incidents.allowed_actions(own, MANAGER) == ["send_back", "evidence_pack", "verify"]
    assert incidents.send_back(own, own.version, "补照片", MANAGER, T0).report.state is ReportState.DRAFT
    second = staff("mgr2", Role.MANAGER)
    assert incidents.approve(own, own.version, second, T0).report.approved_by == "mgr2"
