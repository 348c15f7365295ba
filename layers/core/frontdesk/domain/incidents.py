"""Incident reports as rules (000 §3.6, §3.9): who writes them, their number, their deadline, their
life (draft → submitted), and how an overdue report records its ladder. Pure: no boto3, no clock.

- The number is one series per site and site-local year: ``QL-IR-2026-007``. The adapter writes the
  counter and the report in one transaction, so a number is never skipped nor given twice.
- Due 24 h (general) or 12 h (major) after the occurrence, rounded up to the second (never early).
- The deadline is an ordinary clock (``ClockKind.INCIDENT_REPORT``, frontdesk.domain.clocks), written
  with the report; it climbs the site's ladder (by default the centre manager at the deadline, the
  department heads an hour later). Each rung it reaches is recorded here (``escalated``): a timeline
  event and a notice owed; the notices owed are sent and then recorded (``notified``), so a crash
  between the two re-sends, never loses, a notice.
- Submitting closes the report to changes, meets (or breaches) its clock and owes its mail to the
  managers and department heads.
- A manager then approves it (archived, final: 000 §3.5.2c 经理审批后存档) or sends it back to its
  writer as a draft, with a reason; the first submission keeps its outcome against the deadline
  (docs/decisions/0019-manager-approval-of-incident-reports.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from frontdesk.clock import deadline_iso, local_date, parse_iso, to_iso
from frontdesk.domain.clocks import late_seconds
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.escalation import CLOCK_ACTOR, rung_at
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import MANAGERS, SUPERVISORS, is_staff_in, require_staff_in
from frontdesk.domain.places import check_place
from frontdesk.models.clock import Clock, ClockKind, SubjectType
from frontdesk.models.escalation import DEPARTMENT_MANAGERS_LIST, MANAGER_LIST, Ladder
from frontdesk.models.frozen import project
from frontdesk.models.incident import (
    INCIDENT_CATEGORIES,
    IncidentReport,
    IncidentSeverity,
    NewIncidentReport,
    RegisterEntry,
    ReportEscalation,
    ReportEvent,
    ReportState,
    UpdateIncidentReport,
)
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Ticket

DUE_HOURS: Final = {IncidentSeverity.GENERAL: 24, IncidentSeverity.MAJOR: 12}
WRITERS: Final = SUPERVISORS
READERS: Final = WRITERS
# The 管业经理 approves; a duty manager writes and submits (000 §3.6a, §3.5.2c).
APPROVERS: Final = MANAGERS
# A report may be opened a little after the fact, never about the future (clock skew allowed).
FUTURE_SKEW: Final = timedelta(minutes=5)

# Mailing lists are the site's, kept by its managers (functions/staff_api/mailing_lists.py); the
# lists an overdue report's rungs go to are in the site's ladder (Ladder.incident_report).
SUBMISSION_LISTS: Final = (MANAGER_LIST, DEPARTMENT_MANAGERS_LIST)
SUBMITTED_NOTICE: Final = "submitted"


def resubmitted_notice(version: int) -> str:
    """The notice of a report submitted again after a send-back: one per submission (each is mailed)."""
    return f"{SUBMITTED_NOTICE}-{version}"


class NumberingBusy(DomainError, code=ErrorCode.NUMBERING_BUSY, status=503): ...


@dataclass(frozen=True)
class ReportChange:
    report: IncidentReport
    event: ReportEvent


# ------------------------------------------------------------------------------------------- who


def check_may_write(actor: Actor) -> None:
    require_staff_in(actor, WRITERS, "incident_report")


def check_may_read(actor: Actor) -> None:
    require_staff_in(actor, READERS, "read_incident_reports")


def check_may_approve(actor: Actor) -> None:
    if not is_staff_in(actor, APPROVERS):
        raise Forbidden(field="action", code=ErrorCode.INCIDENT_MANAGERS_ONLY)


def _is_submitter(report: IncidentReport, actor: Actor) -> bool:
    """User names are compared without case, as the user pool compares them (ADR 0016)."""
    return report.submitted_by is not None and report.submitted_by.casefold() == actor.id.casefold()


def _check_not_own(report: IncidentReport, actor: Actor) -> None:
    """The approval is a second person's reading (000 §3.5.2c): the submitter cannot approve (ADR 0021)."""
    if _is_submitter(report, actor):
        raise Forbidden(field="action", code=ErrorCode.INCIDENT_OWN_REPORT, number=report.number)


