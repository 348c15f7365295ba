"""Through the staff API: a callback reassigned to another member of the desk; the month's top 3
repairs and the activities' 10 % sample drawn once (field errors in zh-CN and en, who may)."""

from __future__ import annotations

from datetime import timedelta

from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.clock import FixedClock

from .conftest import DM1, ENG1, MGR1, OP1, Api, completed_repair, handled_complaint, set_header, staff_open
from .staff_routes import staff_route

ASSIGN = "/staff/callbacks/{callback_id}/assignee"
TOP = "/staff/sites/{site_id}/top-repairs"
ACTIVITIES = "/staff/sites/{site_id}/activity-samples"
DRAW = "/staff/sites/{site_id}/draws/{rule}/{month}"
# START is Sunday 22 November 2026; the month's last working day is Monday the 30th.
TO_MONTH_END = timedelta(days=8)


def test_a_callback_is_reassigned_to_another_member_of_the_desk(staff: Api, store: TicketStore) -> None:
    callback_id = handled_complaint(staff, store)[0]
    refused = staff(staff_route("POST", ASSIGN, OP1, {"version": 1, "assignee": "dm1"}, callback_id=callback_id))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")

    event = staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": "eng1"}, callback_id=callback_id)
    zh = staff(event)
    assert (zh.status, zh.body["field"], zh.body["code"]) == (400, "assignee", "callback_not_desk")
    assert "不是本管理处前台人员" in zh.body["message"]
    set_header(event, "Accept-Language", "en")
    assert "is not on this site's desk" in staff(event).body["message"]
    elsewhere = staff(staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": "eng9"}, callback_id=callback_id))
    assert (elsewhere.status, elsewhere.body["code"]) == (400, "callback_not_desk")
    same = staff(staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": "op1"}, callback_id=callback_id))
    assert (same.status, same.body["code"]) == (400, "callback_same_assignee")
    empty = staff(staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": ""}, callback_id=callback_id))
    assert (empty.status, empty.body["field"]) == (400, "assignee")

    moved = staff(staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": "MGR1"}, callback_id=callback_id))
    assert moved.status == 200, moved.raw
    assert (moved.body["assignee"], moved.body["version"]) == ("mgr1", 2)
    assert [(r["by"], r["before"], r["after"]) for r in moved.body["reassigned"]] == [("dm1", "op1", "mgr1")]
    stale = staff(staff_route("POST", ASSIGN, DM1, {"version": 1, "assignee": "dm1"}, callback_id=callback_id))
    assert (stale.status, stale.body["code"]) == (409, "callback_version_conflict")
    listed = staff(staff_route("GET", "/staff/sites/{site_id}/callbacks", OP1, site_id="ql")).body["callbacks"]
    assert [(c["callback_id"], c["assignee"]) for c in listed] == [(callback_id, "mgr1")]


def test_the_months_top_three_are_drawn_by_a_manager_once(staff: Api, clock: FixedClock) -> None:
    lift = completed_repair(staff, "elevator")
    ordinary = [completed_repair(staff) for _ in range(3)]
    body = {"month": "2026-11", "deputy_manager": "mgr1", "engineering_head": "eng1"}

    refused = staff(staff_route("POST", TOP, DM1, body, site_id="ql"))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    event = staff_route("POST", TOP, MGR1, body, site_id="ql")
    early = staff(event)
    assert (early.status, early.body["field"], early.body["code"]) == (400, "month", "draw_month_open")
    assert "2026-11-30" in early.body["message"] and "最后一个工作日" in early.body["message"]
    set_header(event, "Accept-Language", "en")
    assert "last working day (2026-11-30)" in staff(event).body["message"]
    bad = staff(staff_route("POST", TOP, MGR1, {**body, "month": "2026-13"}, site_id="ql"))
    assert (bad.status, bad.body["field"]) == (400, "month")

    clock.advance(days=TO_MONTH_END.days)
    not_head = staff(staff_route("POST", TOP, MGR1, {**body, "engineering_head": "op1"}, site_id="ql"))
    assert (not_head.status, not_head.body["field"], not_head.body["code"]) == (
        400,
        "engineering_head",
        "draw_not_engineer",
    )
    drawn = staff(staff_route("POST", TOP, MGR1, body, site_id="ql"))
    assert drawn.status == 200, drawn.raw
    assert drawn.body["chosen"][0] == lift and set(drawn.body["chosen"][1:]) <= set(ordinary)
    assert (drawn.body["rule"], drawn.body["callers"], drawn.body["drawn_by"]) == (
        "top_repairs",
        ["mgr1", "eng1"],
        "mgr1",
    )
    again = staff(staff_route("POST", TOP, MGR1, {**body, "engineering_head": "eng2"}, site_id="ql"))
    assert again.body == drawn.body
    listed = staff(staff_route("GET", "/staff/sites/{site_id}/callbacks", OP1, site_id="ql")).body["callbacks"]
    top = [c for c in listed if c["reason"] == "top_repair"]
    assert sorted(c["ticket_id"] for c in top) == sorted(drawn.body["chosen"])
    assert {(c["assignee"], c["joint"]) for c in top} == {("mgr1", "eng1")}
    one = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id=f"{lift}-t2026m11"))
    assert (one.status, one.body["reason"]) == (200, "top_repair")

    # the draw as it was made, for anyone on the staff to check
    read = staff(staff_route("GET", DRAW, ENG1, site_id="ql", rule="top_repairs", month="2026-11"))
    assert (read.status, read.body) == (200, drawn.body)
    event = staff_route("GET", DRAW, OP1, site_id="ql", rule="activities", month="2026-11")
    none = staff(event)
    assert (none.status, none.body["field"], none.body["code"]) == (404, "month", "draw_not_found")
    assert none.body["message"] == "该月尚未抽取。"
    set_header(event, "Accept-Language", "en")
    assert staff(event).body["message"] == "This month has not been drawn yet."
    unknown = staff(staff_route("GET", DRAW, OP1, site_id="ql", rule="weekly", month="2026-11"))
    assert (unknown.status, unknown.body["field"]) == (400, "rule")


def test_a_months_activity_sign_ups_are_sampled_at_ten_percent(staff: Api, clock: FixedClock) -> None:
    sign_ups = sorted(staff_open(staff, kind="inquiry", category="activity")[0] for _ in range(11))
    staff_open(staff, kind="inquiry", category="fees")  # not an activity
    clock.advance(days=TO_MONTH_END.days)
    drawn = staff(staff_route("POST", ACTIVITIES, DM1, {"month": "2026-11", "seed": "qa-1"}, site_id="ql"))
    assert drawn.status == 200, drawn.raw
    assert (drawn.body["population"], drawn.body["percent"], drawn.body["seed"]) == (sign_ups, 10, "qa-1")
    assert len(drawn.body["chosen"]) == 2  # 10 % of 11, rounded up
    again = staff(staff_route("POST", ACTIVITIES, MGR1, {"month": "2026-11", "seed": "other"}, site_id="ql"))
    assert again.body == drawn.body
    for ticket_id in drawn.body["chosen"]:
        sampled = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id=f"{ticket_id}-a2026m11"))
        assert (sampled.status, sampled.body["reason"], sampled.body["assignee"]) == (200, "activity", "op1")
    refused = staff(staff_route("POST", ACTIVITIES, OP1, {"month": "2026-11"}, site_id="ql"))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
