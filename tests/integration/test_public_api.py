"""The public function (tenant form, tracking page) driven by events/public_*.json against moto."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from frontdesk import wiring
from frontdesk.adapters.dynamodb import SiteStore, TicketStore
from frontdesk.app.tokens import token_hash
from frontdesk.clock import FixedClock
from frontdesk.models import commands as cmd
from frontdesk.models import identifiers as ids
from frontdesk.models.site import Site
from frontdesk.models.ticket import CATEGORIES
from local_stack.calls import CallCounter, inside
from local_stack.provision import Stack

from .conftest import (
    DAY,
    Api,
    Reply,
    client_post,
    counter,
    load_event,
    public_create,
    set_header,
    staff_action,
    staff_create,
    track,
    with_body,
    with_path,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _tickets_today(store: TicketStore) -> list[str]:
    return [ticket.number for ticket in store.by_day("ql", DAY)]


def test_create_returns_201_with_short_number_and_tracking_token(public: Api, store: TicketStore, table: Table) -> None:
    reply = public(load_event("public_create_ticket.json"))

    assert reply.status == 201
    assert reply.body["number"] == "QL-1122-001"
    assert reply.body["status"] == "received"
    token = reply.body["tracking_token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert reply.body["tracking_url"] == f"track#{token}"
    assert "ticket_id" not in reply.body

    (ticket,) = store.by_day("ql", DAY)
    assert (ticket.channel.value, ticket.received_by, ticket.contact.phone) == ("web", "client", "13800138000")
    assert store.ticket_id_for(token_hash(token)) == ticket.ticket_id
    assert token not in json.dumps(table.scan()["Items"], default=str)  # only its hash is kept


def test_an_intake_makes_five_ticket_table_calls_and_two_for_its_key(public: Api) -> None:
    """What one keyed web-form intake asks of the ticket table: the replay check, the site, the
    day's number, the unit's repeat count, and one transaction. A new ticket has no clocks yet, so
    none are read (a read that came back would fail this). And of the idempotency table, through a
    client of the default session like every other (frontdesk.wiring.idempotency): the key taken
    (PutItem) and its answer kept (UpdateItem)."""
    counter = CallCounter()
    events = boto3._get_default_session().events
    counter.install(events)
    wiring.reset()  # the function's clients are made from here on, with the counter's handlers
    try:
        with inside("PublicApiFunction"):
            assert public(public_create(key="count-1")).status == 201
    finally:
        events.unregister("before-parameter-build", counter._remember_params)
        events.unregister("after-call", counter._after)
        wiring.reset()
    assert counter.snapshot()["calls"] == {
        "PublicApiFunction dynamodb.GetItem": 2,
        "PublicApiFunction dynamodb.UpdateItem": 2,
        "PublicApiFunction dynamodb.Query": 1,
        "PublicApiFunction dynamodb.TransactWriteItems": 1,
        "PublicApiFunction dynamodb.PutItem": 1,
    }


def test_numbers_count_up_within_the_site_day(public: Api, table: Table) -> None:
    numbers = [public(public_create()).body["number"] for _ in range(3)]
    assert numbers == ["QL-1122-001", "QL-1122-002", "QL-1122-003"]
    assert counter(table) == 3


def test_number_follows_the_site_local_day(public: Api, table: Table, clock: FixedClock) -> None:
    clock.advance(hours=13, minutes=59)  # 15:59 UTC = 23:59 in Shanghai
    assert public(public_create()).body["number"] == "QL-1122-001"
    clock.advance(minutes=31)  # 16:30 UTC = 00:30 the next Shanghai day
    assert public(public_create()).body["number"] == "QL-1123-001"
    assert (counter(table, day="2026-11-22"), counter(table, day="2026-11-23")) == (1, 1)


def test_idempotency_key_replay_returns_the_same_ticket_once(public: Api, store: TicketStore, table: Table) -> None:
    first = public(public_create(key="form-abc-1"))
    again = public(public_create(key="form-abc-1"))

    assert first.status == again.status == 201
    assert _same_ticket(again, first)
    assert _tickets_today(store) == ["QL-1122-001"]
    assert counter(table) == 1
    assert public(public_create(key="form-abc-9")).body["number"] == "QL-1122-002"  # another key, another ticket


def test_a_retry_after_the_first_invocation_died_finds_its_ticket_not_a_second_one(
    public: Api, store: TicketStore, table: Table, env: Stack
) -> None:
    """The first invocation wrote the ticket, then timed out before the cache held its answer; once
    its in-progress record expired the client's retry runs the intake again (issue 15)."""
    first = public(public_create(key="form-timeout-1"))
    cache = boto3.resource("dynamodb").Table(env["IdempotencyTable"]["name"] or "")
    for item in cache.scan()["Items"]:  # as if it had never been written: the answer was lost
        cache.delete_item(Key={"id": item["id"]})

    again = public(public_create(key="form-timeout-1"))

    assert first.status == again.status == 201 and _same_ticket(again, first)
    assert _tickets_today(store) == ["QL-1122-001"]
    assert public(track(first.body["tracking_token"])).body["number"] == "QL-1122-001"
    # the same key with another body is another request, even once the cache has forgotten the key
    for item in cache.scan()["Items"]:
        cache.delete_item(Key={"id": item["id"]})
    other = public(public_create(key="form-timeout-1", description="另一件事：门锁坏了。"))
    assert other.status == 201 and other.body["number"] == "QL-1122-002"  # the retry took no number