# ------------------------------------------------------------------------------------------- numbers and deadlines


def report_year(site: Site, now: datetime) -> int:
    return local_date(now, site.timezone).year


def report_id(site_id: str, year: int, seq: int) -> str:
    return f"{site_id}-{year}-{seq:04d}"


def report_number(site: Site, year: int, seq: int) -> str:
    return f"{site.code}-IR-{year}-{seq:03d}"


def due_at(severity: IncidentSeverity, occurred_at: datetime) -> str:
    return deadline_iso(occurred_at + timedelta(hours=DUE_HOURS[severity]))


def _awaited(report: IncidentReport) -> bool:
    """A draft never submitted: its deadline still runs (one sent back was submitted: its clock ended)."""
    return report.state is ReportState.DRAFT and report.submitted_at is None


def is_overdue(report: IncidentReport, now: datetime) -> bool:
    return _awaited(report) and report.due_at <= to_iso(now)


# ------------------------------------------------------------------------------------------- opening


@dataclass(frozen=True)
class Place:
    building_id: str
    unit: str
    place: str


def _place(site: Site, building_id: str | None, unit: str, place: str, ticket: Ticket | None) -> Place:
    if building_id is None and ticket is not None:
        building_id, unit = ticket.building_id, unit or ticket.unit
        place = place or ticket.location
    if building_id is not None:
        check_place(site, building_id, unit)
    if building_id is None and not place:
        raise InvalidInput(field="place", code=ErrorCode.INCIDENT_PLACE_REQUIRED)
    return Place(building_id or "", unit, place)


def _check_category(category: str) -> None:
    if category not in INCIDENT_CATEGORIES:
        raise InvalidInput(field="category", code=ErrorCode.UNKNOWN_CATEGORY)


def _check_occurred(occurred: datetime, now: datetime) -> None:
    if occurred > now + FUTURE_SKEW:
        raise InvalidInput(field="occurred_at", code=ErrorCode.INCIDENT_IN_FUTURE)


def open_report(
    request: NewIncidentReport,
    site: Site,
    ticket: Ticket | None,
    actor: Actor,
    now: datetime,
    seq: int,
) -> ReportChange:
    """The report numbered ``seq`` of the site's current year; validates everything first."""
    check_may_write(actor)
    if ticket is not None and ticket.site_id != site.site_id:
        raise InvalidInput(field="ticket_id", code=ErrorCode.INCIDENT_TICKET_OTHER_SITE)
    _check_category(request.category)
    _check_occurred(request.occurred_at, now)
    where = _place(site, request.building_id, request.unit, request.place, ticket)
    year = report_year(site, now)
    rid = report_id(site.site_id, year, seq)
    at = to_iso(now)
    # What the duty manager wrote (severity, category, details, action, police file, remarks,
    # open problems) is taken as written; the rest is the desk's.
    report = project(
        request,
        IncidentReport,
        report_id=rid,
        site_id=site.site_id,
        year=year,
        seq=seq,
        number=report_number(site, year, seq),
        state=ReportState.DRAFT,
        report_date=local_date(now, site.timezone).isoformat(),
        occurred_at=to_iso(request.occurred_at),
        due_at=due_at(request.severity, request.occurred_at),
        building_id=where.building_id,
        unit=where.unit,
        place=where.place,
        reported_by=actor.id,
        reported_by_name=request.reported_by_name or actor.id,
        ticket_id=ticket.ticket_id if ticket else None,
        ticket_number=ticket.number if ticket else None,
        created_at=at,
        updated_at=at,
    )
    detail = {"severity": report.severity.value, "due_at": report.due_at, "number": report.number}
    if ticket is not None:
        detail["ticket_number"] = ticket.number
    event = ReportEvent(
        report_id=rid, seq=1, at=at, actor=actor, action="create", from_state=None, to_state=report.state, detail=detail
    )
    return ReportChange(report, event)


