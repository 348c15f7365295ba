"""The emergency key register through the staff API (000 §3.10; docs/decisions/0024): a unit's key
sealed with its seal number, taken with the client's permission or the emergency override, after
hours only with the stamped authorisation and an escort, brought back under a new seal; its return
clock written with the use. Bad input is a 4xx naming the field, in zh-CN and en."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from frontdesk.adapters.clocks import ClockStore
from frontdesk.clock import FixedClock
from frontdesk.models.clock import ClockKind, ClockState, SubjectType

from .conftest import Api
from .lambda_support import load_test_module
from .staff_calls import call, sealed_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEYS = "/staff/emergency-keys"
# The borrower the unit tests of the key rules use (tests/unit/records.py).
OUTSIDER: dict[str, Any] = load_test_module("tests/unit/records.py").OUTSIDER


@pytest.fixture
def office(clock: FixedClock, staff: Api) -> Api:
    """The staff API at 10:00 on Monday 2026-11-23 in Shanghai: office hours (the harness starts on a Sunday)."""
    clock.advance(days=1)
    return staff


def test_a_key_is_sealed_taken_in_an_emergency_and_sealed_again(office: Api, table: Table) -> None:
    staff = office
    key = sealed_key(staff)
    assert (key["state"], key["seal_number"], key["sealed_by"]) == ("sealed", "S-0001", "dm1")
    again = call(
        staff,
        "POST",
        KEYS,
        {"site_id": "ql", "building_id": "admin", "unit": "101", "seal_number": "S-0009", "sealed_with": "张"},
    )
    assert (again.status, again.body["code"], again.body["field"]) == (409, "key_exists", "unit")

    taken = call(
        staff, "POST", f"{KEYS}/{key['key_id']}/take", {"version": 1, "reason": "楼上漏水", "override": "water"}
    )
    assert taken.status == 200, taken.raw
    use = taken.body["use"]
    assert (taken.body["key"]["state"], use["override"], use["taken_by"]) == ("out", "water", "dm1")
    assert use["return_due"] == "2026-11-23T04:00:00.000Z"  # 2 h after 10:00 in Shanghai
    clock = ClockStore(table).of_subject(SubjectType.KEY_USE, use["use_id"])[ClockKind.KEY_RETURN]
    assert (clock.state, clock.due) == (ClockState.RUNNING, use["return_due"])
    register = call(staff, "GET", "/staff/sites/ql/emergency-keys", user="op1", groups="operator").body
    assert [u["use_id"] for u in register["out"]] == [use["use_id"]]

    back = call(
        staff,
        "POST",
        f"{KEYS}/{key['key_id']}/return",
        {"version": 2, "new_seal_number": "S-0002"},
        user="op1",
        groups="operator",
    )
    assert back.status == 200, back.raw
    assert (back.body["key"]["state"], back.body["key"]["seal_number"]) == ("sealed", "S-0002")
    assert (back.body["use"]["new_seal"], back.body["use"]["old_seal"]) == ("S-0002", "S-0001")
    clock = ClockStore(table).of_subject(SubjectType.KEY_USE, use["use_id"])[ClockKind.KEY_RETURN]
    assert clock.state is ClockState.MET
    assert call(staff, "GET", "/staff/sites/ql/emergency-keys").body["out"] == []


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"version": 1, "reason": "查看", "override": "noise"}, "validation_failed", "override"),
        ({"version": 1, "reason": "查看"}, "key_permission_or_override", "permission"),
        (
            {
                "version": 1,
                "reason": "查看",
                "override": "fire",
                "permission": {"given_by": "张", "how": "phone", "at": "2026-11-22T09:00:00+08:00"},
            },
            "key_permission_or_override",
            "permission",
        ),
        (
            {"version": 1, "reason": "查看", "permission": {"given_by": "张", "how": "fax", "at": "2026-11-22T09:00Z"}},
            "validation_failed",
            "how",
        ),
    ],
)
def test_a_use_without_permission_or_with_a_false_emergency_is_refused(
    office: Api, body: dict[str, Any], code: str, field: str
) -> None:
    key = sealed_key(office)
    for language in ("en", "zh-CN"):
        refused = call(office, "POST", f"{KEYS}/{key['key_id']}/take", body, language=language)
        assert refused.status == 400, refused.raw
        assert refused.body["code"] == code
        named = refused.body.get("field") or refused.body["errors"][0]["field"]
        assert field in named
    assert call(office, "GET", f"{KEYS}/{key['key_id']}").body["key"]["state"] == "sealed"  # nothing taken


def test_after_hours_the_key_needs_the_authorisation_and_an_escort(staff: Api, clock: FixedClock) -> None:
    key = sealed_key(staff)
    clock.advance(hours=10)  # 20:00 on a Sunday in Shanghai
    path = f"{KEYS}/{key['key_id']}/take"
    body: dict[str, Any] = {"version": 1, "reason": "烟感报警", "override": "smoke"}

    refused = call(staff, "POST", path, body, language="zh-CN")
    assert (refused.status, refused.body["code"], refused.body["field"]) == (400, "key_after_hours", "after_hours")
    assert "授权书" in refused.body["message"]
    alone = call(staff, "POST", path, {**body, "after_hours": {"authorisation": "授权 118", "escort": "dm1"}})
    assert (alone.status, alone.body["code"]) == (400, "key_escort_self")
    taken = call(staff, "POST", path, {**body, "after_hours": {"authorisation": "授权 118", "escort": "op1"}})
    assert taken.status == 200, taken.raw
    assert taken.body["use"]["after_hours"] == {"authorisation": "授权 118", "escort": "op1"}

    late = call(staff, "POST", path, {**body, "version": 2})
    assert (late.status, late.body["code"]) == (409, "key_out")
    assert call(staff, "POST", path, body, user="eng1", groups="engineer").status == 403


def test_a_second_take_of_the_same_key_is_refused(office: Api) -> None:
    staff = office
    key = sealed_key(staff)
    path = f"{KEYS}/{key['key_id']}/take"
    first = call(staff, "POST", path, {"version": 1, "reason": "漏水", "override": "water"})
    second = call(
        staff, "POST", path, {"version": 1, "reason": "漏水", "override": "water"}, user="op1", groups="operator"
    )
    assert first.status == 200
    assert (second.status, second.body["code"]) == (409, "key_out")
    missing = call(staff, "POST", f"{KEYS}/{'0' * 32}/return", {"version": 1, "new_seal_number": "S-1"})
    assert (missing.status, missing.body["code"]) == (404, "key_not_found")


def test_on_a_public_holiday_the_key_needs_the_after_hours_authorisation(office: Api) -> None:
    """The site's calendar decides office hours: a manager makes Monday 23 November a holiday."""
    staff = office
    year = {"year": 2026, "holidays": ["2026-11-23"], "source": "test"}
    loaded = call(staff, "PUT", "/staff/sites/ql/calendar", year, user="mgr1", groups="manager")
    assert loaded.status == 200, loaded.raw
    key = sealed_key(staff)
    path = f"{KEYS}/{key['key_id']}/take"
    body: dict[str, Any] = {"version": 1, "reason": "漏水", "override": "water"}
    refused = call(staff, "POST", path, body)
    assert (refused.status, refused.body["code"], refused.body["field"]) == (400, "key_after_hours", "after_hours")
    taken = call(staff, "POST", path, {**body, "after_hours": {"authorisation": "授权 7", "escort": "op1"}})
    assert taken.status == 200, taken.raw


