"""A unit's history and the repeats the manual asks to be analysed (DOMAIN.md, callbacks: each
quarter, the same issue complained about twice or more and the same repair three times or more)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Final

from frontdesk.clock import to_iso
from frontdesk.models.history import Repeat
from frontdesk.models.ticket import Kind, Ticket

# How many of one kind and category within the window make a repeat.
REPEAT_AT: Final = {Kind.COMPLAINT: 2, Kind.REPAIR: 3}
REPEAT_WINDOW: Final = timedelta(days=92)  # a quarter


def repeats(tickets: list[Ticket], now: datetime) -> list[Repeat]:
    """The (kind, category) pairs of the unit's recent tickets that reach their repeat count."""
    since = to_iso(now - REPEAT_WINDOW)
    counts = Counter((t.kind, t.category) for t in tickets if t.kind in REPEAT_AT and t.created_at >= since)
    return [
        Repeat(kind=kind, category=category, count=count, threshold=REPEAT_AT[kind])
        for (kind, category), count in sorted(counts.items())
        if count >= REPEAT_AT[kind]
    ]
