"""A major complaint's corrective-action report (纠正措施报告, 001 part 2) and its clock: written by the
supervisors with a due day, due at the end of that site-local day, stopped by a manager's verification
(frontdesk.domain.corrective; the ``corrective_action`` row of frontdesk.domain.clocks)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from frontdesk.domain import clocks, corrective
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.models.clock import Clock, ClockKind, ClockState
from frontdesk.models.corrective import CorrectiveAction, VerifyCorrectiveAction, WriteCorrectiveAction
from frontdesk.models.escalation import DEFAULT_LADDER
from frontdesk.models.ticket import Kind, Severity

from .builders import DUTY_MANAGER, MANAGER, OPERATOR, SITE, T0, Walk, staff_request

TODAY = date(2026, 11, 22)  # T0 is 10:00 in Shanghai that day


def _complaint(severity: Severity = Severity.SERIOUS) -> Walk:
    return Walk(request=staff_request(Kind.COMPLAINT, category="security", severity=severity))


def _command(version: int = 0, due: date = TODAY + timedelta(days=7)) -> WriteCorrectiveAction:
    return WriteCorrectiveAction(
        version=version, cause="夜班保安培训不足", action="全员服务礼仪培训", owner="保安部 赵主管", due_date=due
    )


def _written(walk: Walk, due: date = TODAY + timedelta(days=7)) -> CorrectiveAction:
    return corrective.write(walk.ticket, None, _command(due=due), SITE, DUTY_MANAGER, walk.clock.now())


def _plan(report: CorrectiveAction, existing: Clock | None = None, now: datetime = T0) -> Clock:
    clock = clocks.plan(
        ClockKind.CORRECTIVE_ACTION, report, report.ticket_id, report.site_id, existing, DEFAULT_LADDER, now
    )
    assert clock is not None
    return clock


@pytest.mark.parametrize(
    ("severity", "needed"), [(Severity.NORMAL, False), (Severity.SERIOUS, True), (Severity.LEADERSHIP, True)]
)
def test_a_major_complaint_needs_a_report_and_an_ordinary_one_is_refused(severity: Severity, needed: bool) -> None:
    walk = _complaint(severity)
    assert corrective.required(walk.ticket) is needed
    if not needed:
        with pytest.raises(IllegalTransition) as refused:
            _written(walk)
        assert (refused.value.field, refused.value.code) == ("ticket_id", "corrective_not_major")


def test_the_report_is_due_at_the_end_of_its_site_local_day_and_its_clock_climbs_to_the_managers() -> None:
    report = _written(_complaint())
    assert (report.due_date, report.due_at) == ("2026-11-29", "2026-11-29T16:00:00.000Z")
    assert (report.written_by, report.version, report.verification) == ("dm1", 1, None)
    clock = _plan(report)
    assert (clock.state, clock.due, clock.gen) == (ClockState.RUNNING, report.due_at, 1)
    assert [(r.mailing_list, r.at) for r in clock.rungs] == [("centre_manager", report.due_at)]


def test_a_later_due_day_moves_the_clock_and_verification_stops_it() -> None:
    walk = _complaint()
    report = _written(walk)
    first = _plan(report)
    later = corrective.write(walk.ticket, report, _command(1, TODAY + timedelta(days=10)), SITE, MANAGER, T0)
    assert later.version == 2 and later.written_by == "dm1"
    moved = _plan(later, first)
    assert (moved.due, moved.gen) == ("2026-12-02T16:00:00.000Z", 2)

    verified = corrective.verify(later, VerifyCorrectiveAction(version=2, result="已培训，抽查合格"), MANAGER, T0)
    assert verified.verification is not None and verified.verification.by == "mgr1"
    met = _plan(verified, moved)
    assert met.state is ClockState.MET


def test_verified_after_the_due_day_the_clock_is_breached() -> None:
    report = _written(_complaint(), due=TODAY)
    clock = _plan(report)
    late = T0 + timedelta(days=2)
    verified = corrective.verify(report, VerifyCorrectiveAction(version=1, result="已落实"), MANAGER, late)
    breached = _plan(verified, clock, late)
    assert breached.state is ClockState.BREACHED and (breached.late_seconds or 0) > 0


def test_who_may_write_and_verify_and_what_is_refused() -> None:
    walk = _complaint()
    with pytest.raises(Forbidden):
        corrective.write(walk.ticket, None, _command(), SITE, OPERATOR, T0)
    with pytest.raises(InvalidInput) as past:
        _written(walk, due=TODAY - timedelta(days=1))
    assert (past.value.field, past.value.code) == ("due_date", "corrective_due_out_of_range")
    with pytest.raises(InvalidInput):
        _written(walk, due=TODAY + corrective.MAX_DUE + timedelta(days=1))
    report = _written(walk)
    with pytest.raises(VersionConflict):
        corrective.write(walk.ticket, report, _command(0), SITE, DUTY_MANAGER, T0)
    with pytest.raises(Forbidden):
        corrective.verify(report, VerifyCorrectiveAction(version=1, result="已落实"), DUTY_MANAGER, T0)
    verified = corrective.verify(report, VerifyCorrectiveAction(version=1, result="已落实"), MANAGER, T0)
    with pytest.raises(IllegalTransition) as twice:
        corrective.verify(verified, VerifyCorrectiveAction(version=2, result="再验"), MANAGER, T0)
    assert twice.value.code == "corrective_verified"
    with pytest.raises(IllegalTransition):
        corrective.write(walk.ticket, verified, _command(2), SITE, DUTY_MANAGER, T0)