def test_after_an_override_the_desk_records_that_the_client_was_told(office: Api, table: Table) -> None:
    staff = office
    key = sealed_key(staff)
    use = call(staff, "POST", f"{KEYS}/{key['key_id']}/take", {"version": 1, "reason": "漏水", "override": "water"})
    use_id = use.body["use"]["use_id"]
    assert use.body["use"]["tell_due"] == "2026-11-23T04:00:00.000Z"  # 2 h after 10:00 in Shanghai
    clock = ClockStore(table).of_subject(SubjectType.KEY_USE, use_id)[ClockKind.KEY_TELL_CLIENT]
    assert (clock.state, clock.due) == (ClockState.RUNNING, "2026-11-23T04:00:00.000Z")
    register = call(staff, "GET", "/staff/sites/ql/emergency-keys").body
    assert [u["use_id"] for u in register["to_tell"]] == [use_id]

    path = f"/staff/emergency-key-uses/{use_id}/client-told"
    told = {"version": 1, "told": "张老师", "how": "phone", "at": "2026-11-23T10:00:00+08:00"}
    bad = call(staff, "POST", path, {**told, "how": "pigeon"}, language="zh-CN")
    assert (bad.status, bad.body["code"]) == (400, "validation_failed")
    future = call(staff, "POST", path, {**told, "at": "2026-11-23T12:00:00+08:00"})
    assert (future.status, future.body["code"], future.body["field"]) == (400, "key_in_future", "at")
    done = call(staff, "POST", path, told, user="op1", groups="operator")
    assert done.status == 200, done.raw
    assert (done.body["client_told"]["told"], done.body["client_told"]["recorded_by"]) == ("张老师", "op1")
    again = call(staff, "POST", path, {**told, "version": 2})
    assert (again.status, again.body["code"]) == (409, "key_client_told")
    clock = ClockStore(table).of_subject(SubjectType.KEY_USE, use_id)[ClockKind.KEY_TELL_CLIENT]
    assert clock.state is ClockState.MET
    assert call(staff, "GET", "/staff/sites/ql/emergency-keys").body["to_tell"] == []
    missing = call(staff, "POST", f"/staff/emergency-key-uses/{'0' * 32}-1/client-told", told)
    assert (missing.status, missing.body["code"]) == (404, "key_use_not_found")


