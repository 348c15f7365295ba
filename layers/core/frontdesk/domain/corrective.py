"""The corrective-action report of a major complaint (纠正措施报告, 001 part 2): a serious complaint, or
one for company leadership (a compensation claim, a complaint against the office head), gets one.

- The supervisors write it: cause, action, owner, and the site-local day the action is done by
  (from today to ``MAX_DUE`` ahead). It may be rewritten until it is verified; a new due date moves
  its clock (a new generation).
- A manager verifies it was done (who, when, the result): that stops its clock, met or breached.
- Not verified by the end of its due day, the clock escalates to the managers' list (never early).
Pure: no I/O, times passed in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import deadline_iso, end_of_local_day, to_iso
from frontdesk.domain.errors import ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import require_staff_to
from frontdesk.models.corrective import CorrectiveAction, Verification, VerifyCorrectiveAction, WriteCorrectiveAction
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Kind, Severity, Ticket

MAJOR: Final = frozenset({Severity.SERIOUS, Severity.LEADERSHIP})
# The furthest a due date may be set: a quarter and a bit (the statistics are quarterly).
MAX_DUE: Final = timedelta(days=120)


def required(ticket: Ticket) -> bool:
    """A major complaint needs a corrective-action report."""
    return ticket.kind is Kind.COMPLAINT and ticket.severity in MAJOR


def check_may_read(actor: Actor) -> None:
    require_staff_to(actor, "read")


def _due_at(site: Site, due_date: date) -> str:
    """The end of the due day, site-local: the action may be done any time that day."""
    start = datetime(due_date.year, due_date.month, due_date.day, 12, tzinfo=ZoneInfo(site.timezone))
    return deadline_iso(end_of_local_day(start, site.timezone))


def write(
    ticket: Ticket,
    existing: CorrectiveAction | None,
    command: WriteCorrectiveAction,
    site: Site,
    actor: Actor,
    now: datetime,
) -> CorrectiveAction:
    require_staff_to(actor, "corrective_action")
    if not required(ticket):
        raise IllegalTransition(field="ticket_id", code=ErrorCode.CORRECTIVE_NOT_MAJOR)
    current = existing.version if existing else 0
    if command.version != current:
        raise VersionConflict(field="version", expected=current, given=command.version)
    if existing is not None and existing.verification is not None:
        raise IllegalTransition(field="action", code=ErrorCode.CORRECTIVE_VERIFIED)
    today = now.astimezone(ZoneInfo(site.timezone)).date()
    if not today <= command.due_date <= today + MAX_DUE:
        raise InvalidInput(field="due_date", code=ErrorCode.CORRECTIVE_DUE_OUT_OF_RANGE, days=MAX_DUE.days)
    at = to_iso(now)
    fields = {
        "cause": command.cause,
        "action": command.action,
        "owner": command.owner,
        "due_date": command.due_date.isoformat(),
        "due_at": _due_at(site, command.due_date),
        "updated_at": at,
    }
    if existing is not None:
        return evolve(existing, {**fields, "version": existing.version + 1})
    return CorrectiveAction(
        ticket_id=ticket.ticket_id,
        site_id=ticket.site_id,
        number=ticket.number,
        version=1,
        written_by=actor.id,
        written_at=at,
        **fields,
    )


def verify(report: CorrectiveAction, command: VerifyCorrectiveAction, actor: Actor, now: datetime) -> CorrectiveAction:
    """The action checked and found done: the report's clock is met (or breached, if late)."""
    require_staff_to(actor, "verify_action")
    if command.version != report.version:
        raise VersionConflict(field="version", expected=report.version, given=command.version)
    if report.verification is not None:
        raise IllegalTransition(field="action", code=ErrorCode.CORRECTIVE_VERIFIED)
    at = to_iso(now)
    verification = Verification(by=actor.id, at=at, result=command.result)
    return evolve(report, {"verification": verification, "version": report.version + 1, "updated_at": at})