def _same_ticket(again: Reply, first: Reply) -> bool:
    """A replay answers with the same ticket; its tracking token is a new one (the first is not kept anywhere)."""
    same = {k: v for k, v in again.body.items() if k not in ("tracking_token", "tracking_url")} == {
        k: v for k, v in first.body.items() if k not in ("tracking_token", "tracking_url")
    }
    return same and again.body["tracking_url"] == f"track#{again.body['tracking_token']}"


def test_the_idempotency_table_never_holds_a_tracking_token(
    public: Api, staff: Api, store: TicketStore, env: Stack
) -> None:
    """ADR 0003: only a token's SHA-256 is stored. powertools caches the first response for 24 h: not the token."""
    first = public(public_create(key="form-abc-3"))
    again = public(public_create(key="form-abc-3"))
    by_staff = staff(staff_create(key="desk-1"))
    tokens = [first.body["tracking_token"], again.body["tracking_token"], by_staff.body["tracking_token"]]

    name = env["IdempotencyTable"]["name"]
    assert name is not None
    cached = json.dumps(boto3.resource("dynamodb").Table(name).scan()["Items"], default=str)
    assert cached.count("QL-1122-00") == 2  # both responses are cached ...
    for token in tokens:
        assert token not in cached  # ... without their tokens,
        assert token_hash(token) not in cached  # or anything that finds the ticket by one
    # and every token handed out opens the one ticket
    (ticket,) = [t for t in store.by_day("ql", DAY) if t.number == first.body["number"]]
    for token in tokens[:2]:
        assert public(track(token)).body["number"] == ticket.number
        assert store.ticket_id_for(token_hash(token)) == ticket.ticket_id


def test_idempotency_key_header_name_is_case_insensitive(public: Api, store: TicketStore) -> None:
    """HTTP/2 clients send header names in lower case."""
    event = public_create()
    set_header(event, "idempotency-key", "h2-key-1")
    first = public(event)
    again = public(event)
    assert _same_ticket(again, first)
    assert _tickets_today(store) == ["QL-1122-001"]


def test_same_key_with_another_body_is_refused(public: Api, store: TicketStore) -> None:
    public(public_create(key="form-abc-2"))
    reply = public(public_create(key="form-abc-2", description="另一件事:门锁坏了"))

    assert reply.status == 422
    assert reply.body["code"] == "idempotency_key_reused"
    assert reply.body["field"] == "Idempotency-Key"
    assert _tickets_today(store) == ["QL-1122-001"]


