"""Callbacks through the staff API: the site's queue by due time, one callback, an attempt recorded
(field errors in zh-CN and en, the desk only, nothing half-written)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk.adapters.dynamodb import TicketStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

from .conftest import (
    ENG1,
    MGR1,
    OP1,
    Api,
    completed_repair,
    handled_complaint,
    load_event,
    set_header,
    staff_open,
    with_body,
    with_path,
)
from .staff_routes import staff_route


def _handled_complaint(staff: Api, store: TicketStore) -> str:
    return handled_complaint(staff, store)[0]


def test_the_queue_one_callback_and_an_attempt(staff: Api, store: TicketStore) -> None:
    callback_id = _handled_complaint(staff, store)
    listed = staff(staff_route("GET", "/staff/sites/{site_id}/callbacks", ENG1, site_id="ql"))
    assert listed.status == 200, listed.raw
    assert [(c["callback_id"], c["reason"], c["assignee"]) for c in listed.body["callbacks"]] == [
        (callback_id, "complaint", "op1")
    ]
    one = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id=callback_id))
    assert (one.status, one.body["state"], one.body["attempts"]) == (200, "open", [])

    body = {"version": 1, "method": "visit", "result": "satisfied", "quality": 5, "effect": 5, "satisfaction": 5}
    resource = "/staff/callbacks/{callback_id}/attempts"
    event = staff_route("POST", resource, OP1, {**body}, callback_id=callback_id)
    zh = staff(event)
    assert (zh.status, zh.body["field"], zh.body["code"]) == (400, "client_confirmed", "callback_field_required")
    assert "客户确认" in zh.body["message"]
    set_header(event, "Accept-Language", "en")
    assert "confirmation" in staff(event).body["message"]
    bad_mark = staff(staff_route("POST", resource, OP1, {**body, "quality": 9}, callback_id=callback_id))
    assert (bad_mark.status, bad_mark.body["field"]) == (400, "quality")
    refused = staff(staff_route("POST", resource, ENG1, {**body, "client_confirmed": True}, callback_id=callback_id))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")

    done = staff(staff_route("POST", resource, OP1, {**body, "client_confirmed": True}, callback_id=callback_id))
    assert done.status == 200, done.raw
    assert (done.body["state"], done.body["attempts"][0]["by"], done.body["version"]) == ("satisfied", "op1", 2)
    again = staff(
        staff_route("POST", resource, OP1, {**body, "version": 2, "client_confirmed": True}, callback_id=callback_id)
    )
    assert (again.status, again.body["code"]) == (409, "callback_closed")
    after = staff(staff_route("GET", "/staff/sites/{site_id}/callbacks", OP1, site_id="ql")).body
    assert after["callbacks"] == []
    assert [(c["callback_id"], c["state"]) for c in after["concluded"]] == [(callback_id, "satisfied")]
    missing = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id="0" * 32 + "-1"))
    assert (missing.status, missing.body["code"]) == (404, "callback_not_found")


def test_a_weeks_sample_is_drawn_once_with_its_seed_and_population(staff: Api) -> None:
    ordinary = sorted(completed_repair(staff) for _ in range(6))
    completed_repair(staff, "elevator")  # a key repair: called back already, not sampled
    staff_open(staff, kind="repair", category="plumbing")  # not completed: not sampled
    draw = "/staff/sites/{site_id}/samples"
    refused = staff(staff_route("POST", draw, OP1, {"week": "2026-W47"}, site_id="ql"))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    bad = staff(staff_route("POST", draw, ("dm1", "duty_manager"), {"week": "2026-W60"}, site_id="ql"))
    assert (bad.status, bad.body["field"], bad.body["code"]) == (400, "week", "sample_week_invalid")

    drawn = staff(
        staff_route("POST", draw, ("dm1", "duty_manager"), {"week": "2026-W47", "seed": "qa-1"}, site_id="ql")
    )
    assert drawn.status == 200, drawn.raw
    body = drawn.body
    assert (body["seed"], body["percent"], body["population"], body["drawn_by"]) == ("qa-1", 20, ordinary, "dm1")
    assert len(body["chosen"]) == 2 and set(body["chosen"]) <= set(ordinary)  # 20 % of 6, rounded up

    again = staff(staff_route("POST", draw, MGR1, {"week": "2026-W47", "seed": "other"}, site_id="ql"))
    assert again.body == body  # drawn once: the stored sample stands
    read = staff(staff_route("GET", "/staff/sites/{site_id}/samples/{week}", OP1, site_id="ql", week="2026-W47"))
    assert read.body == body
    # each chosen repair has its callback, 1 to 2 months after completion
    for ticket_id in body["chosen"]:
        sampled = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id=f"{ticket_id}-s2026w47"))
        assert (sampled.status, sampled.body["reason"], sampled.body["state"]) == (200, "sample", "open")
    listed = staff(staff_route("GET", "/staff/sites/{site_id}/callbacks", OP1, site_id="ql")).body["callbacks"]
    assert sorted(c["ticket_id"] for c in listed if c["reason"] == "sample") == sorted(body["chosen"])
    none = staff(staff_route("GET", "/staff/sites/{site_id}/samples/{week}", OP1, site_id="ql", week="2026-W46"))
    assert (none.status, none.body["code"]) == (404, "sample_not_found")


def test_the_ticket_keeps_a_summary_and_the_record_expires_after_two_years(
    staff: Api, store: TicketStore, table: Table
) -> None:
    callback_id = _handled_complaint(staff, store)
    body = {"version": 1, "method": "phone", "result": "satisfied", "quality": 4, "effect": 4, "satisfaction": 5}
    done = staff(
        staff_route(
            "POST",
            "/staff/callbacks/{callback_id}/attempts",
            OP1,
            {**body, "client_confirmed": True},
            callback_id=callback_id,
        )
    )
    assert done.status == 200, done.raw
    ticket_id = callback_id.split("-")[0]
    summary = store.timeline(ticket_id)[-1]
    assert (summary.action, summary.actor.id) == ("callback", "op1")
    assert {k: summary.detail[k] for k in ("callback_id", "result", "satisfaction", "on_time", "method")} == {
        "callback_id": callback_id,
        "result": "satisfied",
        "satisfaction": "5",
        "on_time": "true",
        "method": "phone",
    }
    item = table.get_item(Key={"PK": f"CALLBACK#{callback_id}", "SK": "CALLBACK"})["Item"]
    created = datetime.fromisoformat(str(item["created_at"]).replace("Z", "+00:00"))
    assert int(str(item["expires_at"])) == int((created + timedelta(days=730)).timestamp())
    clock = table.get_item(Key={"PK": f"CALLBACK#{callback_id}", "SK": "CLOCK#callback_complaint"})["Item"]
    assert int(str(clock["expires_at"])) == int(str(item["expires_at"]))
    ttl = table.meta.client.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def _survey(method: str, token: str, body: Any = None) -> dict[str, Any]:
    event = load_event("public_track_ticket.json")
    event["resource"] = "/public/track/{token}/survey"
    event["requestContext"]["resourcePath"] = event["resource"]
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    with_path(event, token=token)
    if body is not None:
        with_body(event, body)
    return event


def test_the_tenant_answers_the_survey_by_link(public: Api, staff: Api, store: TicketStore) -> None:
    _, token = staff_open(staff, kind="complaint", category="staff_attitude")
    none = public(_survey("GET", token))
    assert (none.status, none.body["code"]) == (404, "survey_not_found")
    callback_id, token = handled_complaint(staff, store)
    asked = public(_survey("GET", token))
    assert asked.status == 200, asked.raw
    assert (asked.body["reason"], asked.body["repair"]) == ("complaint", False)

    answer = {"result": "satisfied", "quality": 5, "effect": 4, "suggestions": "谢谢"}
    event = _survey("POST", token, answer)
    missing = public(event)
    assert (missing.status, missing.body["field"]) == (400, "satisfaction")
    set_header(event, "Accept-Language", "en")
    assert public(event).body["errors"][0]["field"] == "satisfaction"
    link = public(_survey("POST", token, {**answer, "method": "phone"}))
    assert link.status == 400 and "method" in [e["field"] for e in link.body["errors"]]  # not the tenant's field

    done = public(_survey("POST", token, {**answer, "satisfaction": 5}))
    assert (done.status, done.body) == (200, {"state": "satisfied"})
    callback = staff(staff_route("GET", "/staff/callbacks/{callback_id}", OP1, callback_id=callback_id)).body
    (attempt,) = callback["attempts"]
    assert (attempt["method"], attempt["by"], attempt["client_confirmed"]) == ("link", "client", True)
    again = public(_survey("GET", token))
    assert (again.status, again.body["code"]) == (404, "survey_not_found")
