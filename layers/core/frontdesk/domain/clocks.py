"""The clock engine's rules: every deadline of the manuals, and how a clock follows its subject.

**The registry** (``CLOCKS``) has one row per clock kind: its subject, the rule that gives its due
time, the ladder it climbs, and how to read the subject (``Timing``). Adding a clock kind is one
row here and one test; the state machine (infra/statemachines/clock.asl.json) has no per-kind
branch. docs/decisions/0009-one-clock-engine.md.

**Following the subject.** Whenever a subject changes, ``plan`` gives each of its clocks as it must
now be, and the application writes it in the same transaction as the subject (so a milestone
reached and its clock met are one write: an escalation can never race an arrival):
- a new run (first dispatch, dispatched again) starts a fresh clock (``gen`` + 1);
- the milestone reached: met (seconds early) or breached (seconds late);
- the subject closed without it: cancelled;
- waiting for the client: paused; when it resumes, the subject's due time has moved by the paused
  time (``resumed_due``) and the clock follows it;
- a due time moved (a reschedule agreed before it, a severity changed): re-planned (``gen`` + 1).

**Never early.** Rung times are whole seconds (``…:SS.000Z``), and the state machine's write is
conditional on ``rung time <= $$.State.EnteredTime``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain.evolve import evolve
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.clock import Clock, ClockKind, ClockState, PlannedRung, SubjectType
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.ticket import TERMINAL, Kind, Status, Ticket

if TYPE_CHECKING:
    # Every function plans clocks; only the one that reads a subject of a feature has (and
    # imports) that feature's models: a timing reads its subject's attributes, and the states
    # it compares are imported where it runs (ADR 0027, tests/unit/test_cold_imports.py).
    from frontdesk.models.callback import Callback
    from frontdesk.models.corrective import CorrectiveAction
    from frontdesk.models.duty import Handover
    from frontdesk.models.incident import IncidentReport
    from frontdesk.models.key_audit import KeyAudit
    from frontdesk.models.keys import KeyUse

# After a failed conditional escalation whose clock had not changed (woken early), the execution
# waits this long and tries again; Step Functions waits are whole seconds.
RETRY_SECONDS: Final = 1
# The reconciler restarts a failed execution under a new name (names are never reused); it gives up after this many.
MAX_ATTEMPTS: Final = 3
# The execution input's list of rung times ends with this, so "the rung after the last" is never out of range.
END_OF_LADDER: Final = "end"

REPAIR_LIKE: Final = frozenset({Kind.REPAIR, Kind.PAID_SERVICE, Kind.EMERGENCY})
REPLIED: Final = frozenset({Status.REPLIED, Status.CLOSED})


@dataclass(frozen=True)
class Timing:
    """What a subject says about one of its clocks right now."""

    anchor: str  # the run of the subject the clock belongs to
    due: str  # the due time as the subject states it (every rule applied, pauses included)
    paused: bool = False  # waiting for the client
    done_at: str | None = None  # the milestone was reached then
    ended: bool = False  # the subject closed without the milestone


@dataclass(frozen=True)
class ClockSpec:
    kind: ClockKind
    subject: SubjectType
    rule: str  # the due-time rule in words (README, decision record, catalogue)
    timing: Callable[[Any], Timing | None]  # None: the subject has no such clock (now)


def _repair(ticket: Ticket, due: str | None, done_at: str | None, paused: bool = False) -> Timing | None:
    """A repair's clock runs from its dispatch (a new dispatch, a new run) until it closes."""
    if ticket.kind not in REPAIR_LIKE or ticket.dispatched_at is None or due is None:
        return None
    return Timing(anchor=ticket.dispatched_at, due=due, paused=paused, done_at=done_at, ended=ticket.status in TERMINAL)


def _arrival(ticket: Ticket) -> Timing | None:
    return _repair(ticket, ticket.arrival_due, ticket.arrived_at)


def _completion(ticket: Ticket) -> Timing | None:
    # the client decides on the price: not the desk's time
    return _repair(ticket, ticket.completion_due, ticket.completed_at, paused=ticket.status is Status.QUOTED)


def _reply(ticket: Ticket) -> Timing | None:
    if ticket.kind in REPAIR_LIKE or ticket.reply_due is None:
        return None
    return Timing(
        anchor=ticket.created_at,
        due=ticket.reply_due,
        done_at=ticket.replied_at,
        ended=ticket.status in TERMINAL and ticket.replied_at is None,
    )


