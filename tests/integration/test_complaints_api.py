"""Complaints and emergencies through the staff function (Cognito claims → roles) against moto:
the intake fields, a manager's validity judgement, and the site's emergency call list."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.models.routing import DEFAULT_CALLS

from .conftest import (
    ENG1,
    MGR1,
    Api,
    set_header,
    staff_act,
    staff_action,
    staff_create,
    staff_open,
    staff_read,
    track,
)
from .staff_routes import site_route

OPERATOR = ("op1", "operator")
DUTY = ("dm1", "duty_manager")


def _complaint(api: Api, **changes: Any) -> tuple[str, str]:
    return staff_open(
        api,
        kind="complaint",
        category="security",
        severity="serious",
        department_concerned="security",
        concerning="保安 王五",
        **changes,
    )


def test_a_complaint_is_taken_with_what_the_statistics_need(staff: Api, store: TicketStore) -> None:
    ticket_id, _ = _complaint(staff)
    ticket = store.get(ticket_id)
    assert ticket is not None
    assert (ticket.category, ticket.severity.value, ticket.department_concerned, ticket.concerning) == (
        "security",
        "serious",
        "security",
        "保安 王五",
    )


@pytest.mark.parametrize(
    ("changes", "field", "zh", "en"),
    [
        (
            {"kind": "emergency", "category": "fire"},
            "disabled_occupants",
            "火警须问明：该单元是否有残障住户？",
            "For a fire, ask whether the unit has occupants with disabilities.",
        ),
        ({"concerning": "电梯"}, "concerning", "此项只适用于投诉。", "This applies to complaints only."),
        ({"kind": "complaint", "category": "service_attitude"}, "category", None, None),
    ],
)
def test_a_field_that_does_not_fit_is_a_400_naming_it_in_both_languages(
    staff: Api, changes: dict[str, Any], field: str, zh: str | None, en: str | None
) -> None:
    for language, text in (("zh-CN", zh), ("en", en)):
        event = staff_create(**changes)
        set_header(event, "Accept-Language", language)
        reply = staff(event)
        assert reply.status == 400, reply.raw
        # a domain refusal names one field; a validation failure lists them
        (error,) = [e for e in reply.body.get("errors", [reply.body]) if e["field"] == field]
        if text is not None:
            assert error["message"] == text


def test_a_manager_judges_validity_with_a_reason_and_the_client_does_not_see_it(
    staff: Api, public: Api, store: TicketStore
) -> None:
    ticket_id, token = _complaint(staff)
    body = {"version": 1, "valid": True, "reason": "保安确有失职"}
    for who in (OPERATOR, DUTY, ENG1):
        refused = staff(staff_action(ticket_id, "validity", body, *who))
        assert (refused.status, refused.body["code"]) == (403, "forbidden")
    missing = staff(staff_action(ticket_id, "validity", {"version": 1, "valid": True}, *MGR1))
    assert missing.status == 400 and [e["field"] for e in missing.body["errors"]] == ["reason"]

    judged = staff_act(staff, ticket_id, "validity", body, MGR1)
    assert judged["ticket"]["validity"]["valid"] is True and judged["ticket"]["validity"]["by"] == "mgr1"
    assert judged["ticket"]["status"] == "received"
    (event,) = [e for e in store.timeline(ticket_id) if e.action == "validity"]
    assert event.detail == {"valid": "true", "reason": "保安确有失职", "our_fault": "false"}
    # the month's statistics, not the client's business
    assert [e["action"] for e in staff_public_timeline(public, token)] == ["create"]


def staff_public_timeline(public: Api, token: str) -> list[dict[str, Any]]:
    reply = public(track(token))
    assert reply.status == 200
    timeline: list[dict[str, Any]] = reply.body["timeline"]
    return timeline


def _calls(method: str, who: tuple[str, str], body: Any = None, site_id: str = "ql") -> dict[str, Any]:
    return site_route(method, "/staff/sites/{site_id}/emergency-calls", who, body, site_id)


def test_the_emergency_call_list_is_the_manuals_until_a_manager_edits_it(staff: Api, subtests: pytest.Subtests) -> None:
    first = staff(_calls("GET", OPERATOR))
    assert first.status == 200
    assert first.body == {"site_id": "ql", "calls": {k: list(v) for k, v in DEFAULT_CALLS.items()}, "default": True}
    edited = {**first.body["calls"], "fight": ["security_head", "duty_manager"]}
    with subtests.test("only managers edit"):
        for who in (OPERATOR, DUTY):
            refused = staff(_calls("PUT", who, {"calls": edited}))
            assert (refused.status, refused.body["code"]) == (403, "forbidden")
    with subtests.test("engineers take no calls, so they do not read it"):
        assert staff(_calls("GET", ENG1)).status == 403
    with subtests.test("every emergency tells someone"):
        short = {k: v for k, v in edited.items() if k != "death"}
        refused = staff(_calls("PUT", MGR1, {"calls": short}))
        assert (refused.status, refused.body["field"]) == (400, "calls")
        (error,) = refused.body["errors"]
        assert (error["code"], error["message"]) == (
            "emergency_missing",
            "每类突发事件都须至少通知一个邮件组。",
        )
        nobody = staff(_calls("PUT", MGR1, {"calls": {**edited, "death": []}}))
        assert nobody.status == 400
    with subtests.test("an unknown site is not found"):
        assert staff(_calls("GET", OPERATOR, site_id="nowhere")).status == 404
    saved = staff(_calls("PUT", MGR1, {"calls": edited}))
    assert saved.status == 200 and saved.body["default"] is False
    assert staff(_calls("GET", DUTY)).body["calls"]["fight"] == ["security_head", "duty_manager"]


def test_the_desk_raises_a_repair_from_a_complaint_and_the_complaint_shows_its_state(staff: Api) -> None:
    ticket_id, _ = _complaint(staff)
    body = {"version": 1, "category": "lighting", "description": "楼道灯不亮"}
    refused = staff(staff_action(ticket_id, "repairs", body, *ENG1))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    wrong = staff(staff_action(ticket_id, "repairs", {**body, "category": "staff_attitude"}))
    assert (wrong.status, wrong.body["field"]) == (400, "category")

    raised = staff_act(staff, ticket_id, "repairs", body)
    (linked,) = raised["linked_repairs"]
    assert (linked["status"], linked["category"], linked["assignee"]) == ("received", "lighting", "")
    staff_act(staff, linked["ticket_id"], "dispatch", {"version": 1, "assignee": "eng1"})

    again = staff(staff_read(ticket_id))
    assert [(r["number"], r["status"], r["assignee"]) for r in again.body["linked_repairs"]] == [
        (linked["number"], "dispatched", "eng1")
    ]
    stale = staff(staff_action(ticket_id, "repairs", body))  # a retry of the same request
    assert (stale.status, stale.body["code"]) == (409, "version_conflict")


def test_a_written_reply_cannot_be_sent_before_a_manager_approves_it(staff: Api, public: Api) -> None:
    ticket_id, token = _complaint(staff, channel="letter")
    staff_act(staff, ticket_id, "handle", {"version": 1, "department": "security", "action_taken": "约谈当班保安"})
    reply = {"version": 2, "reply": "已书面答复", "method": "letter"}
    early = staff(staff_action(ticket_id, "reply", reply))
    assert (early.status, early.body["code"]) == (409, "reply_not_approved")

    drafted = staff_act(staff, ticket_id, "draft_reply", {"version": 2, "text": "尊敬的业主：经核实……特此函复。"})
    assert "approve_reply" not in drafted["actions"]  # the operator's view
    refused = staff(staff_action(ticket_id, "approve_reply", {"version": 3}))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    still = staff(staff_action(ticket_id, "reply", {**reply, "version": 3}))
    assert (still.status, still.body["code"]) == (409, "reply_not_approved")

    approved = staff_act(staff, ticket_id, "approve_reply", {"version": 3}, MGR1)
    assert approved["ticket"]["written_reply"]["approved_by"] == "mgr1"
    sent = staff_act(staff, ticket_id, "reply", {**reply, "version": 4})
    assert sent["ticket"]["status"] == "replied"
    actions = [e["action"] for e in sent["timeline"]]
    assert actions[-3:] == ["draft_reply", "approve_reply", "reply"]  # the approval is on the timeline
    # the client reads the reply, not the draft or its approval
    assert [e["action"] for e in staff_public_timeline(public, token)] == ["create", "handle", "reply"]


def test_an_agreed_reply_time_through_the_api(staff: Api) -> None:
    ticket_id, _ = _complaint(staff)
    body = {"version": 1, "reply_by": "2026-11-23T10:00:00+08:00", "agreed_with": "张三", "contact_method": "phone"}
    moved = staff_act(staff, ticket_id, "agree_reply", body)
    assert moved["ticket"]["reply_due"] == "2026-11-23T02:00:00.000Z"
    naive = staff(staff_action(ticket_id, "agree_reply", {**body, "version": 2, "reply_by": "2026-11-23T10:00:00"}))
    assert (naive.status, naive.body["errors"][0]["field"]) == (400, "reply_by")
