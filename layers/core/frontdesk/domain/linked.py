"""A complaint's repairs (000 §3.3c: a complaint that can be solved now is dispatched at once).

A repair spawned from a complaint is a repair like any other (dispatched, done, accepted through its
own lifecycle and clocks), at the complaint's place, for the complaint's client, taken by the same
desk; the complaint lists it, and its timeline records the spawning and each acceptance.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from frontdesk.domain import intake, lifecycle
from frontdesk.domain.errors import ErrorCode, IllegalTransition, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.lifecycle import Change, Step
from frontdesk.domain.permissions import may, require_staff_to
from frontdesk.domain.remarks import remarked
from frontdesk.models import commands as cmd
from frontdesk.models.site import Site
from frontdesk.models.ticket import TERMINAL, Actor, ActorKind, Channel, Kind, Ticket, TimelineEvent

MAX_LINKED: Final = 5
LINK: Final = "link_repair"
OFFER: Final = "repairs"  # what the console offers (POST /staff/tickets/{id}/repairs)
ACCEPTED: Final = "repair_accepted"
LINKS_ACTOR: Final = Actor(kind=ActorKind.SYSTEM, id="links")


def offered(ticket: Ticket, actor: Actor) -> list[str]:
    """``["repairs"]`` when this actor may raise a repair from this ticket now, else nothing."""
    open_complaint = ticket.kind is Kind.COMPLAINT and ticket.status not in TERMINAL
    return [OFFER] if open_complaint and may(actor, LINK) and len(ticket.linked_repairs) < MAX_LINKED else []


def check_may_link(complaint: Ticket, command: cmd.LinkedRepair, actor: Actor) -> None:
    require_staff_to(actor, LINK)
    if command.version != complaint.version:
        raise VersionConflict(field="version", expected=complaint.version, given=command.version)
    if complaint.kind is not Kind.COMPLAINT or complaint.status in TERMINAL:
        raise IllegalTransition(field="action", action=LINK, status=complaint.status.value)
    if len(complaint.linked_repairs) >= MAX_LINKED:
        raise IllegalTransition(field="action", code=ErrorCode.LINKED_REPAIRS_FULL, limit=MAX_LINKED)


def spawn_repair(
    complaint: Ticket,
    command: cmd.LinkedRepair,
    site: Site,
    actor: Actor,
    now: datetime,
    ticket_id: str,
    seq_of_day: int,
) -> tuple[Change, Change]:
    """The new repair (its first event names the complaint) and the complaint one version on, listing it."""
    check_may_link(complaint, command, actor)
    request = cmd.StaffNewTicket(
        site_id=complaint.site_id,
        building_id=complaint.building_id,
        unit=complaint.unit,
        location=complaint.location,
        kind=Kind.REPAIR,
        category=command.category,
        channel=Channel.PHONE,
        description=command.description,
        contact_name=complaint.contact.name,
        contact_phone=complaint.contact.phone or None,
        contact_email=complaint.contact.email or None,
        language="en" if complaint.language == "en" else "zh-CN",
    )
    opened = intake.open_ticket(request, site, actor, now, ticket_id, seq_of_day)
    repair = evolve(opened.ticket, {"channel": complaint.channel, "complaint_id": complaint.ticket_id})
    detail = {**opened.event.detail, "channel": complaint.channel.value, "complaint": complaint.number}
    first = evolve(opened.event, {"detail": detail})
    step = Step(
        complaint.status,
        {"linked_repairs": (*complaint.linked_repairs, ticket_id)},
        {"repair": repair.number, "category": command.category},
    )
    return Change(repair, first), lifecycle.recorded(complaint, actor, LINK, step, now)


def repair_accepted(complaint: Ticket, repair: Ticket, event: TimelineEvent) -> Change:
    """The client's acceptance of one of the complaint's repairs, on the complaint's timeline."""
    detail = {"repair": repair.number, "satisfied": event.detail.get("satisfied", "")}
    return remarked(complaint, LINKS_ACTOR, ACCEPTED, event.at, detail)
