"""A site's business calendar through the staff API: read by staff, a year loaded by managers,
refused field by field (zh-CN and en) and never half-written."""

from __future__ import annotations

from typing import Any

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
    assert staff(_calendar("GET", OP1)).body == loaded.body


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
