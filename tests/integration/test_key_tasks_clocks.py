"""The emergency key register's two other clocks on the clock engine (000 §3.10; 004 QW21-04 §4.5.6;
docs/decisions/0009, 0024), with the real state machine in moto on a virtual clock:
- after an override, "tell the client": met when the desk records it; not recorded, the duty manager
  is mailed at the due time — never a moment before — and the centre manager an hour later;
- the monthly key-cabinet audit: opened with its clock on the 25th by the scheduled run; filed on
  the 26th it is met; not filed, the managers are mailed at 17:30 on the 28th, never before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.key_audit import CheckKey, FileAudit
from frontdesk.models.keys import KeyUse, TellClient

from .lambda_support import OPERATOR
from .sla_support import DUTY_MANAGER, Harness, key_opened_in_an_emergency, sealed_key, site_harness, two_rungs_mailed

h = site_harness


def _tell_clock(h: Harness, use: KeyUse) -> Clock:
    return h.clocks.of_subject(SubjectType.KEY_USE, use.use_id)[ClockKind.KEY_TELL_CLIENT]


def _untold_mail(h: Harness) -> list[list[str]]:
    return [m.to for m in h.mail() if "未通知客户" in m.subject]


def _told(use: KeyUse, at: datetime) -> KeyUse:
    command = TellClient(version=use.version, told="张老师", how="phone", at=at.isoformat())
    return wiring.key_desk().tell_client(use.use_id, command, OPERATOR)


def test_the_client_told_in_time_meets_the_task(h: Harness) -> None:
    use = key_opened_in_an_emergency(h)
    assert _tell_clock(h, use).state is ClockState.RUNNING
    due = parse_iso(use.tell_due or "")
    h.advance_to(due - timedelta(minutes=30))
    _told(use, due - timedelta(minutes=45))
    h.advance_to(due + timedelta(hours=3))

    clock = _tell_clock(h, use)
    assert (clock.state, clock.level) == (ClockState.MET, 0)
    assert _untold_mail(h) == []
    assert wiring.key_desk().register("ql", OPERATOR).to_tell == ()


def test_the_client_not_told_escalates_never_early(h: Harness) -> None:
    use = key_opened_in_an_emergency(h)
    due = parse_iso(use.tell_due or "")
    assert [u.use_id for u in wiring.key_desk().register("ql", OPERATOR).to_tell] == [use.use_id]

    two_rungs_mailed(
        h,
        lambda: _tell_clock(h, use),
        lambda: _untold_mail(h),
        due,
        timedelta(hours=1),
        (["duty.manager@example.com"], ["centre.manager@example.com"]),
    )

    current = wiring.key_store().use(use.use_id)
    assert current is not None
    _told(current, due + timedelta(minutes=50))
    late = _tell_clock(h, use)
    assert late.state is ClockState.BREACHED and late.late_seconds == 3600


# -------------------------------------------------------------------------------- the cabinet audit

# Shanghai wall-clock times in November 2026, as UTC
THE_25TH = datetime(2026, 11, 24, 16, 0, 1, tzinfo=UTC)  # 25 Nov 00:00:01
THE_26TH = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 26 Nov 10:00
RESULT_DUE = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)  # 28 Nov 17:30


def _audit_clock(h: Harness) -> Clock:
    return h.clocks.of_subject(SubjectType.KEY_AUDIT, "ql-2026-11")[ClockKind.KEY_AUDIT]


def _audit_mail(h: Harness) -> list[list[str]]:
    return [m.to for m in h.mail() if "钥匙清理统计" in m.subject]


def test_the_audit_opens_on_the_25th_and_filed_in_the_window_is_met(h: Harness) -> None:
    audits = wiring.key_audits()
    first, second = sealed_key("101", "S-0001"), sealed_key("102", "S-0002")
    assert audits.open_due() == []  # the 23rd: not yet
    h.advance_to(THE_25TH)
    assert audits.open_due() == ["ql-2026-11"]
    assert audits.open_due() == []  # once
    h.settle()
    assert (_audit_clock(h).state, _audit_clock(h).due) == (ClockState.RUNNING, "2026-11-28T09:30:00.000Z")

    h.advance_to(THE_26TH)
    view = audits.start("ql", "2026-11", OPERATOR)
    version = view.audit.version
    for key, seen in ((first, "S-0001"), (second, "S-0999")):
        check = CheckKey(version=version, key_id=key.key_id, present=True, seal_intact=True, seal_number_seen=seen)
        version = audits.check("ql", "2026-11", check, OPERATOR).audit.version
    filed = audits.file("ql", "2026-11", FileAudit(version=version), DUTY_MANAGER).audit
    assert [(d.unit, d.finding.value, d.seal_seen) for d in filed.discrepancies] == [("102", "seal_mismatch", "S-0999")]

    h.advance_to(RESULT_DUE + timedelta(days=2))
    assert (_audit_clock(h).state, _audit_clock(h).level) == (ClockState.MET, 0)
    assert _audit_mail(h) == []


def test_an_audit_not_filed_on_the_28th_goes_to_the_managers_never_early(h: Harness) -> None:
    sealed_key()
    h.advance_to(THE_25TH)
    wiring.key_audits().open_due()
    h.settle()

    two_rungs_mailed(
        h,
        lambda: _audit_clock(h),
        lambda: _audit_mail(h),
        RESULT_DUE,
        timedelta(days=1),
        (["centre.manager@example.com"], ["dept.manager@example.com", "eng.manager@example.com"]),
    )
    assert _audit_clock(h).state is ClockState.RUNNING
