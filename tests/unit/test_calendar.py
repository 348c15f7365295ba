"""The business calendar (frontdesk.domain.calendar): working days with the State Council's holidays
and adjusted working days, the shifts, and due times counted in business days in the site's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from frontdesk.domain.calendar import calendar, shipped_years, site_calendar
from frontdesk.models.calendar import Hours, YearCalendar
from frontdesk.models.on_duty import Shift

SHANGHAI = "Asia/Shanghai"
CN = site_calendar(SHANGHAI, ())


def sh(*parts: int) -> datetime:
    """A Shanghai wall-clock time as UTC."""
    return datetime(*parts, tzinfo=CN.zone).astimezone(UTC)  # type: ignore[misc,arg-type]


def test_the_shipped_calendar_has_2026_official_and_2027_marked_provisional() -> None:
    years = {year.year: year for year in shipped_years()}
    assert set(years) == {2026, 2027}
    assert not years[2026].provisional and "2026" in years[2026].source
    assert years[2027].provisional and years[2027].workdays == ()
    assert len(years[2026].holidays) == 33 and len(years[2026].workdays) == 6


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day (a Thursday)
        (date(2026, 10, 7), False),  # the last day of the National Day week (a Wednesday)
        (date(2026, 10, 8), True),  # back to work
        (date(2026, 2, 16), False),  # the Spring Festival (a Monday)
        (date(2026, 4, 6), False),  # Qingming's Monday
        (date(2026, 12, 4), True),  # an ordinary Friday
        (date(2026, 12, 5), False),  # an ordinary Saturday
    ],
)
def test_public_holidays_are_not_working_days(day: date, working: bool) -> None:
    assert CN.is_working_day(day) is working


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 10, 10)])
def test_adjusted_saturdays_are_working_days(day: date) -> None:
    assert day.weekday() == 5 and CN.is_working_day(day)


def test_an_adjusted_sunday_counts_as_a_business_day() -> None:
    # Friday 18 September 2026, 10:00: the 1st business day is Sunday the 20th (调休), then Mon 21, Tue 22
    assert CN.business_days_after(sh(2026, 9, 18, 10, 0), 3) == sh(2026, 9, 22, 17, 30)


def test_three_business_days_over_a_weekend_end_at_the_close_of_the_day_shift() -> None:
    assert CN.business_days_after(sh(2026, 12, 4, 10, 0), 3) == sh(2026, 12, 9, 17, 30)


def test_a_moment_in_the_night_shift_counts_from_the_next_business_morning() -> None:
    # Thursday 20:00 is the night shift: it counts as Friday morning → Mon, Tue, Wed
    assert CN.shift(sh(2026, 12, 3, 20, 0)) is Shift.NIGHT
    assert CN.business_days_after(sh(2026, 12, 3, 20, 0), 3) == sh(2026, 12, 9, 17, 30)
    # Friday 02:00 (still the night shift, before the morning) counts as Friday itself
    assert CN.business_days_after(sh(2026, 12, 4, 2, 0), 1) == sh(2026, 12, 7, 17, 30)
    # Saturday counts as Monday
    assert CN.business_days_after(sh(2026, 12, 5, 11, 0), 1) == sh(2026, 12, 8, 17, 30)


def test_the_shifts_are_day_0800_to_1730_and_night_the_rest() -> None:
    assert CN.shift(sh(2026, 12, 5, 8, 0)) is Shift.DAY  # a Saturday has its day shift too
    assert CN.shift(sh(2026, 12, 4, 17, 29, 59)) is Shift.DAY
    assert CN.shift(sh(2026, 12, 4, 17, 30)) is Shift.NIGHT
    assert CN.shift(sh(2026, 12, 4, 7, 59)) is Shift.NIGHT


def test_a_complaint_handled_on_the_friday_before_a_holiday_is_due_after_it() -> None:
    # Friday 3 April 2026, before Qingming (Sat 4 - Mon 6): Tue 7, Wed 8, Thu 9
    assert CN.business_days_after(sh(2026, 4, 3, 15, 0), 3) == sh(2026, 4, 9, 17, 30)
    # Wednesday 30 September 2026, before National Day: Thu 8, Fri 9, Sat 10 (调休)
    assert CN.business_days_after(sh(2026, 9, 30, 15, 0), 3) == sh(2026, 10, 10, 17, 30)


def test_the_next_business_morning() -> None:
    assert CN.next_business_morning(sh(2026, 12, 4, 7, 0)) == sh(2026, 12, 4, 8, 0)
    assert CN.next_business_morning(sh(2026, 12, 4, 8, 0)) == sh(2026, 12, 7, 8, 0)
    assert CN.next_business_morning(sh(2026, 9, 30, 20, 0)) == sh(2026, 10, 8, 8, 0)
    assert CN.next_business_morning(sh(2026, 2, 13, 18, 0)) == sh(2026, 2, 14, 8, 0)  # a 调休 Saturday


def test_zero_business_days_is_the_end_of_the_day_it_counts_for() -> None:
    assert CN.business_days_after(sh(2026, 12, 4, 10, 0), 0) == sh(2026, 12, 4, 17, 30)


def test_a_site_in_another_time_zone_counts_its_own_days_across_a_clock_change() -> None:
    new_york = calendar("America/New_York", ())
    handled = datetime(2026, 10, 30, 16, 0, tzinfo=new_york.zone)  # a Friday, daylight time (UTC-4)
    due = new_york.business_days_after(handled, 3)
    # Mon 2, Tue 3, Wed 4 November, 17:30 standard time (UTC-5) → 22:30 UTC
    assert due.astimezone(UTC) == datetime(2026, 11, 4, 22, 30, tzinfo=UTC)
    # 01:00 UTC on Saturday (09:00 in Shanghai) is Friday night in New York: it counts for Monday
    assert new_york.counts_from(datetime(2026, 12, 5, 1, 0, tzinfo=UTC)) == date(2026, 12, 7)


def test_a_year_loaded_for_the_site_replaces_the_shipped_one() -> None:
    local = YearCalendar(year=2026, holidays=(date(2026, 11, 30),), source="site holiday")
    site = site_calendar(SHANGHAI, [local])
    assert not site.is_working_day(date(2026, 11, 30))
    assert site.is_working_day(date(2026, 10, 1))  # the loaded year is the whole year: the shipped one is gone


def test_other_hours() -> None:
    early = calendar(SHANGHAI, (), Hours(day_start=time(7, 0), day_end=time(16, 0)))
    assert early.business_days_after(sh(2026, 12, 4, 7, 30), 1) == sh(2026, 12, 7, 16, 0)


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"year": 2026, "holidays": ["2027-01-01"]}, "calendar_day_outside_year", "holidays"),
        ({"year": 2026, "holidays": ["2026-10-01", "2026-10-01"]}, "calendar_day_twice", "holidays"),
        ({"year": 2026, "holidays": ["2026-10-01"], "workdays": ["2026-10-01"]}, "calendar_day_both", "workdays"),
        ({"year": 1999}, "greater_than_equal", "year"),
    ],
)
def test_a_year_is_refused_field_by_field(fields: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        YearCalendar.model_validate(fields)
    error = refused.value.errors()[0]
    assert error["loc"][0] == field
    assert code in (error["type"], str((error.get("ctx") or {}).get("error")))
