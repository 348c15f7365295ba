"""Callbacks (回访): which ticket events call for one, when it is due, and what recording one does.
Pure rules: the calendar and the times are passed in. docs/decisions/0023-callbacks-and-business-calendars.md.

**Which callbacks** (001 part 11 §4.1.1-4.1.2; 000 §3.1d; 001 part 2):
- every complaint, when it is handled: due by the end of the 3rd business day after (100 %);
- a key repair, when it is completed: from the next business morning to the end of the 3rd
  business day after. A repair is *key* (``is_key_repair``) when it is an emergency, when its
  category touches many people (lifts, public facilities), or when one of its clocks escalated
  during the run just completed (the client already waited too long);
- the special callback: 24 h after a rework that a failed callback triggered is completed;
- a repair of the weekly sample (frontdesk.domain.sampling): from 1 month to the end of the
  business day 2 months after its completion;
- a first aid (an emergency ticket of the ``first_aid`` category), when it is completed: within a
  week, read as 5 business days (001 p11 §4.1.1d, 100 %); it is not also a key repair;
- the month's top 3 repairs and the activities' sample: drawn (frontdesk.domain.monthly_callbacks).

**Reassigning** (``reassign``): an open callback is given to another member of the desk; each
change is kept on the callback (who, when, from whom).

**Recording** one attempt (``record``): reached, the manual's record is complete (the three marks
and the client's confirmation) and the result is satisfied or unsatisfied; unreachable attempts are
kept, and the third on a different site-local day closes the callback as unreachable. A failed
repair callback (the defect remains) sends the repair back to work at once (``rework``), dispatched
to the engineer who did it; an unsatisfied complaint callback reopens the complaint (``reopen``).
"""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain import lifecycle
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.lifecycle import Change
from frontdesk.models import commands as cmd
from frontdesk.models.callback import (
    UNREACHABLE_DAYS,
    Attempt,
    Callback,
    CallbackIn,
    CallbackState,
    Method,
    ReassignIn,
    Reassignment,
    Result,
    SurveyIn,
)
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.site import Site
from frontdesk.models.ticket import (
    FIRST_AID,
    Actor,
    ActorKind,
    Channel,
    Kind,
    Resolution,
    Status,
    Ticket,
    TimelineEvent,
)

COMPLAINT_BUSINESS_DAYS: Final = 3
KEY_REPAIR_BUSINESS_DAYS: Final = 3
SPECIAL_HOURS: Final = 24
# "Within one week" of a first aid (001 p11 §4.1.1d 一周内): a working week of the site's calendar.
FIRST_AID_BUSINESS_DAYS: Final = 5
# Repairs that touch many people at once (000 §3.1f: "影响面较大").
KEY_REPAIR_CATEGORIES: Final = frozenset({"elevator", "public_facility"})
REPAIR_LIKE: Final = lifecycle.REPAIR_LIKE
# The ticket states a failed callback can send back to work, and a complaint it can reopen from.
REWORKABLE: Final = frozenset({Status.COMPLETED, Status.CLOSED})
REOPENABLE: Final = frozenset({Status.HANDLED, Status.REPLIED, Status.CLOSED})
# The fields a reached callback must carry (001 part 11 §4.1.4 a-c, §4.3: the client confirms).
RECORD_FIELDS: Final = ("quality", "effect", "satisfaction")


def is_key_repair(ticket: Ticket) -> bool:
    return (
        ticket.kind is Kind.EMERGENCY
        or (ticket.kind is Kind.REPAIR and ticket.category in KEY_REPAIR_CATEGORIES)
        or ticket.escalation.level > 0
    )


def is_first_aid(ticket: Ticket) -> bool:
    return ticket.kind is Kind.EMERGENCY and ticket.category == FIRST_AID


def callback_id(ticket_id: str, seq: int) -> str:
    """One callback per ticket event: a replayed stream record finds it there."""
    return f"{ticket_id}-{seq}"


def for_event(ticket: Ticket, event: TimelineEvent, calendar: Calendar, reworked: bool) -> Callback | None:
    """The callback this ticket event calls for, if any. ``reworked``: the run just completed is the
    rework of a failed callback (its special callback is due 24 h after)."""
    at = parse_iso(event.at)
    earliest: datetime | None = None
    if event.action == "handle" and ticket.kind is Kind.COMPLAINT:
        reason, due = CallbackReason.COMPLAINT, calendar.business_days_after(at, COMPLAINT_BUSINESS_DAYS)
    elif event.action == "complete" and ticket.kind in REPAIR_LIKE and reworked:
        reason, due = CallbackReason.SPECIAL, at + timedelta(hours=SPECIAL_HOURS)
    elif event.action == "complete" and is_first_aid(ticket):
        reason, due = CallbackReason.FIRST_AID, calendar.business_days_after(at, FIRST_AID_BUSINESS_DAYS)
    elif event.action == "complete" and ticket.kind in REPAIR_LIKE and is_key_repair(ticket):
        reason, due = CallbackReason.KEY_REPAIR, calendar.business_days_after(at, KEY_REPAIR_BUSINESS_DAYS)
        earliest = calendar.next_business_morning(at)
    else:
        return None
    return of_ticket(
        ticket,
        callback_id(ticket.ticket_id, event.seq),
        reason,
        event.at,
        due,
        assignee(ticket, event),
        earliest=earliest,
    )


