"""Opening a ticket: the checks an operator makes before writing anything (000 §3.9f)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from frontdesk.clock import deadline_iso, local_date, to_iso
from frontdesk.domain import sla
from frontdesk.domain.errors import ErrorCode, InvalidInput
from frontdesk.domain.lifecycle import REPAIR_LIKE, Change
from frontdesk.domain.places import check_place
from frontdesk.models import commands as cmd
from frontdesk.models.site import Site
from frontdesk.models.ticket import (
    CATEGORIES,
    Actor,
    Channel,
    Contact,
    Kind,
    Severity,
    Status,
    Ticket,
    TimelineEvent,
)

FIRE: Final = "fire"


def short_number(site: Site, day: str, seq: int) -> str:
    """What a person reads out on the phone: site code, month-day, sequence of the day. ``QL-1122-007``."""
    return f"{site.code}-{day[5:7]}{day[8:10]}-{seq:03d}"


def site_day(site: Site, now: datetime) -> str:
    return local_date(now, site.timezone).isoformat()


def open_ticket(
    request: cmd.NewTicket | cmd.StaffNewTicket,
    site: Site,
    actor: Actor,
    now: datetime,
    ticket_id: str,
    seq_of_day: int,
) -> Change:
    check_place(site, request.building_id, request.unit)
    if not request.unit and not request.location:
        raise InvalidInput(field="unit", code=ErrorCode.UNIT_OR_LOCATION_REQUIRED)
    kind = Kind(request.kind)
    if request.category not in CATEGORIES[kind]:
        raise InvalidInput(field="category", code=ErrorCode.UNKNOWN_CATEGORY)

    channel = request.channel if isinstance(request, cmd.StaffNewTicket) else Channel.WEB
    severity = request.severity if isinstance(request, cmd.StaffNewTicket) else None
    facts = _facts(request, kind) if isinstance(request, cmd.StaffNewTicket) else {}
    day = site_day(site, now)
    at = to_iso(now)
    ticket = Ticket(
        ticket_id=ticket_id,
        site_id=site.site_id,
        number=short_number(site, day, seq_of_day),
        local_day=day,
        kind=kind,
        channel=Channel(channel),
        category=request.category,
        status=Status.RECEIVED,
        building_id=request.building_id,
        unit=request.unit,
        location=request.location,
        description=request.description,
        contact=Contact(
            name=request.contact_name, phone=request.contact_phone or "", email=request.contact_email or ""
        ),
        language=request.language,
        received_by=actor.id,
        created_at=at,
        updated_at=at,
        reply_due=_reply_due(request, kind, site, now),
        **({"severity": severity} if severity is not None else {}),
        **facts,
    )
    detail = {"channel": ticket.channel.value, "kind": kind.value, "category": request.category}
    if ticket.severity is not Severity.NORMAL:
        detail["severity"] = ticket.severity.value
    if ticket.disabled_occupants:
        detail["disabled_occupants"] = ticket.disabled_occupants.value
    if isinstance(request, cmd.StaffNewTicket) and request.reply_by is not None:
        detail["reply_agreed"] = ticket.reply_due or ""
    event = TimelineEvent(
        ticket_id=ticket_id,
        seq=1,
        at=at,
        actor=actor,
        action="create",
        from_status=None,
        to_status=Status.RECEIVED,
        detail=detail,
    )
    return Change(ticket, event)


def _facts(request: cmd.StaffNewTicket, kind: Kind) -> dict[str, Any]:
    """What the statistics need of a complaint (004 QW21-04 §4.1.3) and what a fire call asks (000 §3.8):
    each refused, by its field, on a ticket it does not describe."""
    facts: dict[str, Any] = {}
    if request.department_concerned is not None or request.concerning:
        if kind is not Kind.COMPLAINT:
            field = "department_concerned" if request.department_concerned is not None else "concerning"
            raise InvalidInput(field=field, code=ErrorCode.COMPLAINT_FIELD_ONLY)
        facts["department_concerned"] = request.department_concerned
        facts["concerning"] = request.concerning
    if request.severity is not Severity.NORMAL and kind is not Kind.COMPLAINT:
        raise InvalidInput(field="severity", code=ErrorCode.COMPLAINT_FIELD_ONLY)
    fire = kind is Kind.EMERGENCY and request.category == FIRE
    if fire and request.disabled_occupants is None:
        raise InvalidInput(field="disabled_occupants", code=ErrorCode.DISABLED_OCCUPANTS_REQUIRED)
    if not fire and request.disabled_occupants is not None:
        raise InvalidInput(field="disabled_occupants", code=ErrorCode.FIRE_FIELD_ONLY)
    if fire:
        facts["disabled_occupants"] = request.disabled_occupants
    return facts


def _reply_due(request: cmd.NewTicket | cmd.StaffNewTicket, kind: Kind, site: Site, now: datetime) -> str | None:
    """Same site-local day (000 §3.3f), or the time agreed with the client: later than now, within the limit."""
    if kind in REPAIR_LIKE:
        if isinstance(request, cmd.StaffNewTicket) and request.reply_by is not None:
            raise InvalidInput(field="reply_by", code=ErrorCode.REPLY_BY_NOT_FOR_KIND)
        return None
    agreed = request.reply_by if isinstance(request, cmd.StaffNewTicket) else None
    if agreed is None:
        return sla.reply_due(site, now)
    if not now < agreed <= now + sla.MAX_AGREED_REPLY:
        raise InvalidInput(field="reply_by", code=ErrorCode.REPLY_BY_OUT_OF_RANGE, days=sla.MAX_AGREED_REPLY.days)
    return deadline_iso(agreed)


def acknowledged(ticket: Ticket) -> bool:
    """A tenant who left an address is told the number and the tracking link at once (issue 10)."""
    return bool(ticket.contact.email)
