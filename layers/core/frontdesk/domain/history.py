"""A unit's history and the repeats the manual asks to be analysed (DOMAIN.md, callbacks: each
quarter, the same issue complained about twice or more and the same repair three times or more)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Final

from frontdesk.clock import to_iso
from frontdesk.domain.evolve import evolve
from frontdesk.domain.lifecycle import Change
from frontdesk.models.history import Repeat
from frontdesk.models.ticket import Kind, Ticket

# How many of one kind and category within the window make a repeat.
REPEAT_AT: Final = {Kind.COMPLAINT: 2, Kind.REPAIR: 3}
REPEAT_WINDOW: Final = timedelta(days=92)  # a quarter


def repeats(tickets: list[Ticket], now: datetime) -> list[Repeat]:
    """The (kind, category) pairs of the unit's recent tickets that reach their repeat count."""
    since = window_start(now)
    counts = Counter((t.kind, t.category) for t in tickets if t.kind in REPEAT_AT and t.created_at >= since)
    return [
        Repeat(kind=kind, category=category, count=count, threshold=REPEAT_AT[kind])
        for (kind, category), count in sorted(counts.items())
        if count >= REPEAT_AT[kind]
    ]


def window_start(now: datetime) -> str:
    """The earliest creation time that still counts towards a repeat at ``now``."""
    return to_iso(now - REPEAT_WINDOW)


def repeat_number(earlier: int, kind: Kind) -> int:
    """The how-manieth a ticket is, given ``earlier`` tickets of its unit, kind and category within
    the quarter (since ``window_start``), when that makes it a repeat (a second complaint of one
    category, a third repair of one kind); 0 otherwise."""
    threshold = REPEAT_AT.get(kind)
    if threshold is None:
        return 0
    count = earlier + 1
    return count if count >= threshold else 0


def counted(ticket: Ticket) -> bool:
    """Whether intake counts `ticket` towards a repeat (001 p11 §4.6): a complaint or a repair of a
    unit; never an inquiry, nor a public area (no unit)."""
    return ticket.kind in REPEAT_AT and bool(ticket.unit)


def flag_repeat(change: Change, count: int) -> Change:
    """The new ticket marked as the ``count``-th of its kind for its unit, on the ticket and its first
    event (the console shows it; it clears, closes or merges nothing by itself)."""
    if not count:
        return change
    ticket = evolve(change.ticket, {"repeat_of": count})
    event = evolve(change.event, {"detail": {**change.event.detail, "repeat_of": str(count)}})
    return Change(ticket, event)