def test_a_refused_request_does_not_hold_its_idempotency_key(public: Api, store: TicketStore) -> None:
    """A 4xx under a key is not remembered as in progress: the corrected retry under a new body goes through."""
    first = public(public_create(key="retry-1", building_id="nope"))
    again = public(public_create(key="retry-1", building_id="nope"))
    assert (first.status, again.status) == (400, 400)
    assert again.body["code"] == "unknown_building"
    assert public(public_create(key="retry-2")).status == 201
    assert _tickets_today(store) == ["QL-1122-001"]


def test_malformed_idempotency_key_is_refused_before_anything_is_written(public: Api, table: Table) -> None:
    reply = public(public_create(key="not a key!"))
    assert reply.status == 400
    assert reply.body["code"] == "idempotency_key_invalid"
    assert counter(table) is None


def test_unknown_field_is_400_extra_forbidden_and_writes_nothing(
    public: Api, table: Table, subtests: pytest.Subtests
) -> None:
    for field in ("status", "assignee", "severity"):
        with subtests.test(field=field):
            reply = public(public_create(**{field: "closed"}))
            assert reply.status == 400
            assert reply.body["code"] == "validation_failed"
            assert {"field": field, "code": "extra_forbidden", "message": "不接受此字段。"} in reply.body["errors"]
    assert counter(table) is None
    assert table.scan(Select="COUNT")["Count"] == 1  # only the site


def test_messages_are_zh_cn_by_default_and_en_when_asked(public: Api) -> None:
    event = public_create(status="closed")
    set_header(event, "Accept-Language", None)
    zh = public(event)
    set_header(event, "Accept-Language", "en-US,en;q=0.9")
    en = public(event)

    assert zh.body["message"] == "请检查标出的字段后重试。"
    assert zh.headers["Content-Language"] == "zh-CN"
    assert en.body["message"] == "Please correct the marked fields and try again."
    assert en.body["errors"][0]["message"] == "This field is not accepted."
    assert en.headers["Content-Language"] == "en"


def test_every_invalid_field_is_reported(public: Api) -> None:
    reply = public(public_create(contact_phone="12", description="x" * 2001, unit=""))
    fields = {error["field"]: error["code"] for error in reply.body["errors"]}
    assert reply.status == 400
    assert fields == {"contact_phone": "string_pattern_mismatch", "description": "string_too_long"}


def test_kind_error_lists_the_choices_as_the_form_sends_them(public: Api) -> None:
    reply = public(public_create(kind="paid_service"))
    assert reply.status == 400
    (error,) = reply.body["errors"]
    assert error["field"] == "kind"
    assert "Kind." not in error["message"], error["message"]


def test_refused_intake_burns_no_number(public: Api, table: Table, subtests: pytest.Subtests) -> None:
    cases = [
        ({"building_id": "nope"}, 400, "unknown_building", "building_id"),
        ({"unit": "999"}, 400, "unknown_unit", "unit"),
        ({"unit": "", "location": ""}, 400, "unit_or_location_required", "unit"),
        ({"category": "fees"}, 400, "unknown_category", "category"),
        ({"site_id": "elsewhere"}, 404, "site_not_found", "site_id"),
    ]
    for changes, status, code, field in cases:
        with subtests.test(code=code):
            reply = public(public_create(**changes))
            assert (reply.status, reply.body["code"], reply.body["field"]) == (status, code, field)
            assert counter(table) is None
    assert public(public_create()).body["number"] == "QL-1122-001"


def _padded(extra: int) -> str:
    body = json.loads(load_event("public_create_ticket.json")["body"])
    return json.dumps(body, ensure_ascii=False) + " " * extra


