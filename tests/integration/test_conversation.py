"""Notes, replies and the tenant's answers through both APIs against moto; the reply mailed by the
stream router; a site's canned replies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from boto3.dynamodb.conditions import Key

from frontdesk import wiring
from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.app.tokens import token_hash
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Actor, ActorKind, Kind, Role

from .conftest import (
    ENG1,
    MGR1,
    Api,
    Reply,
    client_post,
    staff_act,
    staff_action,
    staff_open,
    staff_read,
    track,
)
from .lambda_support import OPERATOR, sent_mail
from .sla_support import TENANT_EMAIL, Harness, site_harness
from .staff_routes import site_route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

NOTE = "客户说晚上七点后才在家，勿早到。"
REPLY = "您好，师傅今天下午三点上门，请留人在家。"


def _said(
    staff: Api, ticket_id: str, action: str, text: str, version: int, who: tuple[str, str] = ("op1", "operator")
) -> Reply:
    return staff(staff_action(ticket_id, action, {"version": version, "text": text}, *who))


def _items(table: Table, ticket_id: str) -> list[dict[str, Any]]:
    return table.query(KeyConditionExpression=Key("PK").eq(f"TICKET#{ticket_id}"), ConsistentRead=True)["Items"]


def test_a_note_stays_inside_a_reply_reaches_the_tenant(staff: Api, public: Api, store: TicketStore) -> None:
    ticket_id, token = staff_open(staff)
    before = store.get(ticket_id)
    assert before is not None

    noted = _said(staff, ticket_id, "note", NOTE, 1, ENG1)  # an engineer may note
    assert noted.status == 200, noted.raw
    assert noted.body["conversation"] == ["note"] and noted.body["ticket"]["version"] == 2
    replied = _said(staff, ticket_id, "message", REPLY, 2)
    assert replied.status == 200, replied.raw
    assert replied.body["conversation"] == ["note", "message"]
    assert [e["action"] for e in replied.body["timeline"]] == ["create", "note", "message"]

    after = store.get(ticket_id)
    assert after is not None and after.version == 3
    assert after.notes == 2  # what the staff wrote: a search checks their words on this ticket (ADR 0021)
    assert after.model_dump(exclude={"version", "notes"}) == before.model_dump(exclude={"version", "notes"})

    seen = public(track(token))
    assert seen.status == 200
    assert [(e["action"], e["by"], e["detail"]) for e in seen.body["timeline"]] == [
        ("create", "staff", {}),
        ("message", "staff", {"text": REPLY}),
    ]
    assert NOTE not in seen.raw and seen.body["conversation"] == ["answer"]


def test_the_tenants_answer_reaches_the_staff_read(staff: Api, public: Api) -> None:
    ticket_id, token = staff_open(staff)
    answered = public(client_post(token, "answer", {"version": 1, "text": "  好的，下午我在家。  "}))
    assert answered.status == 200, answered.raw
    assert answered.body["timeline"][-1] == {
        **answered.body["timeline"][-1],
        "action": "answer",
        "by": "client",
        "detail": {"text": "好的，下午我在家。"},
    }
    read = staff(staff_read(ticket_id, "eng1", "engineer"))
    (last,) = read.body["timeline"][-1:]
    assert (last["action"], last["actor"]["kind"], last["detail"]["text"]) == ("answer", "client", "好的，下午我在家。")
    assert read.body["ticket"]["status"] == "received"


def test_who_may_write_what(staff: Api, public: Api, store: TicketStore, subtests: pytest.Subtests) -> None:
    ticket_id, token = staff_open(staff)
    with subtests.test("an engineer does not speak for the centre"):
        refused = _said(staff, ticket_id, "message", REPLY, 1, ENG1)
        assert (refused.status, refused.body["code"]) == (403, "forbidden")
    with subtests.test("no role, no note"):
        refused = _said(staff, ticket_id, "note", NOTE, 1, ("guest", "[guests]"))
        assert (refused.status, refused.body["code"]) == (403, "forbidden")
    with subtests.test("each desk role replies"):
        for version, who in enumerate((("op1", "operator"), ("dm1", "duty_manager"), MGR1), start=1):
            assert _said(staff, ticket_id, "message", REPLY, version, who).status == 200
    with subtests.test("a closed ticket takes no answer from the tenant, but a note from staff"):
        staff_act(staff, ticket_id, "cancel", {"version": 4, "reason": "重复报修"}, ("dm1", "duty_manager"))
        status, code, message = public.refusal_in_english(
            client_post(token, "answer", {"version": 5, "text": "还没修好"})
        )
        assert (status, code) == (409, "answer_closed") and "closed" in message
        assert _said(staff, ticket_id, "note", "已致电说明", 5).status == 200
    ticket = store.get(ticket_id)
    assert ticket is not None and ticket.version == 6


def test_a_stale_version_is_409_and_writes_nothing(staff: Api, public: Api, store: TicketStore) -> None:
    ticket_id, token = staff_open(staff)
    assert _said(staff, ticket_id, "note", NOTE, 1).status == 200
    stale = _said(staff, ticket_id, "message", REPLY, 1)
    assert (stale.status, stale.body["code"], stale.body["field"]) == (409, "version_conflict", "version")
    stale = public(client_post(token, "answer", {"version": 1, "text": "好的"}))
    assert (stale.status, stale.body["code"]) == (409, "version_conflict")
    assert [e.action for e in store.timeline(ticket_id)] == ["create", "note"]


def test_bad_input_is_a_field_error_in_the_callers_language_and_writes_nothing(
    staff: Api, public: Api, table: Table, subtests: pytest.Subtests
) -> None:
    ticket_id, token = staff_open(staff)
    before = _items(table, ticket_id)
    bodies: dict[str, Any] = {
        "empty": {"version": 1, "text": "   "},
        "too long": {"version": 1, "text": "长" * 2001},
        "control characters": {"version": 1, "text": "hi\x1b[2J"},
        "no text": {"version": 1},
        "unknown field": {"version": 1, "text": "hi", "status": "closed"},
    }
    for name, body in bodies.items():
        with subtests.test(name):
            for event, api in (
                (staff_action(ticket_id, "note", body), staff),
                (client_post(token, "answer", body), public),
            ):
                status, code, message = api.refusal_in_english(event)
                assert status == 400, (name, status, code)
                assert message.isascii()
                zh = api.in_language(event, "zh-CN")
                assert zh.body["errors"][0]["field"] in ("text", "status"), zh.raw
                assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.body["errors"][0]["message"]), zh.raw
    assert _items(table, ticket_id) == before


# ------------------------------------------------------------------------------------------ the reply by mail


h = site_harness


def _replies() -> list[Any]:
    return [m for m in sent_mail() if m.subject.startswith(("关于您的请求", "A reply about"))]


def test_a_reply_is_mailed_once_with_a_link_the_tenant_can_answer_from(h: Harness) -> None:
    opened = h.desk.open(h.request(), OPERATOR)
    ticket_id = opened.ticket.ticket_id
    h.desk.say(ticket_id, "note", cmd.Said(version=1, text=NOTE), OPERATOR)
    h.desk.say(ticket_id, "message", cmd.Said(version=2, text=REPLY), OPERATOR)
    h.settle()

    (mail,) = _replies()
    assert mail.to == [TENANT_EMAIL]
    assert mail.subject == f"关于您的请求 {opened.ticket.number} 的回复"
    assert REPLY in mail.body and NOTE not in mail.body
    link = next(line for line in mail.body.splitlines() if "/track#" in line)
    token = link.rsplit("#", 1)[1]
    assert h.tickets.ticket_id_for(token_hash(token)) == ticket_id
    # sent once: the notice is forgotten, and a redelivery is skipped
    assert not [i for i in _items(h.table, ticket_id) if str(i["SK"]).startswith("NOTICE#")]
    assert wiring.ticket_escalations().mail_reply(ticket_id, 3) == "skipped"
    h.stream.pump()
    assert len(_replies()) == 1 and h.stream.failures == []


def test_no_address_no_mail_and_a_refused_address_is_on_the_timeline(h: Harness) -> None:
    quiet = h.open(email="")
    h.desk.say(quiet.ticket_id, "message", cmd.Said(version=1, text=REPLY), OPERATOR)
    opened = h.desk.open(h.request(kind=Kind.INQUIRY, language="en"), OPERATOR)
    ticket_id = opened.ticket.ticket_id
    h.settle()  # the acknowledgement goes out first
    h.table.update_item(
        Key={"PK": f"TICKET#{ticket_id}", "SK": "TICKET"},
        UpdateExpression="SET contact.email = :bad",
        ExpressionAttributeValues={":bad": "tenant,typo@example.com"},
    )
    desk = Actor(kind=ActorKind.STAFF, id="dm1", roles=frozenset({Role.DUTY_MANAGER}))
    h.desk.say(ticket_id, "message", cmd.Said(version=1, text="We will call you today."), desk)
    h.settle()
    assert _replies() == [] and h.stream.failures == []
    (failed,) = [e for e in h.tickets.timeline(ticket_id) if e.action == "notify_failed"]
    assert failed.detail["notice"] == "message"


# ------------------------------------------------------------------------------------------ canned replies


def _canned(method: str, who: tuple[str, str], body: Any = None, site_id: str = "ql") -> dict[str, Any]:
    return site_route(method, "/staff/sites/{site_id}/canned-replies", who, body, site_id)


REPLIES = [
    {
        "title_zh": "已派工",
        "title_en": "Dispatched",
        "text_zh": "师傅已在路上。",
        "text_en": "The engineer is on the way.",
    }
]


def test_canned_replies_per_site_edited_by_managers(staff: Api, subtests: pytest.Subtests) -> None:
    empty = staff(_canned("GET", ("op1", "operator")))
    assert (empty.status, empty.body) == (200, {"site_id": "ql", "version": 0, "replies": []})
    with subtests.test("only managers edit"):
        for who in (("op1", "operator"), ("dm1", "duty_manager"), ENG1):
            refused = staff(_canned("PUT", who, {"version": 0, "replies": REPLIES}))
            assert (refused.status, refused.body["code"]) == (403, "forbidden")
    saved = staff(_canned("PUT", MGR1, {"version": 0, "replies": REPLIES}))
    assert (saved.status, saved.body["version"], saved.body["replies"]) == (200, 1, REPLIES)
    assert staff(_canned("GET", ("dm1", "duty_manager"))).body == saved.body
    with subtests.test("engineers do not reply, so they do not read them"):
        assert staff(_canned("GET", ENG1)).status == 403
    with subtests.test("a stale list is refused"):
        stale = staff(_canned("PUT", MGR1, {"version": 0, "replies": []}))
        assert (stale.status, stale.body["code"]) == (409, "canned_replies_conflict")
    with subtests.test("both languages are required, and the list is bounded"):
        half = staff(_canned("PUT", MGR1, {"version": 1, "replies": [{**REPLIES[0], "text_en": ""}]}))
        assert (half.status, half.body["errors"][0]["field"]) == (400, "replies.0.text_en"), half.raw
        many = staff(_canned("PUT", MGR1, {"version": 1, "replies": REPLIES * 31}))
        assert many.status == 400
    with subtests.test("an unknown site"):
        assert staff(_canned("GET", MGR1, site_id="nowhere")).status == 404
    assert staff(_canned("GET", MGR1)).body["version"] == 1
    assert json.dumps(REPLIES, ensure_ascii=False) in json.dumps(saved.body["replies"], ensure_ascii=False)