def _report(report: IncidentReport) -> Timing | None:
    return Timing(
        anchor=report.created_at,
        due=report.due_at,
        # the first submission meets (or breaches) it: a report sent back and submitted again, or
        # approved, keeps that outcome (docs/decisions/0019-manager-approval-of-incident-reports.md)
        done_at=report.submitted_at,
    )


def _handover(handover: Handover) -> Timing:
    return Timing(anchor=handover.shift_change_at, due=handover.due_at, done_at=handover.incoming_at)


def _key_return(use: KeyUse) -> Timing:
    return Timing(anchor=use.taken_at, due=use.return_due, done_at=use.returned_at)


def _corrective_action(report: CorrectiveAction) -> Timing:
    """Met by the manager's verification that the action was done; a new due date moves it."""
    done = report.verification.at if report.verification else None
    return Timing(anchor=report.written_at, due=report.due_at, done_at=done)


def _key_tell_client(use: KeyUse) -> Timing | None:
    """Only after an override; met by the desk's record (when it was recorded, not when it says it was told)."""
    if use.tell_due is None:
        return None
    told = use.client_told.recorded_at if use.client_told else None
    return Timing(anchor=use.taken_at, due=use.tell_due, done_at=told)


def _key_audit(audit: KeyAudit) -> Timing:
    from frontdesk.models.key_audit import AuditState

    return Timing(
        anchor=audit.opens_at, due=audit.due, done_at=audit.filed_at if audit.state is AuditState.FILED else None
    )


def _callback(reason: CallbackReason) -> Callable[[Callback], Timing | None]:
    """A callback's clock: met when the callback is concluded (reached, or closed as unreachable)."""

    def timing(callback: Callback) -> Timing | None:
        from frontdesk.models.callback import CallbackState

        if callback.reason is not reason:
            return None
        return Timing(
            anchor=callback.created_at,
            due=callback.due,
            done_at=callback.done_at if callback.state is not CallbackState.CANCELLED else None,
            ended=callback.state is CallbackState.CANCELLED,
        )

    return timing


CLOCKS: Final[dict[ClockKind, ClockSpec]] = {
    spec.kind: spec
    for spec in (
        ClockSpec(
            ClockKind.ARRIVAL,
            SubjectType.TICKET,
            "5, 10 or 15 minutes after dispatch by building class (A/B/C), or the time agreed with the client",
            _arrival,
        ),
        ClockSpec(
            ClockKind.COMPLETION,
            SubjectType.TICKET,
            "the site's completion hours (24 h) after arrival; paused while the client decides on a quote",
            _completion,
        ),
        ClockSpec(
            ClockKind.REPLY,
            SubjectType.TICKET,
            "complaints and inquiries: the end of the site-local day of intake, or the time agreed with the client",
            _reply,
        ),
        ClockSpec(
            ClockKind.INCIDENT_REPORT,
            SubjectType.REPORT,
            "12 h after the occurrence for a major incident, 24 h for a general one",
            _report,
        ),
        ClockSpec(
            ClockKind.HANDOVER,
            SubjectType.HANDOVER,
            "30 minutes after the shift change (08:00, 17:30 site-local), until both shifts have signed",
            _handover,
        ),
        ClockSpec(
            ClockKind.KEY_RETURN,
            SubjectType.KEY_USE,
            "2 hours after an emergency key was taken, until it is back and sealed again",
            _key_return,
        ),
        ClockSpec(
            ClockKind.KEY_TELL_CLIENT,
            SubjectType.KEY_USE,
            "after an emergency override, the client told 2 hours after the key was taken, or 2 hours into the "
            "next business morning when that falls outside business hours (site calendar)",
            _key_tell_client,
        ),
        ClockSpec(
            ClockKind.KEY_AUDIT,
            SubjectType.KEY_AUDIT,
            "the monthly key-cabinet audit (25th-27th) filed on the 28th by 17:30 site-local",
            _key_audit,
        ),
        ClockSpec(
            ClockKind.CALLBACK_COMPLAINT,
            SubjectType.CALLBACK,
            "a complaint called back by the end of the 3rd business day after it was handled (site calendar)",
            _callback(CallbackReason.COMPLAINT),
        ),
        ClockSpec(
            ClockKind.CALLBACK_KEY_REPAIR,
            SubjectType.CALLBACK,
            "a key repair called back from the next business morning to the end of the 3rd business day after it",
            _callback(CallbackReason.KEY_REPAIR),
        ),
        ClockSpec(
            ClockKind.CALLBACK_SPECIAL,
            SubjectType.CALLBACK,
            "the special callback 24 h after the rework a failed callback triggered is completed",
            _callback(CallbackReason.SPECIAL),
        ),
        ClockSpec(
            ClockKind.CALLBACK_SAMPLE,
            SubjectType.CALLBACK,
            "a repair of the weekly sample called back from 1 month to the end of the business day 2 months "
            "after completion",
            _callback(CallbackReason.SAMPLE),
        ),
        ClockSpec(
            ClockKind.CORRECTIVE_ACTION,
            SubjectType.CORRECTIVE_ACTION,
            "a major complaint's corrective action verified as done by the end of its due day (site-local)",
            _corrective_action,
        ),
        ClockSpec(
            ClockKind.CALLBACK_TOP_REPAIR,
            SubjectType.CALLBACK,
            "one of the month's 3 most significant repairs called back by the end of the 3rd business day "
            "of the next month",
            _callback(CallbackReason.TOP_REPAIR),
        ),
        ClockSpec(
            ClockKind.CALLBACK_FIRST_AID,
            SubjectType.CALLBACK,
            "a first aid called back by the end of the 5th business day (a working week) after it ended",
            _callback(CallbackReason.FIRST_AID),
        ),
        ClockSpec(
            ClockKind.CALLBACK_ACTIVITY,
            SubjectType.CALLBACK,
            "a sampled activity sign-up called back by the end of the last working day of the next month",
            _callback(CallbackReason.ACTIVITY),
        ),
    )
}