def test_valid_body_up_to_16_kib_is_accepted_and_over_it_is_413(public: Api, table: Table) -> None:
    over = public(with_body(public_create(), raw=_padded(16_384)))
    assert over.status == 413
    assert over.body["code"] == "body_too_large"
    assert "16384" in over.body["message"]
    assert counter(table) is None

    raw = _padded(0)
    raw += " " * (16_384 - len(raw.encode("utf-8")))
    assert public(with_body(public_create(), raw=raw)).status == 201


def test_any_body_over_16_kib_is_413_before_it_is_parsed(public: Api, table: Table, subtests: pytest.Subtests) -> None:
    bodies = {
        "long-field": json.dumps({**json.loads(_padded(0)), "description": "漏" * 6000}, ensure_ascii=False),
        "invalid-json": "{" + "x" * 17_000,
        "json-array": json.dumps([0] * 9000),
    }
    for name, raw in bodies.items():
        with subtests.test(body=name):
            assert len(raw.encode("utf-8")) > 16_384
            reply = public(with_body(public_create(), raw=raw))
            assert (reply.status, reply.body["code"]) == (413, "body_too_large")
    assert counter(table) is None


def test_malformed_body_is_400_never_500(public: Api, table: Table, subtests: pytest.Subtests) -> None:
    cases = {
        "{bad": "json_invalid",
        '{"site_id": "ql",': "json_invalid",
        "": None,
        "null": None,
        "[1, 2]": None,
        '"just a string"': None,
        "42": None,
        '{"site_id": {"$gt": ""}}': "validation_failed",
    }
    for raw, code in cases.items():
        with subtests.test(body=raw):
            reply = public(with_body(public_create(), raw=raw))
            assert reply.status == 400, reply.raw
            if code is not None:
                assert reply.body["code"] == code
    assert counter(table) is None


def test_body_that_is_not_utf8_is_400_never_500(public: Api, table: Table) -> None:
    # API Gateway hands over what is not text base64-encoded.
    event = with_body(public_create(), raw=base64.b64encode(b"\xff\xfe{").decode())
    event["isBase64Encoded"] = True
    reply = public(event)
    assert (reply.status, reply.body["code"]) == (400, "body_encoding")
    assert counter(table) is None


def test_utf8_body_sent_base64_is_accepted(public: Api) -> None:
    event = public_create()
    event["body"] = base64.b64encode(event["body"].encode("utf-8")).decode()
    event["isBase64Encoded"] = True
    assert public(event).status == 201


def test_control_characters_in_text_are_refused_per_field(public: Api, table: Table) -> None:
    reply = public(public_create(description="水管\u0000漏水", contact_name="张\u001b[31m三"))
    assert reply.status == 400
    assert {(e["field"], e["code"]) for e in reply.body["errors"]} == {
        ("description", "control_characters"),
        ("contact_name", "control_characters"),
    }
    assert reply.body["errors"][0]["message"] == "不能包含控制字符。"
    assert counter(table) is None
    # line breaks are text, not control
    assert public(public_create(description="第一行\n第二行")).status == 201


def test_bidi_controls_in_text_staff_read_are_refused_per_field(
    public: Api, table: Table, subtests: pytest.Subtests
) -> None:
    for char in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"):
        with subtests.test(char=f"U+{ord(char):04X}"):
            reply = public(public_create(description=f"请看附件{char}gpj.exe", location=f"大厅{char}"))
            assert reply.status == 400, reply.raw
            assert {(e["field"], e["code"]) for e in reply.body["errors"]} == {
                ("description", "bidi_control"),
                ("location", "bidi_control"),
            }
    event = public_create(contact_name="Ann\u202eevil")
    set_header(event, "Accept-Language", "en")
    (error,) = public(event).body["errors"]
    assert error["message"] == "Must not contain direction controls (characters that reorder text, such as U+202E)."
    invisible = public(public_create(unit="1\u200b01"))
    assert [(e["field"], e["code"]) for e in invisible.body["errors"]] == [("unit", "control_characters")]
    assert counter(table) is None
    # Arabic, Hebrew and emoji with joiners are text
    assert public(public_create(description="مرحبا שלום 👨\u200d👩\u200d👧 漏水")).status == 201


