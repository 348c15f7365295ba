"""The end-of-day sweep (000 §3.1d): work begun and still open when the site's day ends is marked
未完成 (unfinished), with the reason if one was recorded, put on the next day's follow-up list, and
its client told when they left an address. Pure: which tickets, and the change for each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import to_iso
from frontdesk.domain.lifecycle import REPAIR_LIKE, Change, Step, recorded
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, ActorKind, Status, Ticket

SWEEP_ACTOR: Final = Actor(kind=ActorKind.SYSTEM, id="sweep")
UNFINISHED: Final = "unfinished"  # the action, and the notice its client is owed
# Work begun (the engineer is on it) and not finished; unfinished work already is marked.
SWEPT: Final = frozenset({Status.ARRIVED, Status.IN_PROGRESS})


def day_ended(site: Site, now: datetime) -> tuple[str, str]:
    """The site-local day that ended last (yesterday), and its end (today's midnight, UTC)."""
    local = now.astimezone(ZoneInfo(site.timezone))
    midnight = datetime(local.year, local.month, local.day, tzinfo=local.tzinfo)
    return (midnight.date() - timedelta(days=1)).isoformat(), to_iso(midnight.astimezone(UTC))


def owed(ticket: Ticket, day_end: str) -> bool:
    """Work begun before the day ended and still open at its end."""
    return (
        ticket.kind in REPAIR_LIKE
        and ticket.status in SWEPT
        and ticket.arrived_at is not None
        and ticket.arrived_at < day_end
    )


def mark(ticket: Ticket, day: str, now: datetime) -> Change:
    """未完成 for ``day``, followed up the next day; the reason, if the ticket has one recorded."""
    follow_up = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
    detail = {"reason": ticket.unfinished_reason, "swept_day": day, "follow_up_day": follow_up}
    step = Step(Status.UNFINISHED, {"follow_up_day": follow_up}, {k: v for k, v in detail.items() if v})
    return recorded(ticket, SWEEP_ACTOR, UNFINISHED, step, now)


def notified(ticket: Ticket) -> bool:
    return bool(ticket.contact.email)
