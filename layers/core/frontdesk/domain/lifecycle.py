"""The lifecycle of a ticket as explicit transitions with guards.

Repair-like kinds (repair, paid service, emergency):
    received → declined | dispatched → arrived → [quoted → in_progress | closed] → completed
    → closed (satisfied) | reopened (unsatisfied) → dispatched …; arrived/in_progress → unfinished.
Complaints: received → handled → replied → closed. Inquiries: received → replied → closed.

Every ticket can always move (docs/decisions/0016-every-ticket-can-always-move.md): the desk can
reassign work in hand to another engineer (the client's deadline stands) or dispatch an unarrived
visit again (a new run, a new arrival deadline); an engineer can take an unassigned repair; a duty
manager can cancel any open ticket, with a reason. The engineer named must be one of the site's
engineers when the caller gives the roster (``engineers``).

Every transition returns the new ticket (version + 1) and the timeline event that records it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain import clocks, sla, staffing
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, InvalidInput, NotFound, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import ASSIGNEE_ONLY, may
from frontdesk.models import commands as cmd
from frontdesk.models.site import Site
from frontdesk.models.ticket import (
    TERMINAL,
    Acceptance,
    Actor,
    ActorKind,
    Assignment,
    Channel,
    Department,
    Escalation,
    Kind,
    Quote,
    QuoteDecision,
    QuoteLine,
    Resolution,
    Role,
    Status,
    Ticket,
    TimelineEvent,
    Validity,
    WrittenReply,
)

REPAIR_LIKE = frozenset({Kind.REPAIR, Kind.PAID_SERVICE, Kind.EMERGENCY})
COMPLAINT = frozenset({Kind.COMPLAINT})
INQUIRY = frozenset({Kind.INQUIRY})
WORKING = frozenset({Status.ARRIVED, Status.IN_PROGRESS, Status.UNFINISHED})


@dataclass(frozen=True)
class Change:
    """A ticket moved on by one event, and what is written with it: ``notice``, a mail about the
    event owed to the tenant (the stream router sends it, then forgets it); ``terms``, the words the
    event's text adds to the ticket's search terms (a note's, a reply's)."""

    ticket: Ticket
    event: TimelineEvent
    notice: str = ""
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    to: Status
    updates: dict[str, Any]
    detail: dict[str, str]


@dataclass(frozen=True)
class Context:
    """What a rule may read besides the ticket and the command."""

    site: Site
    now: datetime
    actor: Actor
    # the site's engineers (user names) an assignee must be one of; None: not checked
    engineers: frozenset[str] | None = None


Rule = Callable[[Ticket, Any, Context], Step]


@dataclass(frozen=True)
class Transition:
    kinds: frozenset[Kind]
    sources: frozenset[Status]
    rule: Rule
    # A reason code when the ticket's own state blocks the action, beyond its status.
    blocked: Callable[[Ticket], ErrorCode | None]


TRANSITIONS: dict[str, Transition] = {}


def _never(ticket: Ticket) -> ErrorCode | None:
    return None


def transition(
    action: str,
    kinds: Iterable[Kind],
    sources: Iterable[Status],
    blocked: Callable[[Ticket], ErrorCode | None] = _never,
) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        TRANSITIONS[action] = Transition(frozenset(kinds), frozenset(sources), rule, blocked)
        return rule

    return register


def allowed_actions(ticket: Ticket, actor: Actor) -> list[str]:
    """What this actor could do next: the staff console shows these buttons, nothing else."""
    return [
        action
        for action, t in TRANSITIONS.items()
        if ticket.kind in t.kinds
        and ticket.status in t.sources
        and t.blocked(ticket) is None
        and _permitted(ticket, actor, action)
    ]


def apply(
    ticket: Ticket,
    action: str,
    command: cmd.Versioned,
    actor: Actor,
    site: Site,
    now: datetime,
    engineers: Collection[str] | None = None,
) -> Change:
    t = TRANSITIONS.get(action)
    if t is None:
        raise NotFound(field="action", action=action)
    if not _permitted(ticket, actor, action):
        raise Forbidden(field="action", action=action)
    if command.version != ticket.version:
        raise VersionConflict(field="version", expected=ticket.version, given=command.version)
    if ticket.kind not in t.kinds or ticket.status not in t.sources:
        raise IllegalTransition(field="action", action=action, status=ticket.status.value)
    reason = t.blocked(ticket)
    if reason is not None:
        raise IllegalTransition(field="action", code=reason)
    roster = None if engineers is None else frozenset(engineers)
    step = t.rule(ticket, command, Context(site, now, actor, roster))
    return recorded(ticket, actor, action, step, now)


def recorded(ticket: Ticket, actor: Actor, action: str, step: Step, now: datetime) -> Change:
    """The ticket one version on, as ``step`` leaves it, and the timeline event that records it.
    ``updated_at`` is now unless the step keeps it (the queue orders waiting tickets by it)."""
    at = to_iso(now)
    new = evolve(ticket, {"updated_at": at, **step.updates, "status": step.to, "version": ticket.version + 1})
    event = TimelineEvent(
        ticket_id=ticket.ticket_id,
        seq=new.version,
        at=at,
        actor=actor,
        action=action,
        from_status=ticket.status,
        to_status=step.to,
        detail=step.detail,
    )
    return Change(new, event)


def _permitted(ticket: Ticket, actor: Actor, action: str) -> bool:
    if not may(actor, action):
        return False
    if actor.kind is ActorKind.STAFF and action in ASSIGNEE_ONLY:
        acting_for_others = actor.roles & {Role.DUTY_MANAGER, Role.MANAGER, Role.OPERATOR}
        is_assignee = ticket.assignment is not None and ticket.assignment.assignee == actor.id
        return is_assignee or bool(acting_for_others and action in {"unfinished", "reschedule"})
    return True


def _building(ticket: Ticket, site: Site) -> Any:
    building = site.building(ticket.building_id)
    if building is None:
        raise InvalidInput(field="building_id", code=ErrorCode.UNKNOWN_BUILDING, building_id=ticket.building_id)
    return building


@transition("decline", REPAIR_LIKE, {Status.RECEIVED, Status.REOPENED})
def _decline(ticket: Ticket, c: cmd.Decline, ctx: Context) -> Step:
    return Step(Status.DECLINED, {"decline_reason": c.reason, "closed_at": to_iso(ctx.now)}, {"reason": c.reason})


def _assignee(ctx: Context, name: str) -> str:
    """The engineer as the site's roster spells the name (user names are case-insensitive), or a field error."""
    if ctx.engineers is None:
        return name
    found = staffing.named(ctx.engineers, name)
    if found is None:
        raise InvalidInput(field="assignee", code=ErrorCode.UNKNOWN_ENGINEER, assignee=name)
    return found


