"""A one-off backfill: search terms and board keys for tickets written before ADR 0020.

Bounded (at most ``max_tickets`` tickets and ``max_pages`` pages of ``page`` items per run),
resumable (each run answers the key to go on from) and idempotent (a ticket done carries a mark and
is not read again; putting a term again changes nothing). A ticket written between the read and the
write is read again: a write since ADR 0020 adds board keys but not the terms of its own fields.
A ticket's terms are its own fields' and its notes' and replies' words (docs/decisions/0021), so a
backfilled ticket is found as a new one is.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from frontdesk.domain import search
from frontdesk.models.ticket import Ticket, TimelineEvent

# A ticket written between the backfill's read and its write is read again, this often.
WRITE_ATTEMPTS = 3


class BackfillRecords(Protocol):
    """frontdesk.adapters.dynamodb.TicketStore"""

    def without_search_keys(
        self, limit: int, after: dict[str, Any] | None
    ) -> tuple[list[Ticket], dict[str, Any] | None]: ...
    def get(self, ticket_id: str) -> Ticket | None: ...
    def timeline(self, ticket_id: str) -> list[TimelineEvent]: ...
    def add_search_keys(self, ticket: Ticket, found_by: Sequence[str], notes: int) -> bool: ...


@dataclass(frozen=True)
class BackfillReport:
    updated: int
    skipped: int  # written again and again while the backfill tried (or gone): the next run takes it
    cursor: str | None  # where the next run goes on; None: the table is done


def ticket_terms(ticket: Ticket, timeline: list[TimelineEvent]) -> list[str]:
    """Every term a ticket written today would have: its fields', and each note's and reply's words."""
    found = search.terms(ticket)
    for event in timeline:
        found += search.text_terms(event.action, event.detail.get("text", ""))
    return list(dict.fromkeys(found))


def _encode(key: dict[str, Any] | None) -> str | None:
    return None if key is None else base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode(cursor: str | None) -> dict[str, Any] | None:
    return json.loads(base64.urlsafe_b64decode(cursor)) if cursor else None


class SearchBackfill:
    def __init__(self, records: BackfillRecords, page: int = 100) -> None:
        self._records = records
        self._page = page

    def run(self, max_tickets: int, cursor: str | None = None, max_pages: int = 100) -> BackfillReport:
        """At most ``max_tickets`` tickets and ``max_pages`` pages read (a table of few old tickets
        is mostly pages with none), from ``cursor`` on."""
        after = _decode(cursor)
        updated = skipped = 0
        for _ in range(max_pages):
            if updated + skipped >= max_tickets:
                break
            # a page evaluates at most this many items, so it never holds more tickets than are left
            left = min(self._page, max_tickets - updated - skipped)
            tickets, after = self._records.without_search_keys(left, after)
            for ticket in tickets:
                if self._backfill(ticket):
                    updated += 1
                else:
                    skipped += 1
            if after is None:
                break
        return BackfillReport(updated, skipped, _encode(after))

    def _backfill(self, ticket: Ticket | None) -> bool:
        for _ in range(WRITE_ATTEMPTS):
            if ticket is None:
                return False
            timeline = self._records.timeline(ticket.ticket_id)
            notes = sum(event.action in search.SEARCHED_TEXT for event in timeline)
            if self._records.add_search_keys(ticket, ticket_terms(ticket, timeline), notes):
                return True
            ticket = self._records.get(ticket.ticket_id)  # written meanwhile: its terms, as it is now
        return False
