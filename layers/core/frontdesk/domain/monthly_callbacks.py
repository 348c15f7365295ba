"""The month's drawn callbacks: the 3 most significant repairs (000 §3.1f) and the activities'
10 % sample (001 p11 §4.1.1e, §4.1.2c). Pure: the tickets, the calendar and the times come in.
docs/decisions/0023-callbacks-and-business-calendars.md.

**The top 3** (每月月底管业副经理同工程部主管对本月所维修的事项中的3件比较重要或影响面较大的…进行回访):
the population is the site's repairs of the month (repairs, paid repairs and emergencies other than
first aid, by the site-local day of intake) that were completed. They are ranked, most significant
first, by ``significance``:

1. an emergency or a repair of a category that touches many people (lifts, public facilities);
2. how many people reported it (the tickets closed as its duplicates: 影响面较大);
3. how far up its ladder a clock escalated (the client waited too long);
4. how many times the unit had the same repair before (a repeat is a quality problem);
5. how long it took from intake to completion;

and, all equal, by ticket id (ascending), so the same tickets always give the same 3. They are
called back by the deputy manager (the callback's assignee) with the engineering head (``joint``),
by the end of the 3rd business day of the next month (the manual's month end, with the first
working days of the next month to reach the clients); the result goes to the centre manager.

**The activities' sample**: the site's inquiries of the ``activity`` category (sign-ups for an
activity or a publication the centre organises) received in the month, sampled at 10 % with the
weekly sample's ranking (frontdesk.domain.sampling: same seed, same choice), each called back by
the end of the last working day of the next month (一个月内).

A month is drawn once its last working day has begun (its population is then whole, but for the
last day's late requests): by a manager who names the callers, or else by the scheduled run at the
end of that day's day shift (``due_draws``), with nobody assigned yet (a supervisor assigns them).
A run missed then draws the month in the first week of the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Final

from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain import sampling
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.callbacks import KEY_REPAIR_CATEGORIES, REPAIR_LIKE, desk_taker, is_first_aid, of_ticket
from frontdesk.domain.months import month_days, month_of
from frontdesk.models.callback import Callback
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.ticket import ACTIVITY, Kind, Resolution, Ticket

TOP_COUNT: Final = 3
TOP_BUSINESS_DAYS: Final = 3
ACTIVITY_PERCENT: Final = 10
# Tickets that count for nothing: cancelled, or closed as another's duplicate (that one counts).
SET_ASIDE: Final = frozenset({Resolution.CANCELLED, Resolution.DUPLICATE})
# A scheduled run that missed a month's end still draws it this many days into the next month.
CATCH_UP_DAYS: Final = 7


def next_month_start(month: str, calendar: Calendar) -> datetime:
    """The site-local midnight that ends the month."""
    return calendar.at(month_days(month)[-1] + timedelta(days=1), datetime.min.time())


def last_working_day(month: str, calendar: Calendar) -> date:
    days = [day for day in month_days(month) if calendar.is_working_day(day)]
    return days[-1] if days else month_days(month)[-1]


def may_draw(month: str, calendar: Calendar, now: datetime) -> bool:
    """A month is drawn from the start of its last working day on, never before."""
    return calendar.local(now) >= calendar.at(last_working_day(month, calendar), calendar.hours.day_start)


def due_draws(calendar: Calendar, now: datetime) -> list[str]:
    """The months a scheduled run draws (if not drawn yet): the month just ending, once the day shift
    of its last working day has ended; the month before, in the first days of this one."""
    today = calendar.local(now).date()
    months = [month_of(today.replace(day=1) - timedelta(days=1))] if today.day <= CATCH_UP_DAYS else []
    this = month_of(today)
    if now >= calendar.at(last_working_day(this, calendar), calendar.hours.day_end):
        months.append(this)
    return months


# ------------------------------------------------------------------------------------------ top 3


def top_eligible(ticket: Ticket) -> bool:
    return (
        ticket.kind in REPAIR_LIKE
        and not is_first_aid(ticket)
        and ticket.completed_at is not None
        and ticket.resolution not in SET_ASIDE
    )


def significance(ticket: Ticket) -> tuple[int, int, int, int, float]:
    """The rule's ranking key, larger is more significant (the module's docstring says why)."""
    touches_many = ticket.kind is Kind.EMERGENCY or ticket.category in KEY_REPAIR_CATEGORIES
    took = parse_iso(ticket.completed_at or ticket.created_at) - parse_iso(ticket.created_at)
    return (
        int(touches_many),
        len(ticket.duplicates),
        ticket.escalation.level,
        ticket.repeat_of,
        took.total_seconds(),
    )


def top_repairs(tickets: Iterable[Ticket], count: int = TOP_COUNT) -> tuple[str, ...]:
    """The ids of the most significant eligible tickets, most significant first; ties by id."""
    eligible = sorted((t for t in tickets if top_eligible(t)), key=lambda t: t.ticket_id)
    ranked = sorted(eligible, key=significance, reverse=True)  # stable: equal keys keep the id order
    return tuple(t.ticket_id for t in ranked[:count])


def top_id(ticket_id: str, month: str) -> str:
    """One top-3 callback per ticket and month (``…-t2026m11``)."""
    return f"{ticket_id}-t{month.replace('-', 'm')}"


def for_top_repair(
    ticket: Ticket, month: str, calendar: Calendar, at: datetime, deputy_manager: str, engineering_head: str
) -> Callback:
    due = calendar.business_days_after(next_month_start(month, calendar), TOP_BUSINESS_DAYS - 1)
    return of_ticket(
        ticket, top_id(ticket.ticket_id, month), CallbackReason.TOP_REPAIR, to_iso(at), due, deputy_manager
    ).model_copy(update={"joint": engineering_head})


# ------------------------------------------------------------------------------------------ activities


def activity_eligible(ticket: Ticket) -> bool:
    return ticket.kind is Kind.INQUIRY and ticket.category == ACTIVITY and ticket.resolution not in SET_ASIDE


def activity_sample(population: Iterable[str], seed: str, month: str) -> tuple[str, ...]:
    return sampling.sample(population, seed, month, ACTIVITY_PERCENT)


def activity_id(ticket_id: str, month: str) -> str:
    """One activity callback per ticket and month (``…-a2026m11``)."""
    return f"{ticket_id}-a{month.replace('-', 'm')}"


def for_activity(ticket: Ticket, month: str, calendar: Calendar, at: datetime) -> Callback:
    following = next_month_start(month, calendar).date()
    due = calendar.at(last_working_day(f"{following:%Y-%m}", calendar), calendar.hours.day_end)
    return of_ticket(
        ticket, activity_id(ticket.ticket_id, month), CallbackReason.ACTIVITY, to_iso(at), due, desk_taker(ticket)
    )
