"""The monthly key-cabinet audit's rules (004 QW21-04 §4.5.6): started only on the 25th–27th of its
month (site-local dates), each key of the register checked once, the result filed once every key is
checked, with what does not match listed; due on the 28th at 17:30 site-local."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.domain import key_audit as audits
from frontdesk.domain.calendar import site_calendar
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.models.key_audit import AuditState, CheckKey, FileAudit, Finding, KeyAudit
from frontdesk.models.keys import EmergencyKey, KeyState

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR

CALENDAR = site_calendar("Asia/Shanghai", [])


def _local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Shanghai wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def _key(unit: str, seal: str, out: bool = False) -> EmergencyKey:
    return EmergencyKey(
        key_id=unit.rjust(32, "0"),
        site_id="ql",
        building_id="admin",
        unit=unit,
        seal_number=seal,
        state=KeyState.OUT if out else KeyState.SEALED,
        sealed_at="2026-11-01T02:00:00.000Z",
        sealed_by="op1",
        sealed_with="张老师",
    )


KEYS = [_key("102", "S-0002"), _key("101", "S-0001"), _key("103", "S-0003", out=True)]


IN_WINDOW = _local(26, 10)


def _started(now: datetime = IN_WINDOW) -> KeyAudit:
    return audits.start(None, "ql", "2026-11", KEYS, CALENDAR, OPERATOR, now)


def _check(audit: KeyAudit, unit: str, **fields: Any) -> KeyAudit:
    command = CheckKey.model_validate({"version": audit.version, "key_id": unit.rjust(32, "0"), **fields})
    return audits.check(audit, command, OPERATOR, _local(26, 11))


def test_the_months_audit_is_due_on_the_28th_at_the_end_of_the_day_shift() -> None:
    due = audits.due_audit("ql", "2026-11", CALENDAR)
    assert (due.state, due.opens_at, due.starts_by, due.due) == (
        AuditState.PENDING,
        "2026-11-24T16:00:00.000Z",  # 25 Nov 00:00 in Shanghai
        "2026-11-27T16:00:00.000Z",  # 28 Nov 00:00
        "2026-11-28T09:30:00.000Z",  # 28 Nov 17:30
    )
    assert due.audit_id == "ql-2026-11"


@pytest.mark.parametrize(
    "now",
    [
        _local(24, 23, 59),  # still the 24th, site-local
        _local(28, 0, 0),  # the 28th: too late to start
        _local(26, 10, month=10),  # the 26th of another month
    ],
)
def test_the_audit_starts_only_on_the_25th_to_the_27th_of_its_month(now: datetime) -> None:
    with pytest.raises(DomainError) as refused:
        _started(now)
    assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_AUDIT_OUTSIDE_WINDOW, "month")


@pytest.mark.parametrize("now", [_local(25, 0, 0), _local(27, 23, 59)])
def test_the_window_is_in_site_local_dates(now: datetime) -> None:
    assert _started(now).state is AuditState.RUNNING


def test_starting_takes_the_registers_keys_once() -> None:
    audit = _started()
    assert [(k.unit, k.seal_number, k.out) for k in audit.keys] == [
        ("101", "S-0001", False),
        ("102", "S-0002", False),
        ("103", "S-0003", True),
    ]
    assert (audit.started_by, audit.version) == ("op1", 1)
    with pytest.raises(DomainError) as again:
        audits.start(audit, "ql", "2026-11", KEYS, CALENDAR, OPERATOR, _local(26, 12))
    assert again.value.code is ErrorCode.KEY_AUDIT_STARTED
    pending = audits.due_audit("ql", "2026-11", CALENDAR)
    assert audits.start(pending, "ql", "2026-11", KEYS, CALENDAR, OPERATOR, _local(26, 12)).version == 2


def test_each_key_is_checked_once_and_findings_listed() -> None:
    audit = _started()
    audit = _check(audit, "101", present=True, seal_intact=True, seal_number_seen="S-0001")
    with pytest.raises(DomainError) as twice:
        _check(audit, "101", present=True, seal_intact=True, seal_number_seen="S-0001")
    assert (twice.value.code, twice.value.field) == (ErrorCode.KEY_AUDIT_CHECKED, "key_id")
    with pytest.raises(DomainError) as unknown:
        _check(audit, "999", present=False)
    assert (unknown.value.code, unknown.value.field) == (ErrorCode.KEY_AUDIT_UNKNOWN_KEY, "key_id")
    with pytest.raises(DomainError) as no_seal:
        _check(audit, "102", present=True, seal_intact=True)
    assert (no_seal.value.code, no_seal.value.field) == (ErrorCode.KEY_AUDIT_SEAL_SEEN, "seal_number_seen")
    with pytest.raises(VersionConflict):
        audits.check(audit, CheckKey(version=1, key_id="102".rjust(32, "0"), present=False), OPERATOR, _local(26, 11))

    audit = _check(audit, "102", present=True, seal_intact=False, seal_number_seen="S-0200")
    audit = _check(audit, "103", present=False)  # out on a registered use: accounted for
    assert [c.findings for c in audit.checks] == [(), (Finding.SEAL_BROKEN, Finding.SEAL_MISMATCH), ()]
    assert audits.view(audit).unchecked == ()


def test_a_key_neither_in_the_cabinet_nor_out_is_missing() -> None:
    audit = _check(_started(), "101", present=False)
    assert [(d.unit, d.finding) for d in audits.discrepancies(audit)] == [("101", Finding.MISSING)]


def test_the_result_is_filed_once_every_key_is_checked() -> None:
    audit = _check(_started(), "101", present=False)
    with pytest.raises(DomainError) as early:
        audits.file(audit, FileAudit(version=audit.version), DUTY_MANAGER, _local(27, 9))
    assert (early.value.code, early.value.field, early.value.params) == (
        ErrorCode.KEY_AUDIT_INCOMPLETE,
        "checks",
        {"left": 2},
    )
    audit = _check(audit, "102", present=True, seal_intact=True, seal_number_seen="S-0002")
    audit = _check(audit, "103", present=False)
    filed = audits.file(audit, FileAudit(version=audit.version, note="101 在工程部"), DUTY_MANAGER, _local(27, 9))
    assert (filed.state, filed.filed_by, filed.note) == (AuditState.FILED, "dm1", "101 在工程部")
    assert [(d.unit, d.finding) for d in filed.discrepancies] == [("101", Finding.MISSING)]
    with pytest.raises(DomainError) as after:
        audits.check(filed, CheckKey(version=filed.version, key_id="1" * 32, present=False), OPERATOR, _local(27, 10))
    assert after.value.code is ErrorCode.KEY_AUDIT_FILED


def test_a_pending_audit_takes_no_checks_and_only_the_desk_audits() -> None:
    pending = audits.due_audit("ql", "2026-11", CALENDAR)
    with pytest.raises(DomainError) as not_started:
        audits.check(pending, CheckKey(version=1, key_id="1" * 32, present=False), OPERATOR, _local(26, 10))
    assert not_started.value.code is ErrorCode.KEY_AUDIT_NOT_STARTED
    with pytest.raises(Forbidden):
        audits.start(None, "ql", "2026-11", KEYS, CALENDAR, ENGINEER, _local(26, 10))
