"""The SLA timer's rules on the Python side: when a timer starts, what it is called and given,
what an escalation written by it means, and when the reconciler must give a ticket its timer back.

The timer itself is infra/statemachines/sla_timer.asl.json (docs/decisions/0006-sla-timer.md).
One execution runs per dispatch of a ticket, through two phases:
- arrival: from the arrival deadline, up the arrival ladder, until the engineer arrives;
- completion: from the completion deadline, up the completion ladder, until the work is complete.
A closed or declined ticket, or a new dispatch (which has its own execution), ends it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Final

from frontdesk.clock import parse_iso, to_iso
from frontdesk.models.escalation import Ladder, Phase, Rung
from frontdesk.models.ticket import Actor, ActorKind, Escalation, Status, Ticket, TimelineEvent

TIMER: Final = Actor(kind=ActorKind.SYSTEM, id="sla_timer")
ESCALATE: Final = "escalate"

# After a failed conditional escalation (woken early, or the ticket changed under it) the timer
# waits this long before it re-reads; Step Functions waits are whole seconds.
RETRY_SECONDS: Final = 1
# The reconciler restarts a failed timer under a new name (names are never reused); it gives up after this many.
MAX_TIMER_ATTEMPTS: Final = 3

ARRIVAL_STATUSES: Final = frozenset({Status.DISPATCHED})
COMPLETION_STATUSES: Final = frozenset({Status.ARRIVED, Status.IN_PROGRESS, Status.UNFINISHED, Status.QUOTED})
TIMED_STATUSES: Final = ARRIVAL_STATUSES | COMPLETION_STATUSES

# Execution states after which the reconciler must not start another timer for the same dispatch.
_ALIVE_OR_DONE: Final = frozenset({"RUNNING", "SUCCEEDED"})


def needs_timer(ticket: Ticket) -> bool:
    """Work is under way and one of its deadlines is still the desk's to meet."""
    return (
        ticket.status in TIMED_STATUSES
        and ticket.dispatched_at is not None
        and ticket.arrival_due is not None
        and ticket.completion_due is not None
    )


def execution_name(ticket: Ticket, attempt: int = 1) -> str:
    """Named after the ticket and its dispatch: a replayed stream record cannot start a second timer,
    and a ticket dispatched again (after a failed acceptance) gets a timer of its own."""
    if ticket.dispatched_at is None:
        raise ValueError("a timer belongs to a dispatch")
    name = f"{ticket.ticket_id}-{re.sub(r'[^0-9A-Za-z]', '', ticket.dispatched_at)}"
    return name if attempt == 1 else f"{name}-r{attempt}"


def timer_names(ticket: Ticket) -> list[str]:
    return [execution_name(ticket, attempt) for attempt in range(1, MAX_TIMER_ATTEMPTS + 1)]


def _rung_state(rungs: tuple[Rung, ...], index: int) -> dict[str, Any]:
    """One rung as the state machine reads it: numbers it writes to DynamoDB are strings there."""
    return {
        "mailing_list": rungs[index].mailing_list,
        "level": str(index + 1),
        "prev": str(index),
        "next": index + 1,
        "after_seconds": rungs[index].after_seconds,
        "last": index == len(rungs) - 1,
    }


def timer_input(ticket: Ticket, ladder: Ladder) -> dict[str, Any]:
    """The execution input: ids, deadlines and the ladder's shape; nothing about the client (no PII)."""
    if ticket.dispatched_at is None or ticket.arrival_due is None:
        raise ValueError("a timer belongs to a dispatch")
    arrival = [_rung_state(ladder.arrival, i) for i in range(len(ladder.arrival))]
    completion = [_rung_state(ladder.completion, i) for i in range(len(ladder.completion))]
    return {
        "ticket_id": ticket.ticket_id,
        "dispatched_at": ticket.dispatched_at,
        "retry_seconds": RETRY_SECONDS,
        "arrival": arrival,
        "completion": completion,
        "step": {"deadline": ticket.arrival_due, "rung": arrival[0]},
    }


def dispatched(old: Ticket | None, new: Ticket) -> bool:
    """This change dispatched the ticket (the first time, or again after it was reopened)."""
    return (
        new.status is Status.DISPATCHED
        and new.dispatched_at is not None
        and (old is None or old.dispatched_at != new.dispatched_at)
    )


def escalated(old: Ticket | None, new: Ticket) -> Escalation | None:
    """The rung this change reached, if it is the timer's escalation."""
    reached = new.escalation
    if reached.level < 1 or reached.phase not in set(Phase):
        return None
    if old is not None and (old.escalation.phase, old.escalation.level) == (reached.phase, reached.level):
        return None
    return reached


def deadline(ticket: Ticket, phase: Phase) -> str:
    due = ticket.arrival_due if phase is Phase.ARRIVAL else ticket.completion_due
    if due is None:
        raise ValueError(f"no {phase.value} deadline")
    return due


def late_seconds(ticket: Ticket, escalation: Escalation) -> int:
    """How late the milestone was when this rung was reached (whole seconds, never negative)."""
    late = parse_iso(escalation.at) - parse_iso(deadline(ticket, Phase(escalation.phase)))
    return max(int(late.total_seconds()), 0)


def escalation_event(ticket: Ticket, ladder: Ladder) -> TimelineEvent:
    """The timeline entry of an escalation: its seq is the version the timer's update produced."""
    reached = ticket.escalation
    phase = Phase(reached.phase)
    return TimelineEvent(
        ticket_id=ticket.ticket_id,
        seq=ticket.version,
        at=to_iso(parse_iso(reached.at)),
        actor=TIMER,
        action=ESCALATE,
        from_status=ticket.status,
        to_status=ticket.status,
        detail={
            "phase": phase.value,
            "level": str(reached.level),
            "mailing_list": ladder.rung(phase, reached.level).mailing_list,
            "deadline": deadline(ticket, phase),
            "late_seconds": str(late_seconds(ticket, reached)),
        },
    )


@dataclass(frozen=True)
class TimerCheck:
    """The reconciler's verdict on one ticket: it has (or had) its timer, or `start` one under that
    name, or (neither) every name was used by timers that failed: give up and alert."""

    ok: bool
    start: str | None = None


def check_timer(ticket: Ticket, running: Collection[str], status_of: Callable[[str], str | None]) -> TimerCheck:
    """A running timer, or one that ended normally (the work was completed, or the ladder ran out),
    is enough. A timer that failed, timed out or was stopped is replaced under the next name; the
    replacement reads the ticket's escalation and goes on from the rung reached, so nothing is
    escalated twice. `status_of(name)` is the execution's status, None if there is none."""
    if not needs_timer(ticket):
        return TimerCheck(ok=True)
    names = timer_names(ticket)
    if any(name in running for name in names):
        return TimerCheck(ok=True)
    for name in names:
        status = status_of(name)
        if status is None:
            return TimerCheck(ok=False, start=name)
        if status in _ALIVE_OR_DONE:
            return TimerCheck(ok=True)
    return TimerCheck(ok=False)
