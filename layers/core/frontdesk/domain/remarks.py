"""Remarks: something recorded on a ticket's timeline that does not move it (routing mail sent, a
notice refused, a linked repair accepted). One place owns the shape: the ticket one version on, its
status kept, and the event that records the remark."""

from __future__ import annotations

from frontdesk.domain.evolve import evolve
from frontdesk.domain.lifecycle import Change
from frontdesk.models.ticket import Actor, Ticket, TimelineEvent


def remarked(
    ticket: Ticket,
    actor: Actor,
    action: str,
    at: str,
    detail: dict[str, str],
) -> Change:
    """The ticket one version on, its status unchanged, and the event that records ``action`` at ``at``."""
    new = evolve(ticket, {"version": ticket.version + 1})
    event = TimelineEvent(
        ticket_id=ticket.ticket_id,
        seq=new.version,
        at=at,
        actor=actor,
        action=action,
        from_status=ticket.status,
        to_status=ticket.status,
        detail=detail,
    )
    return Change(new, event)
