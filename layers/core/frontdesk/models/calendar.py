"""A site's business calendar: its working hours and shifts, and each year's public holidays and
adjusted working days (调休). The rules that read it are in frontdesk.domain.calendar.

A year is loaded whole (the State Council publishes a year at a time): the shipped mainland China
calendar (frontdesk/calendars/cn-mainland.json) for every site, or the year a manager loads for one
site, which replaces the shipped year for that site.
"""

from __future__ import annotations

from datetime import date, time
from typing import Final

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from frontdesk.models.frozen import Frozen

MAX_HOLIDAYS: Final = 60
MAX_WORKDAYS: Final = 30
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2100

# The manuals' shifts (001 part 2): the day shift 08:00-17:30, the night shift the rest (17:30-08:00).
DAY_START: Final = time(8, 0)
DAY_END: Final = time(17, 30)


class YearCalendar(Frozen):
    """One year's days off and adjusted working days, as a manager loads them."""

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    holidays: tuple[date, ...] = Field(
        default=(), max_length=MAX_HOLIDAYS, description="Days off, weekends of a holiday included"
    )
    workdays: tuple[date, ...] = Field(
        default=(), max_length=MAX_WORKDAYS, description="Adjusted working days (调休): a Saturday or Sunday worked"
    )
    source: str = Field(default="", max_length=200, description="Where the dates come from (the notice)")
    provisional: bool = Field(default=False, description="Not the official schedule yet")

    @field_validator("holidays", "workdays")
    @classmethod
    def _in_the_year_once(cls, days: tuple[date, ...], info: ValidationInfo) -> tuple[date, ...]:
        year = info.data.get("year")
        if year is not None and any(day.year != year for day in days):
            raise ValueError("calendar_day_outside_year")
        if len(set(days)) != len(days):
            raise ValueError("calendar_day_twice")
        if info.field_name == "workdays" and set(days) & set(info.data.get("holidays", ())):
            raise ValueError("calendar_day_both")
        return tuple(sorted(days))


class Hours(Frozen):
    """The day shift, which is the working hours; the night shift is the rest of the day (it runs
    over midnight). A manager sets them per site (``PUT /staff/sites/{site_id}/calendar/hours``)."""

    day_start: time = Field(default=DAY_START, description="The day shift (and the working hours) start, site-local")
    day_end: time = Field(default=DAY_END, description="The day shift ends and the night shift starts, site-local")

    @field_validator("day_start", "day_end")
    @classmethod
    def _whole_minutes(cls, moment: time) -> time:
        if moment.second or moment.microsecond or moment.tzinfo is not None:
            raise ValueError("calendar_hours_minutes")
        return moment

    @field_validator("day_end")
    @classmethod
    def _after_start(cls, end: time, info: ValidationInfo) -> time:
        start = info.data.get("day_start")
        if start is not None and end <= start:
            raise ValueError("calendar_hours_order")
        return end


class HoursIn(Hours):
    """The site's day shift as a manager sets it (both times, no other field)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day_start: time = Field(description="The day shift (and the working hours) start, site-local", examples=["08:00"])
    day_end: time = Field(description="The day shift ends, the night shift starts, site-local", examples=["17:30"])


class CalendarView(Frozen):
    """A site's calendar as the console shows it: hours, time zone and the years it knows."""

    site_id: str
    timezone: str
    hours: Hours
    years: tuple[YearCalendar, ...]
    may_edit: bool = Field(default=False, description="The caller may set the hours and load a year (a manager)")
