"""The corrective-action report through the staff function (Cognito claims → roles) against moto: read
by staff, written by the supervisors for a major complaint only, verified by a manager; refusals name
the field in the caller's language."""

from __future__ import annotations

from typing import Any

from frontdesk import wiring
from frontdesk.models.clock import ClockState, SubjectType

from .conftest import DM1, MGR1, Api, set_header, staff_open
from .staff_routes import staff_route

OPERATOR = ("op1", "operator")
REPORT = {"cause": "夜班保安培训不足", "action": "全员服务礼仪培训", "owner": "保安部 赵主管", "due_date": "2026-11-29"}


def _route(method: str, what: str, ticket_id: str, who: tuple[str, str], body: Any = None) -> dict[str, Any]:
    return staff_route(method, f"/staff/tickets/{{ticket_id}}/{what}", who, body, ticket_id=ticket_id)


def test_a_major_complaints_report_is_written_then_verified_and_its_clock_follows(staff: Api) -> None:
    ticket_id, _ = staff_open(staff, kind="complaint", category="security", severity="serious")
    empty = staff(_route("GET", "corrective-action", ticket_id, OPERATOR))
    assert (empty.status, empty.body) == (200, {"ticket_id": ticket_id, "required": True, "report": None})

    assert staff(_route("POST", "corrective-action", ticket_id, OPERATOR, {"version": 0, **REPORT})).status == 403
    written = staff(_route("POST", "corrective-action", ticket_id, DM1, {"version": 0, **REPORT}))
    assert written.status == 200, written.raw
    report = written.body["report"]
    assert (report["due_at"], report["owner"], report["version"]) == ("2026-11-29T16:00:00.000Z", "保安部 赵主管", 1)
    clock = wiring.clock_store().of_subject(SubjectType.CORRECTIVE_ACTION, ticket_id)
    assert [c.state for c in clock.values()] == [ClockState.RUNNING]

    stale = staff(_route("POST", "corrective-action", ticket_id, DM1, {"version": 0, **REPORT}))
    assert stale.status == 409
    verified = staff(_route("POST", "verify-action", ticket_id, MGR1, {"version": 1, "result": "已培训，抽查合格"}))
    assert verified.status == 200 and verified.body["report"]["verification"]["by"] == "mgr1"
    clock = wiring.clock_store().of_subject(SubjectType.CORRECTIVE_ACTION, ticket_id)
    assert [c.state for c in clock.values()] == [ClockState.MET]
    again = staff(_route("POST", "corrective-action", ticket_id, DM1, {"version": 2, **REPORT}))
    assert (again.status, again.body["code"]) == (409, "corrective_verified")


def test_an_ordinary_complaint_or_a_past_due_day_is_refused_naming_the_field(staff: Api) -> None:
    ordinary, _ = staff_open(staff, kind="complaint", category="cleaning")
    event = _route("POST", "corrective-action", ordinary, DM1, {"version": 0, **REPORT})
    set_header(event, "Accept-Language", "en")
    refused = staff(event)
    assert (refused.status, refused.body["field"]) == (409, "ticket_id")
    assert refused.body["message"].startswith("Only a serious complaint")
    assert staff(_route("GET", "corrective-action", ordinary, OPERATOR)).body["required"] is False

    major, _ = staff_open(staff, kind="complaint", category="security", severity="leadership")
    past = staff(_route("POST", "corrective-action", major, DM1, {"version": 0, **REPORT, "due_date": "2026-11-21"}))
    assert (past.status, past.body["field"], past.body["message"]) == (
        400,
        "due_date",
        "完成日期须在今天至 120 天之内。",
    )
    none = staff(_route("POST", "verify-action", major, MGR1, {"version": 1, "result": "已落实"}))
    assert (none.status, none.body["code"]) == (404, "corrective_not_found")