def test_an_outsider_borrows_with_an_id_and_a_deposit_refunded_at_the_return(office: Api) -> None:
    staff = office
    key = sealed_key(staff)
    permission = {"given_by": "张老师", "how": "phone", "at": "2026-11-23T09:50:00+08:00"}
    body = {"version": 1, "reason": "更换门锁", "permission": permission}
    path = f"{KEYS}/{key['key_id']}/take"
    no_receipt = call(staff, "POST", path, {**body, "outsider": {**OUTSIDER, "receipt": ""}}, language="zh-CN")
    assert no_receipt.status == 400 and "receipt" in no_receipt.body["errors"][0]["field"]
    taken = call(staff, "POST", path, {**body, "outsider": OUTSIDER})
    assert taken.status == 200, taken.raw
    assert taken.body["use"]["outsider"]["deposit_fen"] == 20000

    back = f"{KEYS}/{key['key_id']}/return"
    without = call(staff, "POST", back, {"version": 2, "new_seal_number": "S-0002"})
    assert (without.status, without.body["code"], without.body["field"]) == (400, "key_deposit_required", "deposit")
    assert call(staff, "GET", f"{KEYS}/{key['key_id']}").body["key"]["state"] == "out"  # nothing written
    returned = call(
        staff, "POST", back, {"version": 2, "new_seal_number": "S-0002", "deposit": {"refunded_fen": 20000}}
    )
    assert returned.status == 200, returned.raw
    assert returned.body["use"]["deposit_back"] == {"refunded_fen": 20000, "withheld_reason": ""}


def test_the_monthly_cabinet_audit_through_the_api(office: Api, clock: FixedClock, table: Table) -> None:
    staff = office
    first, second = sealed_key(staff, "101", "S-0001"), sealed_key(staff, "102", "S-0002")
    audit = "/staff/sites/ql/key-audits/2026-11"
    pending = call(staff, "GET", audit)
    assert (pending.status, pending.body["audit"]["state"], pending.body["audit"]["due"]) == (
        200,
        "pending",
        "2026-11-28T09:30:00.000Z",
    )
    early = call(staff, "POST", f"{audit}/start", language="zh-CN")
    assert (early.status, early.body["code"], early.body["field"]) == (409, "key_audit_outside_window", "month")
    assert "25" in early.body["message"]
    assert (
        call(staff, "POST", f"{audit}/checks", {"version": 1, "key_id": first["key_id"], "present": False}).status
        == 404
    )

    clock.advance(days=3)  # Thursday 26 November, 10:00 in Shanghai
    started = call(staff, "POST", f"{audit}/start", user="op1", groups="operator")
    assert started.status == 200, started.raw
    assert len(started.body["unchecked"]) == 2
    clocks = ClockStore(table).of_subject(SubjectType.KEY_AUDIT, "ql-2026-11")
    assert clocks[ClockKind.KEY_AUDIT].state is ClockState.RUNNING

    version = started.body["audit"]["version"]
    check = {"version": version, "key_id": first["key_id"], "present": True, "seal_intact": True}
    no_seal = call(staff, "POST", f"{audit}/checks", check)
    assert (no_seal.status, no_seal.body["code"], no_seal.body["field"]) == (
        400,
        "key_audit_seal_seen",
        "seal_number_seen",
    )
    checked = call(staff, "POST", f"{audit}/checks", {**check, "seal_number_seen": "S-0001"})
    assert checked.status == 200, checked.raw
    twice = call(staff, "POST", f"{audit}/checks", {**check, "seal_number_seen": "S-0001", "version": version + 1})
    assert (twice.status, twice.body["code"]) == (409, "key_audit_checked")
    incomplete = call(staff, "POST", f"{audit}/file", {"version": version + 1})
    assert (incomplete.status, incomplete.body["code"]) == (400, "key_audit_incomplete")
    assert "1" in incomplete.body["message"]
    missing = {"version": version + 1, "key_id": second["key_id"], "present": False, "note": "柜中未见"}
    assert call(staff, "POST", f"{audit}/checks", missing).status == 200
    filed = call(staff, "POST", f"{audit}/file", {"version": version + 2})
    assert filed.status == 200, filed.raw
    assert [(d["unit"], d["finding"]) for d in filed.body["audit"]["discrepancies"]] == [("102", "missing")]
    clocks = ClockStore(table).of_subject(SubjectType.KEY_AUDIT, "ql-2026-11")
    assert clocks[ClockKind.KEY_AUDIT].state is ClockState.MET
    bad_month = call(staff, "GET", "/staff/sites/ql/key-audits/2026-13")
    assert bad_month.status == 400
