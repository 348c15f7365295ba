"""A rung a clock reached, as its subject records it: the ticket's `escalation` and a timeline event.

The state machine writes only the clock (frontdesk.domain.clocks); the stream router sees the rung
reached and records it here, once (a marker per clock generation and rung), then notifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain.clocks import late_seconds
from frontdesk.domain.evolve import evolve
from frontdesk.domain.lifecycle import Change
from frontdesk.models.clock import Clock
from frontdesk.models.ticket import Actor, ActorKind, Escalation, Ticket, TimelineEvent

CLOCK_ACTOR: Final = Actor(kind=ActorKind.SYSTEM, id="clock")
ESCALATE: Final = "escalate"


def marker(clock: Clock, level: int) -> str:
    """One per clock generation and rung: a redelivered stream record finds it and records nothing."""
    return f"ESCALATED#{clock.kind.value}#g{clock.gen}#{level}"


def rung_at(clock: Clock, level: int) -> str:
    """When the rung was reached: as the state machine stamped it, else its planned time."""
    return to_iso(parse_iso(clock.escalated_at or clock.rungs[level - 1].at))


def rung_detail(clock: Clock, level: int, recipient: Mapping[str, str] | None = None) -> dict[str, str]:
    """What the timeline records of a rung; ``recipient``: whom a rung naming a role on duty reached
    (frontdesk.domain.duty_roster.RungTarget.detail)."""
    rung = clock.rungs[level - 1]
    at = rung_at(clock, level)
    return {
        "phase": clock.kind.value,
        "level": str(level),
        "mailing_list": rung.mailing_list,
        "deadline": clock.due,
        "late_seconds": str(late_seconds(clock, at)),
        **(recipient or {}),
    }


def ticket_escalation(ticket: Ticket, clock: Clock, level: int, recipient: Mapping[str, str] | None = None) -> Change:
    """The ticket one version on, showing the rung reached, and the event that records it."""
    at = rung_at(clock, level)
    escalation = Escalation(phase=clock.kind, level=level, at=at)
    new = evolve(ticket, {"escalation": escalation, "version": ticket.version + 1})
    event = TimelineEvent(
        ticket_id=ticket.ticket_id,
        seq=new.version,
        at=at,
        actor=CLOCK_ACTOR,
        action=ESCALATE,
        from_status=ticket.status,
        to_status=ticket.status,
        detail=rung_detail(clock, level, recipient),
    )
    return Change(new, event)