# ------------------------------------------------------------------------------------------- changing


def _change(
    report: IncidentReport, actor: Actor, now: datetime, action: str, detail: dict[str, str], **updates: Any
) -> ReportChange:
    at = to_iso(now)
    new = evolve(report, {**updates, "updated_at": at, "version": report.version + 1})
    event = ReportEvent(
        report_id=report.report_id,
        seq=new.version,
        at=at,
        actor=actor,
        action=action,
        from_state=report.state,
        to_state=new.state,
        detail=detail,
    )
    return ReportChange(new, event)


def _check_draft(report: IncidentReport) -> None:
    if report.state is not ReportState.DRAFT:
        raise IllegalTransition(field="state", code=ErrorCode.INCIDENT_REPORT_SUBMITTED, number=report.number)


def _check_version(report: IncidentReport, version: int) -> None:
    if version != report.version:
        raise VersionConflict(field="version", code=ErrorCode.INCIDENT_VERSION_CONFLICT)


def update(
    report: IncidentReport, command: UpdateIncidentReport, site: Site, actor: Actor, now: datetime
) -> ReportChange:
    check_may_write(actor)
    _check_version(report, command.version)
    _check_draft(report)
    given = {name: getattr(command, name) for name in command.model_fields_set if name != "version"}
    given = {name: value for name, value in given.items() if value is not None}
    if "category" in given:
        _check_category(given["category"])
    updates: dict[str, Any] = {}
    occurred = parse_iso(report.occurred_at)
    if "occurred_at" in given:
        occurred = given.pop("occurred_at")
        _check_occurred(occurred, now)
        updates["occurred_at"] = to_iso(occurred)
    severity = given.get("severity", report.severity)
    if {"building_id", "unit", "place"} & set(given):
        where = _place(
            site,
            given.get("building_id", report.building_id or None),
            given.get("unit", report.unit),
            given.get("place", report.place),
            None,
        )
        given.update(building_id=where.building_id, unit=where.unit, place=where.place)
    updates.update(given)
    updates["due_at"] = due_at(severity, occurred)
    changed = sorted(name for name in updates if getattr(report, name) != updates[name])
    detail = {"fields": ",".join(changed)}
    if updates["due_at"] != report.due_at:
        detail["due_at"] = updates["due_at"]
    return _change(report, actor, now, "update", detail, **updates)


def submit(report: IncidentReport, version: int, actor: Actor, now: datetime) -> ReportChange:
    """Complete reports only: what happened, what was done at once, and where (000 §3.9). A report
    sent back and submitted again keeps its first submission's time and outcome against the deadline."""
    check_may_write(actor)
    _check_version(report, version)
    _check_draft(report)
    for name in ("details", "immediate_action"):
        if not getattr(report, name):
            raise InvalidInput(field=name, code=ErrorCode.INCIDENT_FIELD_REQUIRED)
    at = to_iso(now)
    first = report.submitted_at is None
    submitted_at = at if first else report.submitted_at
    on_time = at <= report.due_at if first else report.on_time
    detail = {"on_time": str(on_time).lower(), "due_at": report.due_at}
    notice = SUBMITTED_NOTICE if first else resubmitted_notice(report.version + 1)
    if not first:
        detail["resubmitted"] = "true"
    return _change(
        report,
        actor,
        now,
        "submit",
        detail,
        state=ReportState.SUBMITTED,
        submitted_at=submitted_at,
        submitted_by=actor.id,
        on_time=on_time,
        owed=(*report.owed, notice),
    )


def _check_submitted(report: IncidentReport) -> None:
    if report.state is not ReportState.SUBMITTED:
        raise IllegalTransition(
            field="state", code=ErrorCode.INCIDENT_NOT_SUBMITTED, number=report.number, state=report.state.value
        )


def approve(report: IncidentReport, version: int, actor: Actor, now: datetime) -> ReportChange:
    """A manager approves a submitted report: archived, closed to every change (000 §3.5.2c)."""
    check_may_approve(actor)
    _check_version(report, version)
    _check_submitted(report)
    _check_not_own(report, actor)
    at = to_iso(now)
    return _change(report, actor, now, "approve", {}, state=ReportState.APPROVED, approved_at=at, approved_by=actor.id)