def test_list_sites_for_the_form_and_unknown_route(public: Api) -> None:
    event = load_event("public_track_ticket.json")
    event.update(resource="/public/sites", path="/public/sites", pathParameters=None)
    reply = public(event)
    assert reply.status == 200
    (site,) = reply.body
    assert site["site_id"] == "ql"
    assert [b["building_class"] for b in site["buildings"]] == ["A", "B", "C"]

    event.update(path="/public/nothing-here")
    missing = public(event)
    assert (missing.status, missing.body["code"]) == (404, "not_found")


def test_the_catalogue_serves_what_the_models_enforce(public: Api) -> None:
    event = load_event("public_track_ticket.json")
    event.update(resource="/public/catalogue", path="/public/catalogue", pathParameters=None)
    reply = public(event)
    assert reply.status == 200
    body = reply.body
    assert body["categories"] == {kind.value: list(names) for kind, names in CATEGORIES.items()}
    assert body["public_kinds"] == ["repair", "complaint", "inquiry"]
    assert body["intake_channels"] == ["phone", "walk_in", "letter"]
    assert body["limits"]["text"] == cmd.MAX_TEXT and body["limits"]["photos_per_ticket"] == 10
    rules = body["parcels"]
    assert (rules["name"], rules["short_text"], rules["id_tail_length"]) == (80, 40, 4)
    assert body["patterns"]["site_id"] == ids.SITE_ID and body["patterns"]["quarter"] == ids.QUARTER
    assert body["patterns"]["ticket_id"] == ids.HEX_ID and body["patterns"]["report_id"] == ids.REPORT_ID
    keys = body["keys"]["max_length"]  # by the forms' field paths, nested ones too; a pattern's longest
    shown = (keys["reason"], keys["outsider.name"], keys["after_hours.escort"], keys["seal_number"])
    assert shown == (500, 80, 128, 20)
    forms = body["forms"]  # each console form's limits, by the field's path; a list's rows as ``*``
    assert forms["corrective"]["max_length"]["owner"] == cmd.MAX_NAME
    assert forms["quote"]["max_length"]["lines.*.item"] == cmd.MAX_SHORT
    assert forms["quote"]["maximum"]["tax_cents"] == 100_000_000
    assert re.fullmatch(rules["tracking_no"], "A" * 40) and not re.fullmatch(rules["tracking_no"], "A" * 41)
    # the phone pattern the pages test is the one intake enforces: what it refuses, intake refuses
    phone = re.compile(body["patterns"]["phone"])
    for number in ("13800138000", "+86 138-0013-8000", "12", "phone"):
        accepted = public(public_create(contact_phone=number)).status == 201
        assert accepted == bool(phone.match(number)), number


def test_tracking_gives_the_site_time_zone_the_page_shows_times_in(public: Api, table: Table, site: Site) -> None:
    token = public(load_event("public_create_ticket.json")).body["tracking_token"]
    assert public(track(token)).body["timezone"] == "Asia/Shanghai"
    SiteStore(table).put(site.model_copy(update={"timezone": "Asia/Urumqi"}))
    assert public(track(token)).body["timezone"] == "Asia/Urumqi"


def test_the_pages_repeat_no_category_kind_or_pattern() -> None:
    """The lists and patterns come from GET /public/catalogue; a copy in a page would drift."""
    web = Path(__file__).resolve().parents[2] / "functions/public_api/web/assets"
    for script in web.glob("*.js"):
        text = script.read_text("utf-8")
        assert "plumbing" not in text and "staff_attitude" not in text, script.name
        assert '"walk_in"' not in text, script.name  # the desk's intake channels
        assert "[0-9 -]{5,19}" not in text and "Asia/Shanghai" not in text, script.name
        assert "[a-z0-9-]{1,40}" not in text and "Q[1-4]" not in text, script.name  # a site id, a quarter
        assert "[a-f0-9]{32}" not in text, script.name  # a ticket's id (the staff#ticket= links)
    form = (web.parent / "index.html").read_text("utf-8")
    assert re.findall(r'id="(\w+)"[^>]*maxlength', form) == [], "limits come from the catalogue"
    parcels = (web / "staff-parcels.js").read_text("utf-8")  # the register's limits (it had 80 and 40)
    assert re.findall(r"\bmax: \d", parcels) == [], "limits come from the catalogue"
    keys = (web / "staff-keys.js").read_text("utf-8")  # the deposits' inputs too: as wide as the largest amount
    assert re.findall(r'name: "([\w.]+)"[^\n]*\bmax: \d', keys) == []