def _run(ticket: Ticket, department: Department, assignee: str, ctx: Context, detail: dict[str, str]) -> Step:
    """A new run of the work: one owner, and the arrival and completion deadlines planned from now."""
    building = _building(ticket, ctx.site)
    arrival = sla.arrival_due(ctx.site, building, ctx.now)
    completion = sla.completion_due(ctx.site, ctx.now)
    return Step(
        Status.DISPATCHED,
        {
            "assignment": Assignment(department=department, assignee=assignee),
            "dispatched_at": to_iso(ctx.now),
            "arrival_due": arrival,
            "completion_due": completion,
            "arrived_at": None,
            "arrived_on_time": None,
            "escalation": Escalation(),
        },
        {
            **detail,
            "department": department.value,
            "assignee": assignee,
            "arrival_due": arrival,
            "arrival_minutes": str(sla.arrival_minutes(ctx.site, building)),
        },
    )


@transition("dispatch", REPAIR_LIKE, {Status.RECEIVED, Status.REOPENED})
def _dispatch(ticket: Ticket, c: cmd.Dispatch, ctx: Context) -> Step:
    return _run(ticket, c.department, _assignee(ctx, c.assignee), ctx, {})


@transition("take", REPAIR_LIKE, {Status.RECEIVED, Status.REOPENED})
def _take(ticket: Ticket, c: cmd.Take, ctx: Context) -> Step:
    return _run(ticket, c.department, _assignee(ctx, ctx.actor.id), ctx, {})


def _previous(ticket: Ticket, assignee: str, reason: str) -> dict[str, str]:
    """Who had the work and why it moved. Not "reason": that one the tenant's tracking page shows
    (models.views.PUBLIC_DETAIL), and why a colleague was taken off a job stays inside."""
    assert ticket.assignment is not None
    if assignee == ticket.assignment.assignee:
        raise InvalidInput(field="assignee", code=ErrorCode.SAME_ASSIGNEE, assignee=assignee)
    return {"previous_assignee": ticket.assignment.assignee, "handover_reason": reason}


