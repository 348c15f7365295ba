"""Remarks: something recorded on a ticket's timeline that does not move it (routing mail sent, a
notice refused, a linked repair accepted): a lifecycle step that keeps the status and ``updated_at``
(the queue orders waiting tickets by it), so only the version moves on."""

from __future__ import annotations

from frontdesk.clock import parse_iso
from frontdesk.domain.lifecycle import Change, Step, recorded
from frontdesk.models.ticket import Actor, Ticket


def remarked(ticket: Ticket, actor: Actor, action: str, at: str, detail: dict[str, str]) -> Change:
    """The ticket one version on, status and ``updated_at`` kept, and the event that records ``action``
    at ``at`` (a time as ``to_iso`` writes it)."""
    keep = Step(to=ticket.status, updates={"updated_at": ticket.updated_at}, detail=detail)
    return recorded(ticket, actor, action, keep, parse_iso(at))
