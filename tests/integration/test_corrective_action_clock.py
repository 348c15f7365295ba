"""A major complaint's corrective-action report (纠正措施报告, 001 part 2) on the real state machine, on
a virtual clock: not verified by the end of its due day, it escalates to the managers' list, never
early; verified in time, it never does; a later due day moves its clock."""

from __future__ import annotations

from datetime import date, timedelta

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.clock import Clock, ClockState, SubjectType
from frontdesk.models.corrective import VerifyCorrectiveAction, WriteCorrectiveAction
from frontdesk.models.ticket import Kind, Ticket

from .lambda_support import OPERATOR, Mail
from .sla_support import DUTY_MANAGER, MANAGER, MEMBERS, ONE_SECOND, Harness, site_harness

h = site_harness

DUE_DAY = date(2026, 11, 24)  # the harness starts on Monday 23 November, 09:00 in Shanghai
DUE = parse_iso("2026-11-24T16:00:00Z")  # the end of that day, site-local


def _major(h: Harness) -> Ticket:
    request = h.request(Kind.COMPLAINT, email="", category="security", severity="serious", description="保安态度恶劣")
    ticket = h.desk.open(request, OPERATOR).ticket
    h.settle()
    return ticket


def _write(ticket: Ticket, due: date = DUE_DAY, version: int = 0) -> None:
    command = WriteCorrectiveAction(
        version=version, cause="夜班保安培训不足", action="全员服务礼仪培训", owner="保安部 赵主管", due_date=due
    )
    wiring.corrective_desk().write(ticket.ticket_id, command, DUTY_MANAGER)


def _clock(h: Harness, ticket: Ticket) -> Clock:
    return h.clock(ticket, "corrective_action", SubjectType.CORRECTIVE_ACTION)


def _late_mail(h: Harness) -> list[Mail]:
    return [m for m in h.mail() if "纠正措施逾期未验证" in m.subject]


def test_a_corrective_action_not_verified_by_its_due_day_escalates_to_the_managers_and_never_early(h: Harness) -> None:
    ticket = _major(h)
    _write(ticket)
    h.settle()
    clock = _clock(h, ticket)
    assert (clock.state, parse_iso(clock.due)) == (ClockState.RUNNING, DUE)

    h.advance_to(DUE - ONE_SECOND)
    assert _late_mail(h) == [] and _clock(h, ticket).level == 0
    h.advance_to(DUE)
    h.wait_for(lambda: len(_late_mail(h)) == 1, "the corrective action's rung")
    (mail,) = _late_mail(h)
    assert mail.to == list(MEMBERS["centre_manager"])
    assert mail.subject.startswith(f"【纠正措施逾期未验证，第 1 级】投诉 {ticket.number}")
    assert "全员服务礼仪培训" in mail.body and "Owner: 保安部 赵主管" in mail.body
    assert _clock(h, ticket).level == 1
    h.stream.pump()
    assert len(_late_mail(h)) == 1 and h.stream.failures == []


def test_a_corrective_action_verified_in_time_never_escalates(h: Harness) -> None:
    ticket = _major(h)
    _write(ticket)
    h.settle()
    h.advance_to(DUE - timedelta(hours=5))
    verified = wiring.corrective_desk().verify(
        ticket.ticket_id, VerifyCorrectiveAction(version=1, result="已培训，抽查合格"), MANAGER
    )
    assert verified.report is not None and verified.report.verification is not None
    h.settle()
    clock = _clock(h, ticket)
    assert (clock.state, clock.early_seconds) == (ClockState.MET, 5 * 3600)
    h.advance_to(DUE + timedelta(days=1))
    assert _late_mail(h) == []
    assert [e["name"] for e in h.executions("RUNNING") if "corrective_action" in e["name"]] == []


def test_a_later_due_day_moves_the_clock(h: Harness) -> None:
    ticket = _major(h)
    _write(ticket)
    h.settle()
    later = DUE_DAY + timedelta(days=2)
    _write(ticket, later, version=1)
    h.settle()
    clock = _clock(h, ticket)
    assert (clock.gen, parse_iso(clock.due)) == (2, DUE + timedelta(days=2))
    h.advance_to(DUE + timedelta(hours=1))  # the old due time passes: nothing
    assert _late_mail(h) == []
    h.advance_to(DUE + timedelta(days=2))
    h.wait_for(lambda: len(_late_mail(h)) == 1, "the moved clock's rung")
