"""The monthly key-cabinet audit's rules (004 QW21-04 §4.5.6: "每月25–27日对所有钥匙进行清理统计,
并将统计情况于当月28日上报").

- A site's audit of a month is due from the 25th; it can be started only on the 25th, 26th or 27th
  (site-local dates) of that month; starting it takes the register's keys as they are then.
- Each key is checked once: in the cabinet or not, the seal intact, the seal number seen.
- Findings: a key neither in the cabinet nor out on a registered use is missing; a broken seal; a
  seal number other than the register's.
- The result is filed once every key is checked, with the discrepancies listed; it is due on the
  28th by the end of the day shift (17:30 site-local), else it escalates (the ``key_audit`` clock).
  Filing late is still allowed (the clock is then breached).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Final

from frontdesk.clock import deadline_iso, to_iso
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import DomainError, ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.keys import check_may_use
from frontdesk.models.frozen import project
from frontdesk.models.key_audit import (
    AuditedKey,
    AuditState,
    CheckKey,
    Discrepancy,
    FileAudit,
    Finding,
    KeyAudit,
    KeyAuditView,
    KeyCheck,
)
from frontdesk.models.keys import EmergencyKey, KeyState
from frontdesk.models.ticket import Actor

FIRST_DAY: Final = 25
LAST_DAY: Final = 27
RESULT_DAY: Final = 28


class KeyAuditNotFound(DomainError, code=ErrorCode.KEY_AUDIT_NOT_FOUND, status=404): ...


def month_of(calendar: Calendar, moment: datetime) -> str:
    return calendar.local(moment).strftime("%Y-%m")


def in_window(calendar: Calendar, moment: datetime) -> bool:
    return FIRST_DAY <= calendar.local(moment).day <= LAST_DAY


def due_audit(site_id: str, month: str, calendar: Calendar) -> KeyAudit:
    """The month's audit, pending: its window and its due time in the site's calendar."""
    year, number = (int(part) for part in month.split("-"))
    return KeyAudit(
        site_id=site_id,
        month=month,
        opens_at=to_iso(calendar.at(date(year, number, FIRST_DAY), time(0, 0))),
        starts_by=to_iso(calendar.at(date(year, number, LAST_DAY + 1), time(0, 0))),
        due=deadline_iso(calendar.at(date(year, number, RESULT_DAY), calendar.hours.day_end)),
    )


def start(
    audit: KeyAudit | None,
    site_id: str,
    month: str,
    keys: Sequence[EmergencyKey],
    calendar: Calendar,
    actor: Actor,
    now: datetime,
) -> KeyAudit:
    """Started on the 25th–27th of its own month (site-local), with the register's keys as they are."""
    check_may_use(actor)
    if month_of(calendar, now) != month or not in_window(calendar, now):
        raise IllegalTransition(field="month", code=ErrorCode.KEY_AUDIT_OUTSIDE_WINDOW)
    pending = audit or due_audit(site_id, month, calendar)
    if pending.state is not AuditState.PENDING:
        raise IllegalTransition(field="month", code=ErrorCode.KEY_AUDIT_STARTED)
    snapshot = tuple(
        project(key, AuditedKey, out=key.state is KeyState.OUT)
        for key in sorted(keys, key=lambda k: (k.building_id, k.unit))
    )
    return evolve(
        pending,
        {
            "state": AuditState.RUNNING,
            "keys": snapshot,
            "started_at": to_iso(now),
            "started_by": actor.id,
            "version": pending.version + 1 if audit else 1,
        },
    )


def _versioned(audit: KeyAudit, version: int) -> None:
    if version != audit.version:
        raise VersionConflict(field="version", expected=audit.version, given=version)


def _running(audit: KeyAudit) -> None:
    if audit.state is AuditState.PENDING:
        raise IllegalTransition(field="month", code=ErrorCode.KEY_AUDIT_NOT_STARTED)
    if audit.state is AuditState.FILED:
        raise IllegalTransition(field="month", code=ErrorCode.KEY_AUDIT_FILED)


def findings(key: AuditedKey, check: CheckKey) -> tuple[Finding, ...]:
    if not check.present:
        return () if key.out else (Finding.MISSING,)
    found: list[Finding] = []
    if not check.seal_intact:
        found.append(Finding.SEAL_BROKEN)
    if check.seal_number_seen != key.seal_number:
        found.append(Finding.SEAL_MISMATCH)
    return tuple(found)


def check(audit: KeyAudit, command: CheckKey, actor: Actor, now: datetime) -> KeyAudit:
    """One key checked, once."""
    check_may_use(actor)
    _running(audit)
    _versioned(audit, command.version)
    key = next((k for k in audit.keys if k.key_id == command.key_id), None)
    if key is None:
        raise InvalidInput(field="key_id", code=ErrorCode.KEY_AUDIT_UNKNOWN_KEY)
    if any(c.key_id == command.key_id for c in audit.checks):
        raise IllegalTransition(field="key_id", code=ErrorCode.KEY_AUDIT_CHECKED)
    if command.present and command.seal_number_seen is None:
        raise InvalidInput(field="seal_number_seen", code=ErrorCode.KEY_AUDIT_SEAL_SEEN)
    checked = KeyCheck(
        key_id=key.key_id,
        present=command.present,
        seal_intact=command.seal_intact if command.present else False,
        seal_number_seen=command.seal_number_seen if command.present else None,
        note=command.note,
        findings=findings(key, command),
        checked_by=actor.id,
        checked_at=to_iso(now),
    )
    return evolve(audit, {"checks": (*audit.checks, checked), "version": audit.version + 1})


def discrepancies(audit: KeyAudit) -> tuple[Discrepancy, ...]:
    by_id = {k.key_id: k for k in audit.keys}
    return tuple(
        Discrepancy(
            key_id=c.key_id,
            building_id=by_id[c.key_id].building_id,
            unit=by_id[c.key_id].unit,
            finding=finding,
            expected_seal=by_id[c.key_id].seal_number,
            seal_seen=c.seal_number_seen,
        )
        for c in audit.checks
        for finding in c.findings
    )


def unchecked(audit: KeyAudit) -> tuple[str, ...]:
    done = {c.key_id for c in audit.checks}
    return tuple(k.key_id for k in audit.keys if k.key_id not in done)


def file(audit: KeyAudit, command: FileAudit, actor: Actor, now: datetime) -> KeyAudit:
    """The result, once every key is checked: its discrepancies listed (meets or breaches the clock)."""
    check_may_use(actor)
    _running(audit)
    _versioned(audit, command.version)
    if unchecked(audit):
        raise InvalidInput(field="checks", code=ErrorCode.KEY_AUDIT_INCOMPLETE, left=len(unchecked(audit)))
    return evolve(
        audit,
        {
            "state": AuditState.FILED,
            "filed_at": to_iso(now),
            "filed_by": actor.id,
            "note": command.note,
            "discrepancies": discrepancies(audit),
            "version": audit.version + 1,
        },
    )


def view(audit: KeyAudit) -> KeyAuditView:
    return KeyAuditView(audit=audit, unchecked=unchecked(audit), discrepancies=discrepancies(audit))
