"""What callers read back. The public view never shows who on the staff did what, nor full phone numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pydantic import Field

from frontdesk.models.frozen import Model, project
from frontdesk.models.identifiers import MAX_USERNAME
from frontdesk.models.ticket import Quote, Status, Ticket, TimelineEvent

# Event details a client may see; everything else (assignee names, internal notes) stays inside.
PUBLIC_DETAIL = frozenset(
    {
        "reason",
        "arrival_due",
        "on_time",
        "total_cents",
        "decision",
        "summary",
        "reply",
        "satisfied",
        "rating",
        "text",
        "duplicate_of",
    }
)
# Events the client never sees at all, not even that they happened: the desk's internal notes, a
# manager's judgement whether a complaint is valid (the month's statistics), who was told at intake,
# a written reply's draft and approval (the client reads the reply once it is sent), and that other
# tenants' reports were linked to theirs as duplicates.
INTERNAL_ACTIONS = frozenset({"note", "validity", "route", "draft_reply", "approve_reply", "duplicate_linked"})


def mask_phone(phone: str) -> str:
    digits = phone.replace(" ", "").replace("-", "")
    return digits[:3] + "*" * max(len(digits) - 7, 0) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


class PublicEvent(Model):
    at: str
    action: str
    by: str
    from_status: Status | None
    to_status: Status
    detail: dict[str, str]


class PublicTicket(Model):
    number: str
    kind: str
    category: str
    status: Status
    building_id: str
    unit: str
    location: str
    description: str
    contact_name: str
    contact_phone: str
    created_at: str
    version: int
    arrival_due: str | None
    arrived_at: str | None
    completed_at: str | None
    work_summary: str
    quote: Quote | None
    decline_reason: str
    resolution: str = Field(description="How a closed ticket ended: accepted, replied, cancelled, duplicate …")
    cancel_reason: str
    duplicate_of: str = Field(description="Closed as a duplicate: the number of the ticket it is handled under")
    actions: list[str]
    conversation: list[str] = Field(description='"answer" while the client may write back on the ticket')
    timeline: list[PublicEvent]
    timezone: str = Field(description="The site's time zone: the page shows every time in it")


def public_view(
    ticket: Ticket,
    timeline: list[TimelineEvent],
    actions: list[str],
    timezone: str,
    conversation: Sequence[str] = (),
) -> PublicTicket:
    return project(
        ticket,
        PublicTicket,
        timezone=timezone,
        kind=ticket.kind.value,
        contact_name=ticket.contact.name,
        contact_phone=mask_phone(ticket.contact.phone),
        resolution=ticket.resolution.value,
        duplicate_of=ticket.duplicate_of.number if ticket.duplicate_of else "",
        actions=actions,
        conversation=list(conversation),
        timeline=[
            PublicEvent(
                at=e.at,
                action=e.action,
                by=e.actor.kind.value,
                from_status=e.from_status,
                to_status=e.to_status,
                detail={k: v for k, v in e.detail.items() if k in PUBLIC_DETAIL},
            )
            for e in timeline
            if e.action not in INTERNAL_ACTIONS
        ],
    )


class LinkedTicket(Model):
    """A repair a complaint spawned, as it stands now."""

    ticket_id: str
    number: str
    category: str
    status: Status
    resolution: str
    assignee: str


def linked(ticket: Ticket) -> LinkedTicket:
    assignee = ticket.assignment.assignee if ticket.assignment is not None else ""
    return LinkedTicket(
        ticket_id=ticket.ticket_id,
        number=ticket.number,
        category=ticket.category,
        status=ticket.status,
        resolution=ticket.resolution.value,
        assignee=assignee,
    )


class StaffTicket(Model):
    ticket: Ticket
    actions: list[str]
    conversation: list[str] = Field(
        default_factory=list, description="What you may write on the ticket without moving it: note, message"
    )
    timeline: list[TimelineEvent]
    linked_repairs: list[LinkedTicket] = Field(
        default_factory=list, description="A complaint's repairs (POST …/repairs), each as it stands now"
    )


class Queue(Model):
    site_id: str
    tickets: list[Ticket]
    until: str = Field(default="", description="Pass as `since` to poll for what changes from now on")


# The board's search box takes a number, a phone, a name or a few words: longer is no search.
MAX_QUERY: Final = 100


class BoardSearch(Model):
    """The texts the board's search sends (GET /staff/tickets/search's query): the route checks them
    with these limits, and the console's inputs are given them by the catalogue (``forms``)."""

    q: str = Field(default="", max_length=MAX_QUERY)
    assignee: str = Field(default="", max_length=MAX_USERNAME)


class SearchResults(Model):
    site_id: str
    tickets: list[Ticket]
    cursor: str | None = Field(description="Opaque: pass it back for the next page; null on the last")
    items_read: int = Field(description="Index items and tickets read to answer (the search's cost)")


class Changes(Model):
    site_id: str
    tickets: list[Ticket] = Field(description="Written since `since`, open and closed, in the board's order")
    until: str = Field(description="Pass as `since` on the next poll")


class Created(Model):
    ticket_id: str
    number: str
    status: Status
    tracking_token: str
    tracking_url: str


class BulkOutcome(Model):
    """One ticket of a bulk request: done (the ticket as written) or refused (as it alone would be)."""

    ticket_id: str
    action: str
    ok: bool
    status: int = Field(description="The HTTP status this ticket alone would have had")
    code: str | None = None
    field: str | None = None
    message: str | None = Field(default=None, description="Why it was refused, in the caller's language")
    ticket: Ticket | None = None


class BulkResults(Model):
    done: int
    refused: int
    outcomes: list[BulkOutcome] = Field(description="One per ticket named, in the order named")
    primary: Ticket | None = Field(default=None, description="Duplicates: the primary, listing its duplicates")
