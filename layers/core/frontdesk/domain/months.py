"""Calendar months written ``2026-11``: the one set of helpers the monthly rules share (the duty
roster, the monthly callbacks)."""

from __future__ import annotations

import calendar as calendar_module
from datetime import date, timedelta


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def month_days(month: str) -> list[date]:
    """The days of a month written ``2026-11``."""
    year, number = (int(part) for part in month.split("-"))
    last = calendar_module.monthrange(year, number)[1]
    return [date(year, number, day) for day in range(1, last + 1)]


def next_month(month: str) -> str:
    return month_of(month_days(month)[-1] + timedelta(days=1))
