"""The quarterly callback analysis (001 p11 §4.6: 每季度对回访不合格、同一问题投诉两次以上、同一维修
三次以上的单元进行分析; filed by the 10th of the next quarter). Pure rules: the records, the
calendar and the times are passed in. docs/decisions/0023-callbacks-and-business-calendars.md.

- a quarter is a site-local calendar quarter (``2026-Q4``: 1 October to 31 December);
- a **failed callback** is one concluded unsatisfied in the quarter (a complaint reopened, or a
  repair sent back to work when the defect remained); unreachable is not a failure of the work;
- a **repeated complaint / repair** is a unit with as many tickets of one kind and category taken
  in the quarter as ``frontdesk.domain.history.REPEAT_AT`` says (2 complaints, 3 repairs), the rule
  intake flags repeats by; a ticket closed as a duplicate of another is the same request, not a
  repeat, and is not counted;
- the analysis is mailed on the **first business day of the month after the quarter** (the site's
  calendar), when its day shift starts, so well before the 10th.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import to_iso
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.history import REPEAT_AT
from frontdesk.models.callback import Callback, CallbackState
from frontdesk.models.frozen import project
from frontdesk.models.quarterly import FailedCallback, QuarterlyAnalysis, RepeatedIssue
from frontdesk.models.ticket import Kind, Resolution, Ticket

MONTHS_PER_QUARTER: Final = 3


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // MONTHS_PER_QUARTER + 1}"


def first_day(quarter: str) -> date:
    year, number = quarter.split("-Q")
    return date(int(year), (int(number) - 1) * MONTHS_PER_QUARTER + 1, 1)


def following(quarter: str) -> str:
    start = first_day(quarter)
    month = start.month + MONTHS_PER_QUARTER
    return quarter_of(date(start.year + (month > 12), (month - 1) % 12 + 1, 1))


def previous(quarter: str) -> str:
    start = first_day(quarter)
    return quarter_of(start - timedelta(days=1))


def last_day(quarter: str) -> date:
    return first_day(following(quarter)) - timedelta(days=1)


def days(quarter: str) -> list[date]:
    start, end = first_day(quarter), last_day(quarter)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def instants(quarter: str, timezone: str) -> tuple[str, str]:
    """The quarter as stored times: from its first site-local midnight up to (not including) the next
    quarter's, as UTC strings that order like the times."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(first_day(quarter), time(0), tzinfo=zone)
    end = datetime.combine(first_day(following(quarter)), time(0), tzinfo=zone)
    return to_iso(start), to_iso(end)


def mail_day(quarter: str, calendar: Calendar) -> date:
    """The first business day of the month after the quarter, in the site's calendar."""
    start = first_day(following(quarter))
    return start if calendar.is_working_day(start) else calendar.next_working_day(start)


def due_for_mail(now: datetime, calendar: Calendar) -> str | None:
    """The quarter whose analysis is owed at ``now``: from the morning of the first business day of
    the following month (the site's day shift starts) to the end of that month (a run missed on the
    day catches up later)."""
    local = calendar.local(now)
    ended = previous(quarter_of(local.date()))
    owed_from = calendar.at(mail_day(ended, calendar), calendar.hours.day_start)
    return ended if owed_from <= local and local.month == owed_from.month else None


def failed(callbacks: list[Callback]) -> list[FailedCallback]:
    return [
        project(
            c,
            FailedCallback,
            done_at=c.done_at or "",
            defect_remains=any(a.defect_remains for a in c.attempts),
        )
        for c in sorted(callbacks, key=lambda c: (c.done_at or "", c.callback_id))
        if c.state is CallbackState.UNSATISFIED
    ]


def repeated(tickets: list[Ticket], kind: Kind) -> list[RepeatedIssue]:
    """The units with at least ``REPEAT_AT[kind]`` tickets of ``kind`` and one category."""
    threshold = REPEAT_AT[kind]
    groups: dict[tuple[str, str, str], list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if ticket.kind is kind and ticket.unit and ticket.resolution is not Resolution.DUPLICATE:
            groups[ticket.building_id, ticket.unit, ticket.category].append(ticket)
    return [
        RepeatedIssue(
            building_id=building_id,
            unit=unit,
            kind=kind.value,
            category=category,
            count=len(same),
            threshold=threshold,
            tickets=[t.number for t in sorted(same, key=lambda t: (t.created_at, t.number))],
        )
        for (building_id, unit, category), same in sorted(groups.items())
        if len(same) >= threshold
    ]


def analyse(site_id: str, quarter: str, tickets: list[Ticket], callbacks: list[Callback]) -> QuarterlyAnalysis:
    return QuarterlyAnalysis(
        site_id=site_id,
        quarter=quarter,
        first_day=first_day(quarter).isoformat(),
        last_day=last_day(quarter).isoformat(),
        failed_callbacks=failed(callbacks),
        repeated_complaints=repeated(tickets, Kind.COMPLAINT),
        repeated_repairs=repeated(tickets, Kind.REPAIR),
        tickets_read=len(tickets),
    )