def kinds_for(subject: SubjectType) -> list[ClockKind]:
    return [kind for kind, spec in CLOCKS.items() if spec.subject is subject]


# ------------------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class ClockWrite:
    """A clock as it must be, and as it was read (None: a new clock): written only if it has not moved."""

    clock: Clock
    previous: Clock | None


def schedule(due: str, rungs: tuple[Rung, ...]) -> tuple[PlannedRung, ...]:
    """Each rung's instant: the first at the due time, each later one its gap after the one before."""
    at = parse_iso(due)
    planned: list[PlannedRung] = []
    for rung in rungs:
        at += timedelta(seconds=rung.after_seconds)
        planned.append(PlannedRung(mailing_list=rung.mailing_list, at=deadline_iso(at), on_duty=rung.on_duty))
    return tuple(planned)


def _outcome(clock: Clock, done_at: str) -> Clock:
    done, due = parse_iso(done_at), parse_iso(clock.due)
    if done <= due:
        return evolve(
            clock,
            {
                "state": ClockState.MET,
                "ended_at": done_at,
                "early_seconds": math.floor((due - done).total_seconds()),
            },
        )
    return evolve(
        clock,
        {
            "state": ClockState.BREACHED,
            "ended_at": done_at,
            "late_seconds": math.ceil((done - due).total_seconds()),
        },
    )


def _fresh(
    spec: ClockSpec, subject_id: str, site_id: str, timing: Timing, gen: int, ladder: Ladder, now: datetime
) -> Clock:
    return Clock(
        subject_type=spec.subject,
        subject_id=subject_id,
        site_id=site_id,
        kind=spec.kind,
        anchor=timing.anchor,
        gen=gen,
        state=ClockState.PAUSED if timing.paused else ClockState.RUNNING,
        due=timing.due,
        started_at=to_iso(now),
        rungs=schedule(timing.due, ladder.rungs(spec.kind)),
        paused_at=to_iso(now) if timing.paused else None,
    )


def plan(
    kind: ClockKind,
    subject: Any,
    subject_id: str,
    site_id: str,
    existing: Clock | None,
    ladder: Ladder,
    now: datetime,
) -> Clock | None:
    """The clock of `kind` as it must be after the subject's change: `existing` itself when nothing
    changes for it, None when the subject has no such clock."""
    spec = CLOCKS[kind]
    timing = spec.timing(subject)
    if timing is None:
        return existing
    if existing is None or existing.anchor != timing.anchor:
        if timing.done_at is not None or timing.ended:
            return existing  # a run that was over before its clock was ever written
        return _fresh(spec, subject_id, site_id, timing, (existing.gen + 1) if existing else 1, ladder, now)
    if not existing.is_open:
        return existing
    if timing.done_at is not None:
        return _outcome(_unpaused(existing, now), timing.done_at)
    if timing.ended:
        return evolve(_unpaused(existing, now), {"state": ClockState.CANCELLED, "ended_at": to_iso(now)})
    if timing.paused and existing.state is ClockState.RUNNING:
        return evolve(existing, {"state": ClockState.PAUSED, "paused_at": to_iso(now)})
    if timing.paused:
        return existing
    clock = _unpaused(existing, now) if existing.state is ClockState.PAUSED else existing
    if clock.state is not existing.state or timing.due != existing.due:
        return replan(evolve(clock, {"due": timing.due}), ladder)
    return existing