# ------------------------------------------------------------------------------------------ tracking


def _create(public: Api, **changes: Any) -> str:
    reply = public(public_create(**changes))
    assert reply.status == 201, reply.raw
    token: str = reply.body["tracking_token"]
    return token


def test_tracking_shows_the_timeline_with_a_masked_phone_and_no_staff_names(
    public: Api, staff: Api, store: TicketStore
) -> None:
    token = _create(public)
    (ticket,) = store.by_day("ql", DAY)
    assert staff(staff_action(ticket.ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})).status == 200

    reply = public(track(token))

    assert reply.status == 200
    assert reply.body["number"] == "QL-1122-001"
    assert reply.body["status"] == "dispatched"
    assert reply.body["contact_phone"] == "138****8000"
    assert reply.body["arrival_due"] == "2026-11-22T02:05:00.000Z"
    assert [e["to_status"] for e in reply.body["timeline"]] == ["received", "dispatched"]
    assert [e["by"] for e in reply.body["timeline"]] == ["client", "staff"]
    assert reply.body["actions"] == []
    for secret in ("13800138000", "eng1", "op1", ticket.ticket_id, "zhangsan@example.com"):
        assert secret not in reply.raw


def test_tracking_with_a_wrong_or_malformed_token_is_refused(public: Api, subtests: pytest.Subtests) -> None:
    _create(public)
    reply = public(track("A" * 32))
    assert (reply.status, reply.body["code"]) == (404, "ticket_not_found")
    for token in ("short", "x" * 65, "bad token with spaces!!", "../../staff/tickets"):
        with subtests.test(token=token):
            assert 400 <= public(track(token)).status < 500


def test_acceptance_event_on_a_ticket_not_yet_completed_is_409(public: Api) -> None:
    token = _create(public)
    event = with_path(load_event("public_acceptance.json"), token=token)
    with_body(event, {"version": 1, "satisfied": True})
    set_header(event, "Accept-Language", "en")

    reply = public(event)

    assert reply.status == 409
    assert reply.body["code"] == "illegal_transition"
    assert reply.body["message"] == "Not possible while the ticket is “Received”."


def test_acceptance_by_token_after_completion(public: Api, staff: Api, store: TicketStore) -> None:
    token = _create(public)
    (ticket,) = store.by_day("ql", DAY)
    tid = ticket.ticket_id
    staff(staff_action(tid, "dispatch", {"version": 1, "assignee": "eng1"}))
    staff(staff_action(tid, "arrive", {"version": 2}, "eng1", "engineer"))
    staff(staff_action(tid, "complete", {"version": 3, "summary": "已更换下水管"}, "eng1", "engineer"))

    stale = public(client_post(token, "acceptance", {"version": 3, "satisfied": True}))
    assert (stale.status, stale.body["code"]) == (409, "version_conflict")

    event = with_path(load_event("public_acceptance.json"), token=token)
    reply = public(event)  # the sample: version 4, satisfied, rating 5

    assert reply.status == 200
    assert reply.body["status"] == "closed"
    assert reply.body["work_summary"] == "已更换下水管"
    assert reply.body["timeline"][-1]["detail"] == {"satisfied": "true", "rating": "5"}
    assert reply.body["actions"] == []
    assert len(store.timeline(tid)) == 5