@transition("redispatch", REPAIR_LIKE, {Status.DISPATCHED})
def _redispatch(ticket: Ticket, c: cmd.Redispatch, ctx: Context) -> Step:
    """The visit planned again: a new run, so a new arrival deadline from now (the late one stays on
    the timeline with the level it reached)."""
    assignee = _assignee(ctx, c.assignee)
    detail = {
        **_previous(ticket, assignee, c.reason),
        "previous_due": ticket.arrival_due or "",
        "previous_level": str(ticket.escalation.level),
    }
    return _run(ticket, c.department, assignee, ctx, detail)


@transition("reassign", REPAIR_LIKE, WORKING | {Status.DISPATCHED, Status.QUOTED})
def _reassign(ticket: Ticket, c: cmd.Reassign, ctx: Context) -> Step:
    """Another owner for the same run: the deadlines promised to the client stand, so their clocks go on."""
    assert ticket.assignment is not None
    assignee = _assignee(ctx, c.assignee)
    department = c.department or ticket.assignment.department
    detail = {**_previous(ticket, assignee, c.reason), "department": department.value, "assignee": assignee}
    return Step(ticket.status, {"assignment": Assignment(department=department, assignee=assignee)}, detail)


@transition("reschedule", REPAIR_LIKE, {Status.DISPATCHED})
def _reschedule(ticket: Ticket, c: cmd.Reschedule, ctx: Context) -> Step:
    assert ticket.arrival_due is not None
    due = parse_iso(ticket.arrival_due)
    if ctx.now >= due:
        raise IllegalTransition(field="new_arrival", code=ErrorCode.RESCHEDULE_AFTER_DEADLINE, due=ticket.arrival_due)
    if c.new_arrival <= due:
        raise InvalidInput(field="new_arrival", code=ErrorCode.RESCHEDULE_NOT_LATER, due=ticket.arrival_due)
    new_due = deadline_iso(c.new_arrival)
    return Step(
        Status.DISPATCHED,
        {"arrival_due": new_due, "reschedule_count": ticket.reschedule_count + 1},
        {
            "previous_due": ticket.arrival_due,
            "arrival_due": new_due,
            "agreed_with": c.agreed_with,
            "contact_method": c.contact_method,
            "note": c.note,
        },
    )


@transition("arrive", REPAIR_LIKE, {Status.DISPATCHED})
def _arrive(ticket: Ticket, c: cmd.Arrive, ctx: Context) -> Step:
    assert ticket.arrival_due is not None
    on_time = ctx.now <= parse_iso(ticket.arrival_due)
    completion = sla.completion_due(ctx.site, ctx.now)
    return Step(
        Status.ARRIVED,
        {"arrived_at": to_iso(ctx.now), "arrived_on_time": on_time, "completion_due": completion},
        {"on_time": str(on_time).lower(), "arrival_due": ticket.arrival_due, "completion_due": completion},
    )


@transition("quote", REPAIR_LIKE, {Status.ARRIVED, Status.UNFINISHED})
def _quote(ticket: Ticket, c: cmd.QuoteIn, ctx: Context) -> Step:
    lines = tuple(QuoteLine(item=line.item, amount_cents=line.amount_cents) for line in c.lines)
    total = sum(line.amount_cents for line in lines) + c.tax_cents + c.labour_cents
    quote = Quote(
        lines=lines,
        tax_cents=c.tax_cents,
        labour_cents=c.labour_cents,
        total_cents=total,
        quoted_at=to_iso(ctx.now),
    )
    # The completion clock pauses while the client decides (frontdesk.domain.clocks).
    return Step(Status.QUOTED, {"quote": quote}, {"total_cents": str(total), "clock_paused": "completion"})


@transition("quote_decision", REPAIR_LIKE, {Status.QUOTED})
def _quote_decision(ticket: Ticket, c: cmd.QuoteDecision, ctx: Context) -> Step:
    assert ticket.quote is not None
    decision = QuoteDecision.CONFIRMED if c.confirm else QuoteDecision.DECLINED
    quote = evolve(ticket.quote, {"decision": decision, "decided_at": to_iso(ctx.now)})
    if c.confirm:
        # The client's time is not the desk's: the completion deadline moves by the time paused.
        assert ticket.completion_due is not None
        due = clocks.resumed_due(ticket.completion_due, ticket.quote.quoted_at, ctx.now)
        return Step(
            Status.IN_PROGRESS,
            {"quote": quote, "completion_due": due},
            {"decision": decision, "clock_resumed": "completion", "completion_due": due},
        )
    return Step(
        Status.CLOSED,
        {"quote": quote, "resolution": Resolution.QUOTE_DECLINED, "closed_at": to_iso(ctx.now)},
        {"decision": decision},
    )


