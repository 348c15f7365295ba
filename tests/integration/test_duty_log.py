"""The duty log through the staff API and the stream (000 §3.9; docs/decisions/0024): a page per
site-local shift, entries only ever added (no route, and no role, changes or removes one; the table
refuses a second write of an entry), corrections as new entries, the closing hash kept under Object
Lock, ``verify`` naming an entry changed behind the API's back, and complaints, emergencies and
incident reports entering themselves once however often the stream delivers them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from frontdesk import wiring
from frontdesk.adapters.clocks import ClockStore
from frontdesk.adapters.duty import entry_key
from frontdesk.adapters.dynamodb import ACKNOWLEDGEMENT, _owed
from frontdesk.adapters.sweep import SweepMarks
from frontdesk.clock import FixedClock
from frontdesk.models.clock import ClockKind, ClockState, SubjectType
from frontdesk.models.incident import NewIncidentReport
from frontdesk.models.ticket import Actor, ActorKind, Role
from local_stack.provision import Stack
from local_stack.template import Template, api_routes

from .conftest import Api, Reply, staff_act, staff_open
from .evidence_support import enable_object_lock
from .sla_support import StreamPump, import_function
from .staff_calls import call, key_taken_after_hours

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

NIGHT = datetime(2026, 11, 22, 11, 0, 0, tzinfo=UTC)  # 19:00 in Shanghai: the night shift of the 22nd
NIGHT_PAGE = "ql-2026-11-22-night"
ROLES = {"operator": "op1", "engineer": "eng1", "duty_manager": "dm1", "manager": "mgr1"}


def entry(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "site_id": "ql",
        "category": "theft",
        "happened": "3 号楼车棚一辆电动车被盗",
        "handling": "调取监控,通知保安部",
        "outcome": "已报警,等待派出所回复",
    }
    body.update(changes)
    return body


@pytest.fixture
def night(clock: FixedClock, staff: Api, stack: Stack) -> Api:
    """The staff API at 19:00 site-local, the evidence bucket with Object Lock as the template declares."""
    clock.advance(seconds=(NIGHT - clock.now()).total_seconds())
    enable_object_lock(boto3.client("s3"), stack["EvidenceBucket"]["name"] or "")
    return staff


def _write(staff: Api, **changes: Any) -> dict[str, Any]:
    written = call(staff, "POST", "/staff/duty-entries", entry(**changes))
    assert written.status == 201, written.raw
    page: dict[str, Any] = written.body
    return page


def _raw_entries(table: Table, page_id: str) -> list[dict[str, Any]]:
    items = table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :e)",
        ExpressionAttributeValues={":pk": f"DUTY#{page_id}", ":e": "ENTRY#"},
        ConsistentRead=True,
    )["Items"]
    return [dict(item) for item in items]


# ------------------------------------------------------------------------------------------- writing


def test_a_night_duty_manager_writes_entries_and_corrects_one(night: Api) -> None:
    _write(night)
    _write(night, category="complaint_call", happened="业主来电投诉楼道灯不亮", handling="已派电工")
    corrected = _write(
        night, category="theft", happened="更正:被盗的是自行车,不是电动车", corrects={"page_id": NIGHT_PAGE, "seq": 1}
    )

    assert corrected["page"]["page_id"] == NIGHT_PAGE
    assert (corrected["page"]["shift"], corrected["page"]["count"]) == ("night", 3)
    assert [e["seq"] for e in corrected["entries"]] == [1, 2, 3]
    assert corrected["entries"][0]["happened"] == "3 号楼车棚一辆电动车被盗"  # the corrected entry stays
    assert corrected["entries"][2]["corrects"] == {"page_id": NIGHT_PAGE, "seq": 1}
    assert corrected["corrected_by"] == {"1": [3]}
    assert corrected["entries"][0]["author"] == "dm1"
    current = call(night, "GET", "/staff/sites/ql/duty-log")
    assert current.status == 200 and current.body == corrected
    pages = call(night, "GET", "/staff/sites/ql/duty-pages")
    assert [p["page_id"] for p in pages.body["pages"]] == [NIGHT_PAGE]


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"category": "gossip"}, 400, "validation_failed", "category"),
        ({"happened": "   "}, 400, "validation_failed", "happened"),
        ({"happened": "长" * 2001}, 400, "validation_failed", "happened"),
        ({"corrects": {"page_id": NIGHT_PAGE, "seq": 9}}, 400, "duty_entry_not_found", "corrects"),
        ({"occurred_at": "2026-11-23T08:00:00+08:00"}, 400, "duty_in_future", "occurred_at"),
        ({"site_id": "nowhere"}, 404, "site_not_found", "site_id"),
        ({"seq": 1}, 400, "validation_failed", "seq"),
    ],
)
def test_bad_entries_are_refused_naming_the_field_in_both_languages(
    night: Api, changes: dict[str, Any], status: int, code: str, field: str
) -> None:
    for language in ("en", "zh-CN"):
        refused = call(night, "POST", "/staff/duty-entries", entry(**changes), language=language)
        assert refused.status == status, refused.raw
        assert refused.body["code"] == code
        named = refused.body.get("field") or refused.body["errors"][0]["field"]
        assert field in named
    page = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}")
    assert page.body["page"]["count"] == 0  # nothing half-written


def test_only_the_desk_reads_and_writes_the_log(night: Api) -> None:
    refused = call(night, "POST", "/staff/duty-entries", entry(), user="eng1", groups="engineer")
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    assert call(night, "GET", "/staff/sites/ql/duty-log", user="eng1", groups="engineer").status == 403
    assert call(night, "POST", "/staff/duty-entries", entry(), user="op1", groups="operator").status == 201


# ------------------------------------------------------------------------------------------- append only


def _hostile_paths(template: Template, page_id: str) -> list[tuple[str, str]]:
    """Every staff route of the template with its parameters filled towards the page's entries, and
    the methods no route has (API Gateway would refuse them; the function is asked anyway)."""
    fills = {
        "site_id": ["ql"],
        "page_id": [page_id],
        "ticket_id": ["0" * 32],
        "report_id": ["ql-2026-0001"],
        "building_id": ["admin"],
        "unit": ["101"],
        "list_name": ["duty_manager"],
        "key_id": ["0" * 32],
        "action": ["update", "delete", "edit", "correct", "entries", "1", "close", "sign-out", "sign-in"],
        "view": ["verify", "entries", "1", "handover"],
    }
    paths: list[tuple[str, str]] = []
    for route in api_routes(template):
        if not route.path.startswith("/staff/"):
            continue
        expanded = [route.path]
        for name, values in fills.items():
            expanded = [p.replace("{" + name + "}", v) for p in expanded for v in values]
        paths.extend((route.method, p) for p in expanded)
    entry_paths = [f"/staff/duty-pages/{page_id}", f"/staff/duty-pages/{page_id}/entries/1", "/staff/duty-entries/1"]
    paths.extend((method, p) for method in ("PUT", "PATCH", "DELETE") for p in entry_paths)
    return paths


def test_no_role_can_alter_or_delete_an_entry_through_any_route(night: Api, table: Table, template: Template) -> None:
    _write(night)
    page = _write(night, category="fight", happened="两名学生在食堂门口争执", handling="保安到场分开")
    before = _raw_entries(table, NIGHT_PAGE)
    hostile = {
        "site_id": "ql",
        "page_id": NIGHT_PAGE,
        "seq": 1,
        "category": "other",
        "happened": "篡改后的内容",
        "handling": "",
        "outcome": "",
        "version": page["page"]["version"],
    }
    answers: dict[int, int] = {}
    for method, path in _hostile_paths(template, NIGHT_PAGE):
        for groups, user in ROLES.items():
            reply = call(night, method, path, hostile, user=user, groups=groups)
            assert reply.status < 500, (method, path, groups, reply.raw)
            answers[reply.status] = answers.get(reply.status, 0) + 1

    assert _raw_entries(table, NIGHT_PAGE) == before
    verified = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/verify")
    assert verified.body["ok"] is True and verified.body["altered"] == []
    assert answers.get(200, 0) > 0 and answers.get(404, 0) > 0  # the routes were reached, not all refused at the door


def test_the_table_refuses_a_second_write_of_an_entry_under_the_stores_condition(night: Api, table: Table) -> None:
    _write(night)
    key = entry_key(NIGHT_PAGE, 1)

    with pytest.raises(ClientError) as updated:
        table.update_item(
            Key=key,
            UpdateExpression="SET happened = :x",
            ConditionExpression="attribute_not_exists(PK)",
            ExpressionAttributeValues={":x": "篡改"},
        )
    with pytest.raises(ClientError) as put:
        table.put_item(Item={**key, "happened": "篡改"}, ConditionExpression="attribute_not_exists(PK)")

    assert updated.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert put.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert _raw_entries(table, NIGHT_PAGE)[0]["happened"] == "3 号楼车棚一辆电动车被盗"


def test_the_functions_that_write_the_log_may_not_update_or_delete_its_items(template: Template) -> None:
    for function in ("StaffApiFunction", "StreamRouterFunction"):
        statements = [
            s for policy in template["Resources"][function]["Properties"]["Policies"] for s in policy["Statement"]
        ]
        (deny,) = [s for s in statements if s["Effect"] == "Deny"]
        assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(deny["Action"])
        assert deny["Resource"] == {"Fn::GetAtt": ["Table", "Arn"]}
        assert deny["Condition"]["ForAnyValue:StringLike"]["dynamodb:LeadingKeys"] == ["DUTY#*", "DUTYSOURCE#*"]


# ------------------------------------------------------------------------------------------- integrity


def test_a_changed_entry_is_named_by_verify(night: Api, table: Table) -> None:
    _write(night)
    _write(night, category="construction", happened="5 号楼外墙施工至 22:00")
    _write(night, category="other", happened="巡楼一次,正常")
    # someone with the table's keys, not the API, rewrites the second entry
    table.update_item(
        Key=entry_key(NIGHT_PAGE, 2),
        UpdateExpression="SET happened = :x",
        ExpressionAttributeValues={":x": "5 号楼外墙施工至 18:00"},
    )

    verified = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/verify")

    assert verified.status == 200
    assert (verified.body["ok"], verified.body["altered"], verified.body["missing"]) == (False, [2], [])


def test_closing_seals_the_page_in_the_evidence_bucket_for_three_years(
    night: Api, clock: FixedClock, stack: Stack
) -> None:
    page = _write(night)["page"]
    closed = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/close", {"version": page["version"]})

    assert closed.status == 200, closed.raw
    sealed = closed.body["page"]
    assert (sealed["state"], sealed["closed_by"], sealed["closing_hash"]) == ("closed", "dm1", page["head"])
    s3 = boto3.client("s3")
    bucket = stack["EvidenceBucket"]["name"] or ""
    key = f"duty/ql/{NIGHT_PAGE}.json"
    stored = s3.get_object(Bucket=bucket, Key=key, VersionId=sealed["closing_version"])
    assert json.loads(stored["Body"].read())["closing_hash"] == page["head"]
    head = s3.head_object(Bucket=bucket, Key=key, VersionId=sealed["closing_version"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] == (clock.now() + timedelta(days=1095)).replace(microsecond=0)
    with pytest.raises(ClientError, match="AccessDenied"):  # locked: the sealed version cannot be deleted
        s3.delete_object(Bucket=bucket, Key=key, VersionId=sealed["closing_version"])

    verified = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/verify")
    assert (verified.body["ok"], verified.body["sealed"], verified.body["seal_matches"]) == (True, True, True)

    again = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/close", {"version": sealed["version"]})
    assert (again.status, again.body["code"]) == (409, "duty_page_closed")
    # what happens after the handover goes on the next shift's page
    later = _write(night, category="other", happened="交班后:3 号楼门禁报警,已复位")
    assert later["page"]["page_id"] == "ql-2026-11-23-day"


def test_a_stale_close_is_a_conflict_and_closes_nothing(night: Api) -> None:
    _write(night)
    _write(night)
    refused = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/close", {"version": 1})
    assert (refused.status, refused.body["code"]) == (409, "duty_version_conflict")
    assert call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}").body["page"]["state"] == "open"


def test_an_unknown_page_is_a_404_and_a_future_page_is_empty(night: Api) -> None:
    missing = call(night, "GET", "/staff/duty-pages/ql-2026-02-30-day")
    assert (missing.status, missing.body["code"]) == (404, "duty_page_not_found")
    empty = call(night, "GET", "/staff/duty-pages/ql-2026-11-24-day")
    assert (empty.status, empty.body["page"]["count"], empty.body["entries"]) == (200, 0, [])


# ------------------------------------------------------------------------------------------- automatic entries


def test_complaints_emergencies_and_reports_enter_themselves_once(night: Api, stack: Stack, table: Table) -> None:
    pump = StreamPump(stack, import_function("stream_router").lambda_handler)
    complaint, _ = staff_open(night, kind="complaint", category="staff_attitude", description="前台态度差")
    emergency, _ = staff_open(night, kind="emergency", category="water_leak", description="3 楼水管爆裂")
    staff_open(night)  # a repair: not entered
    report = wiring.incident_desk().create(
        NewIncidentReport.model_validate(
            {
                "site_id": "ql",
                "severity": "major",
                "category": "water_leak",
                "occurred_at": "2026-11-22T18:40:00+08:00",
                "building_id": "admin",
                "unit": "101",
                "details": "水管爆裂,101 室天花板渗水",
            }
        ),
        Actor(kind=ActorKind.STAFF, id="dm1", roles=frozenset({Role.DUTY_MANAGER})),
    )

    records = pump.read()
    pump.deliver(records)
    pump.deliver(records)  # redelivered, as a retried batch is
    assert pump.failures == []

    page = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}").body
    entered = {(e["source"], e["category"], e["automatic"], e["author"]) for e in page["entries"]}
    assert entered == {
        (f"ticket:{complaint}", "complaint_call", True, "system"),
        (f"ticket:{emergency}", "accident", True, "system"),
        (f"report:{report.report_id}", "accident", True, "system"),
    }
    assert page["page"]["count"] == 3
    by_source = {e["source"]: e for e in page["entries"]}
    assert by_source[f"report:{report.report_id}"]["reports"] == [report.report_id]
    assert by_source[f"ticket:{complaint}"]["tickets"] == [complaint]
    assert call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/verify").body["ok"] is True


def test_a_person_and_the_stream_writing_at_once_both_get_their_entry(night: Api, stack: Stack) -> None:
    """The stream's entry and a person's race for the same next number: one is chained after the other."""
    pump = StreamPump(stack, import_function("stream_router").lambda_handler)
    staff_open(night, kind="complaint", category="staff_attitude", description="前台态度差")
    records = pump.read()
    store = wiring.duty_store()
    real_page = store.page
    raced: list[bool] = []

    def page_then_person_writes(pid: str) -> Any:
        seen = real_page(pid)
        if not raced:  # the stream read the page; before it writes, a person adds an entry
            raced.append(True)
            _write(night)
        return seen

    store_copy = copy.copy(store)
    store_copy.page = page_then_person_writes  # type: ignore[method-assign]
    object.__setattr__(wiring.duty_desk(), "log", store_copy)
    pump.deliver(records)

    page = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}").body
    assert [(e["seq"], e["automatic"]) for e in page["entries"]] == [(1, False), (2, True)]
    assert call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/verify").body["ok"] is True


# ------------------------------------------------------------------------------------------- handover


def test_the_handover_is_prefilled_and_signed_by_two_different_people(night: Api, table: Table) -> None:
    repair, _ = staff_open(night)
    staff_act(night, repair, "dispatch", {"version": 1, "department": "engineering", "assignee": "eng1"})
    unfinished, _ = staff_open(night, unit="1-102")
    staff_act(night, unfinished, "dispatch", {"version": 1, "department": "engineering", "assignee": "eng2"})
    staff_act(night, unfinished, "arrive", {"version": 2}, ("eng2", "engineer"))
    staff_act(night, unfinished, "unfinished", {"version": 3, "reason": "缺配件,明早再来"}, ("eng2", "engineer"))
    taken = key_taken_after_hours(night)  # still out at the handover
    page = _write(night)["page"]

    pending = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/handover")
    assert (pending.status, pending.body["state"]) == (200, "pending")
    assert (pending.body["shift_change_at"], pending.body["due_at"]) == (
        "2026-11-23T00:00:00.000Z",  # 08:00 in Shanghai
        "2026-11-23T00:30:00.000Z",
    )
    assert pending.body["next_page_id"] == "ql-2026-11-23-day"
    early = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/sign-out", {"version": 1, "cash_cents": 0})
    assert (early.status, early.body["code"]) == (409, "handover_not_ready")

    closed = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/close", {"version": page["version"]})
    assert closed.status == 200, closed.raw
    form = call(night, "GET", f"/staff/duty-pages/{NIGHT_PAGE}/handover").body
    assert form["state"] == "prepared"
    assert [t["ticket_id"] for t in form["open_tickets"]] == [repair]
    assert form["open_tickets"][0]["due"] is not None and "contact" not in form["open_tickets"][0]
    assert [t["ticket_id"] for t in form["unfinished"]] == [unfinished]
    running = {(c["kind"], c["subject_id"]) for c in form["running_clocks"]}
    assert ("arrival", repair) in running and ("completion", unfinished) in running
    assert ("key_return", taken["use"]["use_id"]) in running
    assert [(k["unit"], k["taken_by"]) for k in form["keys_out"]] == [("101", "dm1")]

    too_early = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/sign-in", {"version": form["version"]})
    assert (too_early.status, too_early.body["code"]) == (409, "handover_not_ready")
    negative = call(night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/sign-out", {"version": 2, "cash_cents": -1})
    assert (negative.status, negative.body["code"]) == (400, "validation_failed")
    signed_out = call(
        night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/sign-out", {"version": form["version"], "cash_cents": 35_000}
    )
    assert signed_out.status == 200, signed_out.raw
    assert (signed_out.body["outgoing_by"], signed_out.body["cash_cents"]) == ("dm1", 35_000)

    def sign_in(**who: str) -> Reply:
        """The incoming shift signs the page the outgoing one signed out (as the duty manager unless `who` says)."""
        return call(
            night, "POST", f"/staff/duty-pages/{NIGHT_PAGE}/sign-in", {"version": signed_out.body["version"]}, **who
        )

    same = sign_in()
    assert (same.status, same.body["code"], same.body["field"]) == (409, "handover_same_person", "actor")
    engineer = sign_in(user="eng1", groups="engineer")
    assert engineer.status == 403
    signed_in = sign_in(user="op1", groups="operator")
    assert signed_in.status == 200, signed_in.raw
    assert (signed_in.body["state"], signed_in.body["incoming_by"]) == ("completed", "op1")
    clock = ClockStore(table).of_subject(SubjectType.HANDOVER, NIGHT_PAGE)[ClockKind.HANDOVER]
    assert clock.state is ClockState.MET


# ------------------------------------------------------------------------------------------- retention


def test_duty_items_notices_and_sweep_marks_carry_the_tables_ttl_attribute(night: Api, table: Table) -> None:
    """The table has one TTL attribute (template.yaml): an item that names its expiry otherwise never expires."""
    ttl = table.meta.client.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
    attribute = ttl["AttributeName"]
    _write(night)
    duty = [
        item
        for item in table.scan()["Items"]
        if str(item["PK"]).startswith(("DUTY#", "DUTYSOURCE#", "HANDOVER#")) and item["SK"] != "CLOCK#handover"
    ]
    assert {item["type"] for item in duty} >= {"duty_page", "duty_entry", "handover"}
    assert [item["type"] for item in duty if attribute not in item] == []
    SweepMarks(table).mark("ql", "2026-11-22", "2026-11-22T15:00:00.000Z", 0)
    swept = table.get_item(Key={"PK": "SITE#ql", "SK": "SWEPT#2026-11-22"})["Item"]
    table.put_item(Item=_owed(table.name, "a" * 32, ACKNOWLEDGEMENT, "2026-11-22T15:00:00.000Z")["Put"]["Item"])
    notice = table.get_item(Key={"PK": f"TICKET#{'a' * 32}", "SK": f"NOTICE#{ACKNOWLEDGEMENT}"})["Item"]
    assert attribute in swept
    assert attribute in notice
