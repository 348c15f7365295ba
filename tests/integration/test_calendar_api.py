"""A site's business calendar through the staff API: read by staff, a year loaded by managers,
refused field by field (zh-CN and en) and never half-written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontdesk import wiring

from .conftest import ENG1, MGR1, OP1, Api, set_header
from .staff_routes import site_route

YEAR = {
    "year": 2026,
    "holidays": ["2026-11-30"],
    "workdays": ["2026-11-28"],
    "source": "校区运动会（本地假日）",
}


def _calendar(method: str, who: tuple[str, str], body: Any = None, site_id: str = "ql") -> dict[str, Any]:
    return site_route(method, "/staff/sites/{site_id}/calendar", who, body, site_id)


def test_staff_read_the_shipped_calendar_and_a_manager_loads_a_year(staff: Api) -> None:
    shipped = staff(_calendar("GET", ENG1))
    assert shipped.status == 200, shipped.raw
    assert shipped.body["timezone"] == "Asia/Shanghai"
    assert shipped.body["hours"] == {"day_start": "08:00:00", "day_end": "17:30:00"}
    assert [y["year"] for y in shipped.body["years"]] == [2026, 2027]
    assert [y["provisional"] for y in shipped.body["years"]] == [False, True]

    loaded = staff(_calendar("PUT", MGR1, YEAR))
    assert loaded.status == 200, loaded.raw
    (year_2026,) = [y for y in loaded.body["years"] if y["year"] == 2026]
    assert (year_2026["holidays"], year_2026["workdays"]) == (["2026-11-30"], ["2026-11-28"])
    read = staff(_calendar("GET", OP1)).body
    assert (read["may_edit"], loaded.body["may_edit"], shipped.body["may_edit"]) == (False, True, False)
    assert {**read, "may_edit": True} == loaded.body


def test_only_managers_load_a_year(staff: Api) -> None:
    for who in (OP1, ("dm1", "duty_manager"), ENG1):
        refused = staff(_calendar("PUT", who, YEAR))
        assert (refused.status, refused.body["code"]) == (403, "forbidden")
    assert len(staff(_calendar("GET", OP1)).body["years"][0]["holidays"]) == 33  # the shipped year stands


def test_a_wrong_year_is_refused_field_by_field_in_both_languages(staff: Api) -> None:
    event = _calendar("PUT", MGR1, {**YEAR, "holidays": ["2027-01-01"]})
    zh = staff(event)
    assert (zh.status, zh.body["field"]) == (400, "holidays")
    assert zh.body["errors"][0]["message"] == "每个日期都必须在所载入的年份内。"
    set_header(event, "Accept-Language", "en")
    en = staff(event)
    assert en.body["errors"][0]["message"] == "Every date must fall in the year being loaded."

    both = staff(_calendar("PUT", MGR1, {**YEAR, "workdays": ["2026-11-30"]}))
    assert (both.status, both.body["field"], both.body["errors"][0]["code"]) == (400, "workdays", "calendar_day_both")
    not_a_date = staff(_calendar("PUT", MGR1, {**YEAR, "holidays": ["2026-13-01"]}))
    assert (not_a_date.status, not_a_date.body["field"]) == (400, "holidays.0")
    unknown = staff(_calendar("PUT", MGR1, YEAR, site_id="nowhere"))
    assert (unknown.status, unknown.body["code"]) == (404, "site_not_found")
    assert len(staff(_calendar("GET", OP1)).body["years"][0]["holidays"]) == 33  # nothing written


def _hours(who: tuple[str, str], body: Any) -> dict[str, Any]:
    return site_route("PUT", "/staff/sites/{site_id}/calendar/hours", who, body, "ql")


def test_a_manager_sets_the_working_hours_and_the_business_days_follow_them(staff: Api) -> None:
    for who in (OP1, ("dm1", "duty_manager"), ENG1):
        refused = staff(_hours(who, {"day_start": "09:00", "day_end": "18:00"}))
        assert (refused.status, refused.body["code"]) == (403, "forbidden")

    set_ = staff(_hours(MGR1, {"day_start": "09:00", "day_end": "18:00"}))
    assert set_.status == 200, set_.raw
    assert set_.body["hours"] == {"day_start": "09:00:00", "day_end": "18:00:00"}
    assert {**staff(_calendar("GET", OP1)).body, "may_edit": True} == set_.body
    # the calendar the callbacks count in: Friday 27 November 2026, 08:30 Shanghai is before the
    # day shift now, so it counts for that day; 3 business days on is Wednesday, at the new end
    calendar = wiring.calendars().calendar("ql")
    due = calendar.business_days_after(datetime(2026, 11, 27, 0, 30, tzinfo=UTC), 3)
    assert due == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 18:00 Shanghai


def test_wrong_hours_are_refused_field_by_field_in_both_languages_and_nothing_is_written(staff: Api) -> None:
    event = _hours(MGR1, {"day_start": "18:00", "day_end": "08:00"})
    zh = staff(event)
    assert (zh.status, zh.body["field"], zh.body["errors"][0]["code"]) == (400, "day_end", "calendar_hours_order")
    assert zh.body["errors"][0]["message"] == "白班结束时间必须晚于开始时间（其余时间为夜班）。"
    set_header(event, "Accept-Language", "en")
    assert staff(event).body["errors"][0]["message"].startswith("The day shift must end after it starts")

    not_a_time = staff(_hours(MGR1, {"day_start": "25:00", "day_end": "17:30"}))
    assert (not_a_time.status, not_a_time.body["field"], not_a_time.body["errors"][0]["code"]) == (
        400,
        "day_start",
        "time_parsing",
    )
    assert "08:00" in not_a_time.body["errors"][0]["message"]
    seconds = staff(_hours(MGR1, {"day_start": "08:00:30", "day_end": "17:30"}))
    assert (seconds.status, seconds.body["errors"][0]["code"]) == (400, "calendar_hours_minutes")
    missing = staff(_hours(MGR1, {"day_start": "08:00"}))
    assert (missing.status, missing.body["field"]) == (400, "day_end")
    extra = staff(_hours(MGR1, {"day_start": "08:00", "day_end": "17:30", "night_start": "17:30"}))
    assert (extra.status, extra.body["field"]) == (400, "night_start")
    assert staff(_calendar("GET", OP1)).body["hours"] == {"day_start": "08:00:00", "day_end": "17:30:00"}