def of_ticket(
    ticket: Ticket,
    callback_id: str,
    reason: CallbackReason,
    created_at: str,
    due: datetime,
    assignee: str,
    earliest: datetime | None = None,
) -> Callback:
    """A callback of `ticket` (every kind of callback is one: event, sample, top 3, activity)."""
    return Callback(
        callback_id=callback_id,
        site_id=ticket.site_id,
        ticket_id=ticket.ticket_id,
        ticket_number=ticket.number,
        ticket_kind=ticket.kind.value,
        reason=reason,
        created_at=created_at,
        earliest=to_iso(earliest) if earliest else None,
        due=deadline_iso(due),
        assignee=assignee,
        unit=ticket.unit,
        building_id=ticket.building_id,
    )


def desk_taker(ticket: Ticket) -> str:
    """Who took the request at the desk; nobody for one the client sent from the web form."""
    return ticket.received_by if ticket.channel is not Channel.WEB else ""


def assignee(ticket: Ticket, event: TimelineEvent) -> str:
    """Who calls back (000 §1.2d: one person follows each request): whoever took the request at the
    desk; for a request the client sent from the web form, whoever at the desk handled it; else
    nobody yet (the queue shows it unassigned)."""
    if ticket.channel is Channel.WEB and event.actor.kind is ActorKind.STAFF and event.action == "handle":
        return event.actor.id
    return desk_taker(ticket)


def months_after(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it has fewer), same time of day."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar_module.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def sample_id(ticket_id: str, week: str) -> str:
    """One sample callback per ticket and week (``…-s2026w48``)."""
    return f"{ticket_id}-s{week.replace('-W', 'w')}"


def for_sample(ticket: Ticket, week: str, calendar: Calendar, at: datetime) -> Callback:
    """A repair of the week's sample: called back 1 to 2 months after its completion (001 p11 §4.1.1b)."""
    completed = parse_iso(ticket.completed_at or to_iso(at))
    return of_ticket(
        ticket,
        sample_id(ticket.ticket_id, week),
        CallbackReason.SAMPLE,
        to_iso(at),
        calendar.business_days_after(months_after(completed, 2), 0),
        desk_taker(ticket),
        earliest=months_after(completed, 1),
    )


class Then(StrEnum):
    """What a recorded attempt does to the ticket besides the callback."""

    NOTHING = ""
    REWORK = "rework"  # the repair back to work at once; a special callback after it
    REOPEN = "reopen"  # the complaint handled again (and called back again)


@dataclass(frozen=True)
class Recorded:
    callback: Callback
    then: Then


def answered(callback: Callback, survey: SurveyIn) -> CallbackIn:
    """The client's survey answer as an attempt: by the link, confirmed by the client giving it."""
    fields: dict[str, Any] = {
        **survey.model_dump(),
        "version": callback.version,
        "method": Method.LINK,  # not one the desk may give (CallbackIn refuses it): built, not validated
        "client_confirmed": True,
    }
    return CallbackIn.model_construct(**fields)


def record(callback: Callback, attempt: CallbackIn, actor: Actor, calendar: Calendar, now: datetime) -> Recorded:
    if not callback.is_open:
        raise IllegalTransition(field="callback_id", code=ErrorCode.CALLBACK_CLOSED, state=callback.state.value)
    if attempt.version != callback.version:
        raise VersionConflict(field="version", code=ErrorCode.CALLBACK_VERSION_CONFLICT)
    reached = attempt.result is not Result.UNREACHABLE
    if reached:
        for name in RECORD_FIELDS:
            if getattr(attempt, name) is None:
                raise InvalidInput(field=name, code=ErrorCode.CALLBACK_FIELD_REQUIRED)
        if not attempt.client_confirmed:
            raise InvalidInput(field="client_confirmed", code=ErrorCode.CALLBACK_FIELD_REQUIRED)
    if attempt.defect_remains and attempt.result is not Result.UNSATISFIED:
        raise InvalidInput(field="defect_remains", code=ErrorCode.CALLBACK_SATISFIED_WITH_DEFECT)
    day = calendar.local(now).date().isoformat()
    fields: dict[str, Any] = attempt.model_dump(exclude={"version"})
    done = Attempt(at=to_iso(now), local_day=day, by=actor.id, **fields)
    attempts = (*callback.attempts, done)
    updates: dict[str, Any] = {"attempts": attempts, "version": callback.version + 1}
    then = Then.NOTHING
    if attempt.result is Result.SATISFIED:
        updates.update(state=CallbackState.SATISFIED, done_at=to_iso(now))
    elif attempt.result is Result.UNSATISFIED:
        updates.update(state=CallbackState.UNSATISFIED, done_at=to_iso(now))
        if callback.ticket_kind == Kind.COMPLAINT.value:
            then = Then.REOPEN
        elif attempt.defect_remains:
            then = Then.REWORK
    elif len({a.local_day for a in attempts if a.result is Result.UNREACHABLE}) >= UNREACHABLE_DAYS:
        updates.update(state=CallbackState.UNREACHABLE, done_at=to_iso(now))
    return Recorded(evolve(callback, updates), then)