def _unpaused(clock: Clock, now: datetime) -> Clock:
    if clock.state is not ClockState.PAUSED or clock.paused_at is None:
        return clock
    return evolve(
        clock,
        {
            "state": ClockState.RUNNING,
            "paused_at": None,
            "paused_seconds": clock.paused_seconds + paused_seconds(clock.paused_at, now),
        },
    )


def replan(clock: Clock, ladder: Ladder) -> Clock:
    """A new schedule for an open clock (due time moved, resumed, or the site's ladder edited):
    the rungs already reached stay as they were, the next ones follow the ladder as it is now."""
    planned = schedule(clock.due, ladder.rungs(clock.kind))
    rungs = (*clock.rungs[: clock.level], *planned[clock.level :])
    return evolve(clock, {"rungs": rungs, "gen": clock.gen + 1})


def paused_seconds(paused_at: str, now: datetime) -> int:
    """Whole seconds paused, rounded up: a resumed deadline is never earlier than it should be."""
    return max(math.ceil((now - parse_iso(paused_at)).total_seconds()), 0)


def resumed_due(due: str, paused_at: str, now: datetime) -> str:
    """The due time after a pause: the paused time is added to it."""
    return deadline_iso(parse_iso(due) + timedelta(seconds=paused_seconds(paused_at, now)))


# ------------------------------------------------------------------------------------------- the execution


def execution_name(clock: Clock, attempt: int = 1) -> str:
    """One name per clock and generation: a replayed start finds it there and starts nothing."""
    name = re.sub(r"[^0-9A-Za-z_-]", "", f"{clock.clock_id}-g{clock.gen}")
    return name if attempt == 1 else f"{name}-r{attempt}"


def execution_names(clock: Clock) -> list[str]:
    return [execution_name(clock, attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]


def needs_execution(clock: Clock) -> bool:
    return clock.state is ClockState.RUNNING and clock.rungs_left() > 0


def execution_input(clock: Clock, key: dict[str, str]) -> dict[str, Any]:
    """Ids and the rung times of this generation; nothing about the client (no PII)."""
    times = [rung.at for rung in clock.rungs]
    return {
        "key": key,
        "gen": str(clock.gen),  # compared with the item's N value, which the state machine reads as a string
        "level": clock.level,
        "count": len(times),
        "times": [*times, END_OF_LADDER],
        "at": times[clock.level],
        "retry_seconds": RETRY_SECONDS,
    }


def started(old: Clock | None, new: Clock) -> bool:
    """This change needs an execution started: a new generation, or running again."""
    return needs_execution(new) and (old is None or old.gen != new.gen or old.state is not ClockState.RUNNING)


def stopped(old: Clock | None, new: Clock) -> bool:
    """This change ended the running generation's wait (met, paused, cancelled, superseded)."""
    return old is not None and needs_execution(old) and (new.gen != old.gen or new.state is not ClockState.RUNNING)


def reached(old: Clock | None, new: Clock) -> int | None:
    """The rung (1-based) the state machine reached with this change, if it did."""
    if old is None or old.gen != new.gen or new.level <= old.level:
        return None
    return new.level


@dataclass(frozen=True)
class ExecutionCheck:
    """The reconciler's verdict on one clock: fine, or `start` under that name, or (neither) every
    name was used by executions that failed: give up and alert."""

    ok: bool
    start: str | None = None


_ALIVE_OR_DONE: Final = frozenset({"RUNNING", "SUCCEEDED"})


def check_execution(clock: Clock, running: Collection[str], status_of: Callable[[str], str | None]) -> ExecutionCheck:
    """A running or finished execution of this generation is enough; a failed, timed-out or stopped
    one is replaced under the next name. The replacement starts from the clock's level, so nothing
    is escalated twice. `status_of(name)` is the execution's status, None if there is none."""
    if not needs_execution(clock):
        return ExecutionCheck(ok=True)
    names = execution_names(clock)
    if any(name in running for name in names):
        return ExecutionCheck(ok=True)
    for name in names:
        status = status_of(name)
        if status is None:
            return ExecutionCheck(ok=False, start=name)
        if status in _ALIVE_OR_DONE:
            return ExecutionCheck(ok=True)
    return ExecutionCheck(ok=False)


def late_seconds(clock: Clock, at: str) -> int:
    return max(math.ceil((parse_iso(at) - parse_iso(clock.due)).total_seconds()), 0)