@transition("unfinished", REPAIR_LIKE, {Status.ARRIVED, Status.IN_PROGRESS})
def _unfinished(ticket: Ticket, c: cmd.Unfinished, ctx: Context) -> Step:
    return Step(Status.UNFINISHED, {"unfinished_reason": c.reason}, {"reason": c.reason})


def _quote_unconfirmed(ticket: Ticket) -> ErrorCode | None:
    confirmed = ticket.quote is not None and ticket.quote.decision is QuoteDecision.CONFIRMED
    return ErrorCode.QUOTE_REQUIRED if ticket.kind is Kind.PAID_SERVICE and not confirmed else None


@transition("complete", REPAIR_LIKE, WORKING, blocked=_quote_unconfirmed)
def _complete(ticket: Ticket, c: cmd.Complete, ctx: Context) -> Step:
    return Step(Status.COMPLETED, {"completed_at": to_iso(ctx.now), "work_summary": c.summary}, {"summary": c.summary})


@transition("accept", REPAIR_LIKE, {Status.COMPLETED})
def _accept(ticket: Ticket, c: cmd.Acceptance, ctx: Context) -> Step:
    acceptance = Acceptance(satisfied=c.satisfied, rating=c.rating, comment=c.comment, at=to_iso(ctx.now))
    detail = {"satisfied": str(c.satisfied).lower(), "comment": c.comment}
    if c.rating is not None:
        detail["rating"] = str(c.rating)
    if c.satisfied:
        return Step(
            Status.CLOSED,
            {"acceptance": acceptance, "resolution": Resolution.ACCEPTED, "closed_at": to_iso(ctx.now)},
            detail,
        )
    return Step(Status.REOPENED, {"acceptance": acceptance, "completed_at": None}, detail)


@transition("handle", COMPLAINT, {Status.RECEIVED})
def _handle(ticket: Ticket, c: cmd.Handle, ctx: Context) -> Step:
    updates: dict[str, Any] = {}
    detail = {"department": c.department.value, "action_taken": c.action_taken}
    if c.severity is not None:
        updates["severity"] = c.severity
        detail["severity"] = c.severity.value
    return Step(Status.HANDLED, updates, detail)


def _complaint_unhandled(ticket: Ticket) -> ErrorCode | None:
    if ticket.kind is Kind.COMPLAINT and ticket.status is Status.RECEIVED:
        return ErrorCode.HANDLE_FIRST
    return ErrorCode.REPLY_NOT_APPROVED if needs_approved_reply(ticket) else None


def written(ticket: Ticket) -> bool:
    """A written complaint (a letter) is answered in writing, approved by a manager (DOMAIN.md)."""
    return ticket.kind is Kind.COMPLAINT and ticket.channel is Channel.LETTER


def needs_approved_reply(ticket: Ticket) -> bool:
    approved = ticket.written_reply is not None and bool(ticket.written_reply.approved_by)
    return written(ticket) and not approved


def _not_written(ticket: Ticket) -> ErrorCode | None:
    return None if written(ticket) else ErrorCode.NOT_A_WRITTEN_COMPLAINT


@transition("draft_reply", COMPLAINT, {Status.RECEIVED, Status.HANDLED}, blocked=_not_written)
def _draft_reply(ticket: Ticket, c: cmd.DraftReply, ctx: Context) -> Step:
    """A (new) draft of the written reply; a draft changed after its approval needs approving again."""
    draft = WrittenReply(text=c.text, drafted_by=ctx.actor.id, drafted_at=to_iso(ctx.now))
    return Step(ticket.status, {"written_reply": draft}, {"text": c.text})


def _no_draft(ticket: Ticket) -> ErrorCode | None:
    waiting = ticket.written_reply is not None and not ticket.written_reply.approved_by
    return None if waiting else ErrorCode.NO_DRAFT_TO_APPROVE