def summary_detail(callback: Callback) -> dict[str, str]:
    """What the ticket keeps of a concluded callback (the callback itself expires after 2 years)."""
    detail = {
        "callback_id": callback.callback_id,
        "callback_reason": callback.reason.value,
        "result": callback.state.value,
        "attempts": str(len(callback.attempts)),
        "on_time": str(bool(callback.done_at and callback.done_at <= callback.due)).lower(),
    }
    last = callback.attempts[-1] if callback.attempts else None
    if last is not None:
        detail["method"] = last.method.value
    if last is not None and last.satisfaction is not None:
        detail["satisfaction"] = str(last.satisfaction)
    return detail


def summary(ticket: Ticket, callback: Callback, actor: Actor, now: datetime) -> Change:
    """A concluded callback on the ticket's timeline (``callback``): the ticket keeps its summary."""
    step = lifecycle.Step(ticket.status, {"updated_at": ticket.updated_at}, summary_detail(callback))
    return lifecycle.recorded(ticket, actor, "callback", step, now)


def reassign(callback: Callback, request: ReassignIn, assignee: str, actor: Actor, now: datetime) -> Callback:
    """An open callback given to ``assignee`` (the desk's spelling of the name asked for), kept on its record."""
    if not callback.is_open:
        raise IllegalTransition(field="callback_id", code=ErrorCode.CALLBACK_CLOSED, state=callback.state.value)
    if request.version != callback.version:
        raise VersionConflict(field="version", code=ErrorCode.CALLBACK_VERSION_CONFLICT)
    if assignee == callback.assignee:
        raise InvalidInput(field="assignee", code=ErrorCode.CALLBACK_SAME_ASSIGNEE)
    change = Reassignment(at=to_iso(now), by=actor.id, before=callback.assignee, after=assignee)
    return evolve(
        callback,
        {"assignee": assignee, "reassigned": (*callback.reassigned, change), "version": callback.version + 1},
    )


def cancelled(callback: Callback, at: datetime) -> Callback:
    """The ticket was cancelled: its open callback ends with it (its clock is cancelled, not breached)."""
    return evolve(callback, {"state": CallbackState.CANCELLED, "done_at": to_iso(at), "version": callback.version + 1})


def rework(ticket: Ticket, callback: Callback, actor: Actor, site: Site, now: datetime) -> Change:
    """The repair back to work at once, dispatched to the engineer who did it: a new run (new
    arrival and completion deadlines from now), recorded as ``rework`` on the ticket's timeline."""
    if ticket.status not in REWORKABLE or ticket.assignment is None:
        raise IllegalTransition(field="defect_remains", code=ErrorCode.CALLBACK_TICKET_IN_WORK)
    assignment = ticket.assignment
    reopened = evolve(
        ticket,
        {
            "status": Status.REOPENED,
            "completed_at": None,
            "closed_at": None,
            "acceptance": None,
            "resolution": Resolution.OPEN,
        },
    )
    dispatch = cmd.Dispatch(version=ticket.version, department=assignment.department, assignee=assignment.assignee)
    step = lifecycle.TRANSITIONS["dispatch"].rule(reopened, dispatch, lifecycle.Context(site, now, actor))
    step = lifecycle.Step(step.to, step.updates, {**step.detail, **summary_detail(callback)})
    change = lifecycle.recorded(reopened, actor, "rework", step, now)
    return Change(change.ticket, evolve(change.event, {"from_status": ticket.status}))


def reopen(ticket: Ticket, callback: Callback, actor: Actor, now: datetime) -> Change:
    """An unsatisfied complaint callback: the complaint is received again, to be handled again."""
    if ticket.status not in REOPENABLE:
        raise IllegalTransition(field="result", code=ErrorCode.CALLBACK_TICKET_IN_WORK)
    step = lifecycle.Step(
        Status.RECEIVED,
        {"closed_at": None, "resolution": Resolution.OPEN},
        summary_detail(callback),
    )
    return lifecycle.recorded(ticket, actor, "reopen", step, now)
