"""The parcel register through the staff API and its schedule (004 QW21-04 §4.2.4; docs/decisions/0024):
a parcel logged at the desk for a unit of the site; its recipient told once in the site's 17:00–18:00
window — mailed when an address is known, otherwise on the desk's list to phone; the pickup's
signature closes it; the shift handover carries the parcels not yet collected. Bad input is a 4xx
naming the field, in zh-CN and en, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.clock import FixedClock

from .conftest import Api, import_function
from .lambda_support import LambdaContext, sent_mail
from .staff_calls import call

PARCELS = "/staff/parcels"
REGISTER = "/staff/sites/ql/parcels"
OPERATOR = {"user": "op1", "groups": "operator"}


def _log(staff: Api, **changes: Any) -> dict[str, Any]:
    body = {
        "site_id": "ql",
        "building_id": "admin",
        "unit": "101",
        "recipient": "张三",
        "kind": "express",
        "courier": "EMS",
        "tracking_no": "EA123456789CN",
        **changes,
    }
    logged = call(staff, "POST", PARCELS, body, **OPERATOR)
    assert logged.status == 201, logged.raw
    parcel: dict[str, Any] = logged.body
    return parcel


def _notices() -> dict[str, list[str]]:
    result: dict[str, list[str]] = import_function("parcel_notice").lambda_handler({}, LambdaContext())
    return result


def _notice_mail(to: str) -> list[str]:
    return [m.subject for m in sent_mail() if m.to == [to] and "领取通知" in m.subject]


def test_a_parcel_is_logged_told_once_in_the_window_and_collected(staff: Api, clock: FixedClock) -> None:
    mailed = _log(staff, email="zhang.san@example.org")
    phoned = _log(
        staff, unit="102", recipient="李四", kind="parcel", courier="顺丰", tracking_no="", phone="13800001111"
    )
    assert (mailed["state"], mailed["received_by"], mailed["notice"]) == ("waiting", "op1", None)
    assert mailed["received_at"] == "2026-11-22T02:00:00.000Z"

    assert _notices() == {"mailed": [], "to_phone": [], "busy": []}  # 10:00 in Shanghai: not yet
    clock.advance(hours=7, minutes=2)  # 17:02
    first = _notices()
    assert (first["mailed"], first["to_phone"]) == ([mailed["parcel_id"]], [phoned["parcel_id"]])
    clock.advance(minutes=5)
    assert _notices() == {"mailed": [], "to_phone": [], "busy": []}  # a second run tells nobody again
    assert _notice_mail("zhang.san@example.org") == [
        "【领取通知】您的特快专递已到齐鲁校区前台 / [To collect] Your express item is at the Qilu campus front desk"
    ]

    register = call(staff, "GET", REGISTER, **OPERATOR).body
    assert {p["parcel_id"] for p in register["waiting"]} == {mailed["parcel_id"], phoned["parcel_id"]}
    assert [p["parcel_id"] for p in register["to_phone"]] == [phoned["parcel_id"]]
    called = call(staff, "POST", f"{PARCELS}/{phoned['parcel_id']}/phoned", {"version": 2}, **OPERATOR)
    assert (called.status, called.body["notice"], called.body["phoned_by"]) == (200, "phoned", "op1")
    assert call(staff, "GET", REGISTER).body["to_phone"] == []

    pickup = {"version": 2, "collected_by": "张三", "id_document": "id_card", "id_tail": "123x"}
    collected = call(staff, "POST", f"{PARCELS}/{mailed['parcel_id']}/collect", pickup, **OPERATOR)
    assert collected.status == 200, collected.raw
    assert (collected.body["state"], collected.body["id_tail"], collected.body["handed_over_by"]) == (
        "collected",
        "123X",
        "op1",
    )
    assert collected.body["collected_at"] == "2026-11-22T09:07:00.000Z"
    again = call(staff, "POST", f"{PARCELS}/{mailed['parcel_id']}/collect", {**pickup, "version": 3})
    assert (again.status, again.body["code"]) == (409, "parcel_collected")
    assert [p["parcel_id"] for p in call(staff, "GET", REGISTER).body["waiting"]] == [phoned["parcel_id"]]
    assert call(staff, "GET", f"{PARCELS}/{mailed['parcel_id']}").body["collected_by"] == "张三"

    clock.advance(days=1)  # the next day's window: nothing more to tell
    assert _notices()["mailed"] == []
    assert len(_notice_mail("zhang.san@example.org")) == 1


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"unit": "999"}, 400, "unknown_unit", "unit"),
        ({"building_id": "gym"}, 400, "unknown_building", "building_id"),
        ({"email": "not an address"}, 400, "validation_failed", "email"),
        ({"recipient": ""}, 400, "validation_failed", "recipient"),
        ({"kind": "crate"}, 400, "validation_failed", "kind"),
        ({"site_id": "nowhere"}, 404, "site_not_found", "site_id"),
    ],
)
def test_bad_input_is_refused_per_field_in_both_languages(
    staff: Api, changes: dict[str, Any], status: int, code: str, field: str
) -> None:
    body = {"site_id": "ql", "building_id": "admin", "unit": "101", "recipient": "张三", **changes}
    messages = set()
    for language in ("en", "zh-CN"):
        refused = call(staff, "POST", PARCELS, body, language=language)
        assert (refused.status, refused.body["code"]) == (status, code), refused.raw
        named = refused.body.get("field") or refused.body["errors"][0]["field"]
        assert field in named
        messages.add(refused.body.get("message"))
    assert len(messages) == 2  # one message per language
    assert call(staff, "GET", REGISTER).body["waiting"] == []  # nothing written


def test_only_the_desk_handles_parcels_and_a_stale_pickup_is_a_conflict(staff: Api) -> None:
    parcel = _log(staff)
    engineer = {"user": "eng1", "groups": "engineer"}
    body = {"site_id": "ql", "building_id": "admin", "unit": "101", "recipient": "张三"}
    assert call(staff, "POST", PARCELS, body, **engineer).status == 403
    assert call(staff, "GET", REGISTER, **engineer).status == 403
    pickup = {"version": 1, "collected_by": "张三", "id_document": "passport", "id_tail": "1234"}
    stale = call(staff, "POST", f"{PARCELS}/{parcel['parcel_id']}/collect", {**pickup, "version": 5})
    assert (stale.status, stale.body["code"], stale.body["field"]) == (409, "parcel_version_conflict", "version")
    bad_id = call(
        staff, "POST", f"{PARCELS}/{parcel['parcel_id']}/collect", {**pickup, "id_tail": "12"}, language="zh-CN"
    )
    assert (bad_id.status, bad_id.body["errors"][0]["field"]) == (400, "id_tail")
    not_to_phone = call(staff, "POST", f"{PARCELS}/{parcel['parcel_id']}/phoned", {"version": 1})
    assert (not_to_phone.status, not_to_phone.body["code"]) == (409, "parcel_not_to_phone")
    missing = call(staff, "GET", f"{PARCELS}/{'0' * 32}")
    assert (missing.status, missing.body["code"]) == (404, "parcel_not_found")
    assert call(staff, "GET", f"{REGISTER}").body["waiting"][0]["state"] == "waiting"


def test_the_handover_carries_the_parcels_not_yet_collected(staff: Api) -> None:
    waiting = _log(staff)
    gone = _log(staff, unit="102", recipient="李四")
    pickup = {"version": 1, "collected_by": "李四", "id_document": "staff_card", "id_tail": "0042"}
    assert call(staff, "POST", f"{PARCELS}/{gone['parcel_id']}/collect", pickup).status == 200
    page = "ql-2026-11-22-day"
    closed = call(staff, "POST", f"/staff/duty-pages/{page}/close", {"version": 0})
    assert closed.status == 200, closed.raw
    form = call(staff, "GET", f"/staff/duty-pages/{page}/handover").body
    assert [(p["parcel_id"], p["recipient"], p["unit"]) for p in form["parcels_waiting"]] == [
        (waiting["parcel_id"], "张三", "101")
    ]