@transition("approve_reply", COMPLAINT, {Status.RECEIVED, Status.HANDLED}, blocked=_no_draft)
def _approve_reply(ticket: Ticket, c: cmd.ApproveReply, ctx: Context) -> Step:
    assert ticket.written_reply is not None
    approved = evolve(ticket.written_reply, {"approved_by": ctx.actor.id, "approved_at": to_iso(ctx.now)})
    return Step(ticket.status, {"written_reply": approved}, {"drafted_by": approved.drafted_by})


@transition("reply", COMPLAINT | INQUIRY, {Status.RECEIVED, Status.HANDLED}, blocked=_complaint_unhandled)
def _reply(ticket: Ticket, c: cmd.Reply, ctx: Context) -> Step:
    # The same-day reply clock is met by the first recorded reply (this, or one on the reply thread).
    replied_at = ticket.replied_at or to_iso(ctx.now)
    detail = {"reply": c.reply, "method": c.method}
    if written(ticket) and ticket.written_reply is not None:
        detail["approved_by"] = ticket.written_reply.approved_by
    return Step(Status.REPLIED, {"replied_at": replied_at}, detail)


def _replied(ticket: Ticket) -> ErrorCode | None:
    return ErrorCode.ALREADY_REPLIED if ticket.replied_at is not None else None


@transition("agree_reply", COMPLAINT | INQUIRY, {Status.RECEIVED, Status.HANDLED}, blocked=_replied)
def _agree_reply(ticket: Ticket, c: cmd.AgreeReply, ctx: Context) -> Step:
    """A reply time agreed with the client before the one due passed: the reply clock follows it (a
    new generation); after it passed, the breach stands and the reply is simply late."""
    assert ticket.reply_due is not None
    due = parse_iso(ticket.reply_due)
    if ctx.now >= due:
        raise IllegalTransition(field="reply_by", code=ErrorCode.REPLY_AFTER_DEADLINE, due=ticket.reply_due)
    if not ctx.now < c.reply_by <= ctx.now + sla.MAX_AGREED_REPLY:
        raise InvalidInput(field="reply_by", code=ErrorCode.REPLY_BY_OUT_OF_RANGE, days=sla.MAX_AGREED_REPLY.days)
    agreed = deadline_iso(c.reply_by)
    detail = {
        "previous_due": ticket.reply_due,
        "reply_agreed": agreed,
        "agreed_with": c.agreed_with,
        "contact_method": c.contact_method,
        "note": c.note,
    }
    return Step(ticket.status, {"reply_due": agreed}, detail)


@transition("close", REPAIR_LIKE | COMPLAINT | INQUIRY, {Status.REPLIED, Status.COMPLETED})
def _close(ticket: Ticket, c: cmd.Close, ctx: Context) -> Step:
    resolution = Resolution.CLOSED_WITHOUT_ACCEPTANCE if ticket.status is Status.COMPLETED else Resolution.REPLIED
    if ticket.status is Status.COMPLETED and not c.note:
        raise InvalidInput(field="note", code=ErrorCode.NOTE_REQUIRED)
    return Step(Status.CLOSED, {"closed_at": to_iso(ctx.now), "resolution": resolution}, {"note": c.note})


@transition("validity", COMPLAINT, set(Status) - TERMINAL)
def _validity(ticket: Ticket, c: cmd.Validity, ctx: Context) -> Step:
    """A manager judges whether the complaint is valid (有效投诉), with a reason: counted in the month's
    valid-complaint rate (004 QW21-04 §4.1.3.4), judged before the complaint is closed (a closed ticket
    never moves). A later judgement replaces it; the timeline keeps both."""
    if c.our_fault and not c.valid:
        raise InvalidInput(field="our_fault", code=ErrorCode.OUR_FAULT_NEEDS_VALID)
    validity = Validity(valid=c.valid, reason=c.reason, by=ctx.actor.id, at=to_iso(ctx.now), our_fault=c.our_fault)
    detail = {"valid": str(c.valid).lower(), "reason": c.reason}
    if c.valid:
        detail["our_fault"] = str(c.our_fault).lower()
    return Step(ticket.status, {"validity": validity}, detail)


@transition("cancel", REPAIR_LIKE | COMPLAINT | INQUIRY, set(Status) - TERMINAL)
def _cancel(ticket: Ticket, c: cmd.Cancel, ctx: Context) -> Step:
    """Closed without the work or the reply: every open clock of the ticket is cancelled with it."""
    return Step(
        Status.CLOSED,
        {"resolution": Resolution.CANCELLED, "cancel_reason": c.reason, "closed_at": to_iso(ctx.now)},
        {"reason": c.reason},
    )