def send_back(report: IncidentReport, version: int, reason: str, actor: Actor, now: datetime) -> ReportChange:
    """A manager returns a submitted report to draft, saying what is missing; its writer completes it
    and submits it again."""
    check_may_approve(actor)
    _check_version(report, version)
    _check_submitted(report)
    return _change(report, actor, now, "send_back", {"reason": reason}, state=ReportState.DRAFT, returned_reason=reason)


# ------------------------------------------------------------------------------------------- the overdue ladder

ESCALATION_PREFIX: Final = "escalation-"


def escalation_notice(level: int) -> str:
    return f"{ESCALATION_PREFIX}{level}"


def escalation_level(notice: str) -> int | None:
    """The rung an escalation notice is about; None for any other notice."""
    if not notice.startswith(ESCALATION_PREFIX):
        return None
    return int(notice.removeprefix(ESCALATION_PREFIX))


def escalated(report: IncidentReport, clock: Clock, level: int, now: datetime) -> ReportChange:
    """The rung ``level`` (1-based) the report's clock reached, recorded on the draft: its escalation,
    a timeline event and the notice owed. Only the next rungs of a draft, and only its own clock's."""
    if clock.subject_type is not SubjectType.REPORT or clock.kind is not ClockKind.INCIDENT_REPORT:
        raise ValueError(f"{clock.clock_id} is not an incident report's clock")
    if clock.subject_id != report.report_id:
        raise ValueError(f"{clock.clock_id} is not the clock of {report.report_id}")
    reached = min(clock.level, len(clock.rungs))
    if not _awaited(report) or not report.escalation.level < level <= reached:
        raise ValueError(f"{report.report_id}: rung {level} is not to be recorded")
    at = rung_at(clock, level)
    return _change(
        report,
        CLOCK_ACTOR,
        now,
        "escalate",
        {
            "level": str(level),
            "mailing_list": clock.rungs[level - 1].mailing_list,
            "due_at": clock.due,
            "late_seconds": str(late_seconds(clock, at)),
        },
        escalation=ReportEscalation(level=level, at=at),
        owed=(*report.owed, escalation_notice(level)),
    )


def notice_lists(notice: str, ladder: Ladder) -> tuple[str, ...]:
    """The mailing lists a notice goes to: an escalation's, its rung's in the site's ladder as it is now."""
    level = escalation_level(notice)
    if level is None:
        return SUBMISSION_LISTS
    return (ladder.rung(ClockKind.INCIDENT_REPORT, level).mailing_list,)


def notified(
    report: IncidentReport, notice: str, lists: tuple[str, ...], recipients: int, now: datetime
) -> ReportChange:
    """Record that a notice went out to ``lists`` (or had nobody to go to)."""
    if notice not in report.owed:
        raise ValueError(f"{report.report_id} does not owe {notice}")
    updates: dict[str, Any] = {"owed": tuple(n for n in report.owed if n != notice)}
    if notice == SUBMITTED_NOTICE:
        updates["mailed_at"] = to_iso(now)
    detail = {"notice": notice, "mailing_lists": ",".join(lists), "recipients": str(recipients)}
    return _change(report, CLOCK_ACTOR, now, "notify", detail, **updates)


# ------------------------------------------------------------------------------------------- views


def allowed_actions(report: IncidentReport, actor: Actor) -> list[str]:
    if not is_staff_in(actor, WRITERS):
        return []
    actions = ["update", "submit", "photos"] if report.state is ReportState.DRAFT else []
    if report.state is ReportState.SUBMITTED and is_staff_in(actor, APPROVERS):
        actions = ["send_back"] if _is_submitter(report, actor) else ["approve", "send_back"]
    return [*actions, "evidence_pack", "verify"]


def register_entry(report: IncidentReport, now: datetime) -> RegisterEntry:
    return project(
        report,
        RegisterEntry,
        overdue=is_overdue(report, now),
        escalation_level=report.escalation.level,
        place=report.place or report.unit or report.building_id,
    )
