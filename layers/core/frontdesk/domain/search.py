"""Find anything: the terms a ticket is found by, the index a search reads, and the board's order.

A ticket is found by its short number, its tenant's phone (all digits or the last 4), the tenant's
name, its unit, the words of its description and the words the staff write on it (a note or a reply:
``SEARCHED_TEXT``, terms written with the event, docs/decisions/0021). Each of those is a *term*; the store keeps one
small item per term, written with the ticket (docs/decisions/0020). A query is cut into terms the
same way; the most selective one names the index partition to read, the others are checked on the
tickets read (``matches``). Pure: no I/O, times passed in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from frontdesk.clock import parse_iso
from frontdesk.domain.queue import next_deadline
from frontdesk.models.ticket import TERMINAL, Kind, Status, Ticket

# A ticket's description gives at most this many terms (with its other fields, the transaction
# that creates it stays far below DynamoDB's 100 actions).
MAX_TEXT_TERMS = 40
# What staff write on a ticket that makes it found by its words: an internal note and a reply to the
# tenant. Not the tenant's answer: a tracking link's holder must not be able to grow the index.
SEARCHED_TEXT = frozenset({"note", "message"})
_WORD = re.compile(r"[\w-]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_SEPARATORS = re.compile(r"[\s\-()+]")


def normalise(text: str) -> str:
    """Full-width to half-width, case folded: ``ＱＬ`` and ``ql`` are one term."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def words(text: str) -> list[str]:
    """Latin words and numbers as they are (two characters or more); Chinese runs as overlapping
    pairs of characters (a run of one as itself), since Chinese has no spaces between words."""
    found: list[str] = []
    for word in _WORD.findall(normalise(text)):
        word = word.strip("-_")
        pieces = _CJK.split(word)
        found.extend(piece.strip("-_") for piece in pieces if len(piece.strip("-_")) >= 2)
        for run in _CJK.findall(word):
            found.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return list(dict.fromkeys(found))


def terms(ticket: Ticket) -> list[str]:
    """Every term the ticket is found by, each once."""
    found = [normalise(ticket.number)]
    phone = _digits(ticket.contact.phone)
    if phone:
        found += [phone, phone[-4:]]
    name = normalise(ticket.contact.name).replace(" ", "")
    if name:
        found += [name, *words(ticket.contact.name)]
    if ticket.unit:
        found += [normalise(ticket.unit).replace(" ", ""), *words(ticket.unit)]
    found += words(ticket.description)[:MAX_TEXT_TERMS]
    return [term for term in dict.fromkeys(found) if term]


def text_terms(action: str, text: str) -> list[str]:
    """The terms a note's or a reply's words add to its ticket (none for other writes)."""
    return words(text)[:MAX_TEXT_TERMS] if action in SEARCHED_TEXT else []


def query_terms(q: str) -> list[str]:
    """The terms a query asks for, most selective first. A phone typed with spaces or dashes (7
    digits or more), or its last 4 digits, is one term; so is a short number (``QL-1122-007``) or a
    unit (``1-102``)."""
    text = normalise(q)
    if not text:
        return []
    bare = _SEPARATORS.sub("", text)
    if (bare.isdigit() and len(bare) >= 7) or (text.isdigit() and len(text) >= 4):
        return [bare]
    parts = text.split()
    if len(parts) == 1 and not _CJK.search(text) and "-" in text:
        return [text]
    found = list(dict.fromkeys(term for part in parts for term in [*words(part)]))
    return sorted(found, key=lambda term: -len(term))


class Source(StrEnum):
    """The index a search reads."""

    TERMS = "terms"  # GSI4: one term's tickets, newest first
    WORK = "work"  # GSI6: one assignee's tickets, last changed first
    OPEN = "open"  # GSI1: open tickets by next deadline (overdue, escalated, an open status)
    CHANGED = "changed"  # GSI5: every ticket of the site, last changed first


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: Status | None = None
    kind: Kind | None = None
    category: str = ""
    building_id: str = ""
    assignee: str = ""
    overdue: bool = False
    escalated: bool = False
    # "to follow up today": open work the end-of-day sweep put on this site-local day's follow-up
    # list or an earlier one's (not followed up yet), 000 §3.1d; the board gives the site's today
    follow_up_by: str = ""


@dataclass(frozen=True)
class Plan:
    source: Source
    partition: str  # the term, the assignee or "" (the site)


def plan(filters: Filters) -> Plan:
    """The narrowest index for the filters: a term, then an assignee, then the open queue."""
    wanted = query_terms(filters.q)
    if wanted:
        return Plan(Source.TERMS, wanted[0])
    if filters.assignee:
        return Plan(Source.WORK, filters.assignee)
    open_only = filters.overdue or filters.escalated or bool(filters.follow_up_by)
    if open_only or (filters.status is not None and filters.status not in TERMINAL):
        return Plan(Source.OPEN, "")
    return Plan(Source.CHANGED, "")


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    due = next_deadline(ticket)
    return ticket.status not in TERMINAL and due is not None and parse_iso(due) < now


def is_escalated(ticket: Ticket) -> bool:
    return ticket.status not in TERMINAL and ticket.escalation.level > 0


def to_follow_up(ticket: Ticket, day: str) -> bool:
    """On the follow-up list of ``day`` or of an earlier day (left over), and the work not done yet."""
    undone = ticket.status not in TERMINAL and ticket.status is not Status.COMPLETED
    return undone and bool(ticket.follow_up_day) and ticket.follow_up_day <= day


def unproven_terms(ticket: Ticket, filters: Filters) -> list[str]:
    """The query's terms a ticket read from the first term's partition is not known to have from its
    own fields: words of its notes and replies, which only the store's term items tell (``matches``
    refuses them at once on a ticket with no note)."""
    own = set(terms(ticket))
    return [term for term in query_terms(filters.q)[1:] if term not in own]


def matches(ticket: Ticket, filters: Filters, now: datetime) -> bool:
    """Whether a ticket read from the plan's index is one the search asked for, its terms apart (a
    ticket read by a term has that term; the others are ``unproven_terms``, possible only on a
    ticket with notes: one without is refused here, with no read)."""
    if unproven_terms(ticket, filters) and not ticket.notes:
        return False
    assignee = ticket.assignment.assignee if ticket.assignment else ""
    return (
        (filters.status is None or ticket.status is filters.status)
        and (filters.kind is None or ticket.kind is filters.kind)
        and (not filters.category or ticket.category == filters.category)
        and (not filters.building_id or ticket.building_id == filters.building_id)
        and (not filters.assignee or assignee == filters.assignee)
        and (not filters.overdue or is_overdue(ticket, now))
        and (not filters.escalated or is_escalated(ticket))
        and (not filters.follow_up_by or to_follow_up(ticket, filters.follow_up_by))
    )


def board_order(tickets: list[Ticket]) -> list[Ticket]:
    """The live board: escalated first (higher rungs before lower), then by time left, the
    tickets waiting on the client last."""

    def key(ticket: Ticket) -> tuple[int, str, str]:
        level = ticket.escalation.level if is_escalated(ticket) else 0
        return (-level, next_deadline(ticket) or "~", ticket.ticket_id)

    return sorted(tickets, key=key)


@dataclass(frozen=True)
class Found:
    """One page of a search: the tickets, the index key to go on from (None: no more), items read."""

    tickets: list[Ticket]
    after: dict[str, str] | None
    read: int
