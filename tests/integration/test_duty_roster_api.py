"""A site's duty roster through the staff API: read by all staff, a month replaced whole by managers,
each person checked against the user pool (the site's staff, in a role that may take the shift),
refused field by field in zh-CN and en, and never half-written."""

from __future__ import annotations

from typing import Any

from .conftest import ENG1, MGR1, OP1, Api, set_header
from .staff_routes import staff_route

DM1 = ("dm1", "duty_manager")
MONTH = "2026-12"


def _roster(
    method: str, who: tuple[str, str], body: Any = None, month: str = MONTH, site_id: str = "ql"
) -> dict[str, Any]:
    return staff_route(method, "/staff/sites/{site_id}/duty-roster/{month}", who, body, site_id=site_id, month=month)


def _body(*slots: dict[str, Any], version: int = 0) -> dict[str, Any]:
    return {"version": version, "slots": list(slots)}


DAY = {"day": "2026-12-01", "shift": "day", "duty_manager": "dm1", "desk": ["op1"]}
NIGHT = {"day": "2026-12-01", "shift": "night", "duty_manager": "mgr1"}


def test_a_manager_fills_the_month_and_staff_read_it(staff: Api) -> None:
    empty = staff(_roster("GET", ENG1))
    assert empty.status == 200, empty.raw
    assert (empty.body["version"], empty.body["complete"], len(empty.body["missing"])) == (0, False, 62)
    assert empty.body["complete_by"] == "2026-11-30"
    assert empty.body["shifts"] == [
        {"shift": "day", "starts": "08:00", "ends": "17:30"},
        {"shift": "night", "starts": "17:30", "ends": "08:00"},
    ]

    saved = staff(_roster("PUT", MGR1, _body(NIGHT, DAY)))
    assert saved.status == 200, saved.raw
    assert [(s["shift"], s["duty_manager"]["name"], s["desk"]) for s in saved.body["slots"]] == [
        ("day", "孙经理", [{"username": "op1", "name": "周晓"}]),
        ("night", "吴主任", []),
    ]
    assert (saved.body["version"], saved.body["updated_by"], len(saved.body["missing"])) == (1, "mgr1", 60)
    assert staff(_roster("GET", OP1)).body == saved.body


def test_only_managers_edit_the_roster(staff: Api) -> None:
    for who in (OP1, DM1, ENG1):
        refused = staff(_roster("PUT", who, _body(DAY)))
        assert (refused.status, refused.body["code"]) == (403, "forbidden")
    assert staff(_roster("GET", OP1)).body["version"] == 0


def test_a_wrong_roster_is_refused_field_by_field_in_both_languages(staff: Api) -> None:
    outside = _roster("PUT", MGR1, _body(DAY, {**NIGHT, "day": "2027-01-01"}))
    zh = staff(outside)
    assert (zh.status, zh.body["code"], zh.body["field"]) == (400, "roster_day_outside_month", "slots.1.day")
    assert zh.body["message"] == "该日期不在 2026-12 内。"
    set_header(outside, "Accept-Language", "en")
    assert staff(outside).body["message"] == "This day is not in 2026-12."

    elsewhere = staff(_roster("PUT", MGR1, _body({**DAY, "duty_manager": "eng9"})))
    assert (elsewhere.status, elsewhere.body["field"]) == (400, "slots.0.duty_manager")
    assert elsewhere.body["message"] == "eng9 不是本项目的员工。"
    engineer = staff(_roster("PUT", MGR1, _body({**DAY, "duty_manager": "eng1"})))
    assert (engineer.body["code"], engineer.body["field"]) == ("roster_not_duty_manager", "slots.0.duty_manager")
    at_the_desk = staff(_roster("PUT", MGR1, _body({**DAY, "desk": ["op1", "eng2"]})))
    assert (at_the_desk.body["code"], at_the_desk.body["field"]) == ("roster_not_desk", "slots.0.desk.1")
    twice = staff(_roster("PUT", MGR1, _body(DAY, DAY)))
    assert (twice.body["code"], twice.body["field"]) == ("roster_slot_twice", "slots.1.shift")

    shift = staff(_roster("PUT", MGR1, _body({**DAY, "shift": "evening"})))
    assert (shift.status, shift.body["field"]) == (400, "slots.0.shift")
    for month in ("2026-13", "0000-01", "1999-12"):
        refused = staff(_roster("PUT", MGR1, _body(DAY), month=month))
        assert (refused.status, refused.body["field"]) == (400, "month"), month
    site = staff(_roster("PUT", MGR1, _body(DAY), site_id="nowhere"))
    assert (site.status, site.body["code"]) == (404, "site_not_found")
    assert staff(_roster("GET", OP1)).body["version"] == 0  # nothing written


def test_a_save_over_another_managers_is_a_conflict(staff: Api) -> None:
    assert staff(_roster("PUT", MGR1, _body(DAY))).status == 200
    stale = staff(_roster("PUT", MGR1, _body(NIGHT)))
    assert (stale.status, stale.body["code"]) == (409, "roster_version_conflict")
    assert staff(_roster("PUT", MGR1, _body(NIGHT, version=1))).body["version"] == 2
