"""The weekly callback sample (001 part 2: 每周对维修派工单抽样20%进行电话回访; 001 part 11 §4.1.2b).

Reproducible and auditable: the tickets of a week are ranked by ``sha256(seed, week, ticket id)``
and the first ``ceil(rate × population)`` are chosen. The same seed and week over the same tickets
always give the same sample, whatever order the tickets were read in; the seed, the population and
the rate are stored with the sample, so anyone can draw it again and check it. Rounding up keeps a
week with any ordinary repair from going without a callback (the manual's target is 30 %).

The population is the site's ordinary repairs of the week (by the site-local day of intake),
completed: key repairs and emergencies are each called back already (frontdesk.domain.callbacks).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

from frontdesk.domain.callbacks import is_key_repair
from frontdesk.models import identifiers as ids
from frontdesk.models.ticket import Kind, Ticket

WEEK: Final = re.compile(ids.ISO_WEEK)
DEFAULT_PERCENT: Final = 20


def week_days(week: str) -> list[date]:
    """The seven days (Monday first) of an ISO week written ``2026-W48``."""
    if WEEK.match(week) is None:
        raise ValueError("sample_week_invalid")
    year, number = week.split("-W")
    try:
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError as error:
        raise ValueError("sample_week_invalid") from error
    return [monday + timedelta(days=n) for n in range(7)]


def eligible(ticket: Ticket) -> bool:
    return ticket.kind is Kind.REPAIR and ticket.completed_at is not None and not is_key_repair(ticket)


def rank(seed: str, week: str, ticket_id: str) -> str:
    return hashlib.sha256(f"{seed}\n{week}\n{ticket_id}".encode()).hexdigest()


def size(population: int, percent: int) -> int:
    return math.ceil(population * percent / 100)


def sample(population: Iterable[str], seed: str, week: str, percent: int = DEFAULT_PERCENT) -> tuple[str, ...]:
    """The chosen ticket ids, in rank order."""
    ids = sorted(set(population))
    ranked = sorted(ids, key=lambda ticket_id: rank(seed, week, ticket_id))
    return tuple(ranked[: size(len(ids), percent)])
