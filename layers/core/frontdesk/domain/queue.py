"""The desk's work queue: open tickets ordered by the next deadline that matters."""

from __future__ import annotations

from frontdesk.models.ticket import TERMINAL, Status, Ticket

# Sorts after every ISO timestamp: tickets waiting on the client, with no clock of ours running.
NO_DEADLINE = "~"


def next_deadline(ticket: Ticket) -> str | None:
    """The deadline the desk is racing now, or None when the ball is with the client."""
    status = ticket.status
    if status in TERMINAL:
        return None
    if status is Status.DISPATCHED:
        return ticket.arrival_due
    if status in {Status.ARRIVED, Status.IN_PROGRESS, Status.UNFINISHED}:
        return ticket.completion_due  # (quoted: the completion clock is paused until the client decides)
    if status in {Status.RECEIVED, Status.REOPENED, Status.HANDLED}:
        # Awaiting dispatch or a reply: as urgent as the moment it came (or came back) in.
        return ticket.reply_due or ticket.updated_at
    return None


def queue_key(ticket: Ticket) -> str | None:
    """GSI1 sort key while the ticket is open; None removes it from the sparse index."""
    if ticket.status in TERMINAL:
        return None
    return f"{next_deadline(ticket) or NO_DEADLINE}#{ticket.ticket_id}"
