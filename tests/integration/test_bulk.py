"""Bulk actions through the staff function against moto (docs/decisions/0021): several tickets to
one engineer, each checked as one dispatch or reassign is; duplicates of one matter closed under a
primary, their clocks cancelled, the tenant told on the tracking page and by mail. One bad ticket
is reported alone and never holds back the others."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from frontdesk import wiring
from frontdesk.adapters.clocks import ClockStore
from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.models import commands as cmd
from frontdesk.models.clock import ClockKind, ClockState, SubjectType

from .conftest import (
    DM1,
    ENG1,
    Api,
    as_staff,
    load_event,
    set_header,
    staff_act,
    staff_open,
    staff_read,
    track,
    with_body,
    with_path,
)
from .lambda_support import OPERATOR, sent_mail
from .sla_support import TENANT_EMAIL, Harness, site_harness

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

OUTAGE = "整栋楼停电，电梯停运。"


def _post(path: str, body: Any, who: tuple[str, str] = ("op1", "operator"), language: str = "en") -> dict[str, Any]:
    event = load_event("staff_dispatch.json")
    event["resource"] = path
    event["path"] = path
    event["requestContext"]["resourcePath"] = path
    event["pathParameters"] = None
    with_body(event, body)
    set_header(event, "Accept-Language", language)
    return as_staff(event, *who)


def bulk_assign(body: Any, who: tuple[str, str] = ("op1", "operator"), language: str = "en") -> dict[str, Any]:
    return _post("/staff/tickets/bulk-assign", body, who, language)


def duplicates(
    primary: str, body: Any, who: tuple[str, str] = ("op1", "operator"), language: str = "en"
) -> dict[str, Any]:
    event = load_event("staff_dispatch.json")
    with_path(event, ticket_id=primary, action="duplicates")
    with_body(event, body)
    set_header(event, "Accept-Language", language)
    return as_staff(event, *who)


def _ref(ticket_id: str, version: int) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "version": version}


def _read(staff: Api, ticket_id: str) -> dict[str, Any]:
    reply = staff(staff_read(ticket_id))
    assert reply.status == 200, reply.raw
    return reply.body  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------ assign


def test_several_tickets_go_to_one_engineer_each_checked_alone(staff: Api, store: TicketStore) -> None:
    """Two waiting repairs are dispatched, one in hand reassigned with the reason, and three bad ones
    are each refused with their own field message: a stale version, a closed ticket, a complaint."""
    waiting = [staff_open(staff)[0] for _ in range(2)]
    in_hand = staff_open(staff)[0]
    staff_act(staff, in_hand, "dispatch", {"version": 1, "assignee": "eng2"})
    stale = staff_open(staff)[0]
    staff_act(staff, stale, "note", {"version": 1, "text": "客户改约"})
    closed = staff_open(staff)[0]
    staff_act(staff, closed, "cancel", {"version": 1, "reason": "客户撤回"}, DM1)
    complaint = staff_open(staff, kind="complaint", category="staff_attitude")[0]
    refs = [
        _ref(waiting[0], 1),
        _ref(stale, 1),
        _ref(in_hand, 2),
        _ref(closed, 2),
        _ref(complaint, 1),
        _ref(waiting[1], 1),
    ]

    reply = staff(bulk_assign({"tickets": refs, "assignee": "ENG1", "reason": "eng2 请假"}))

    assert reply.status == 200, reply.raw
    outcomes = {o["ticket_id"]: o for o in reply.body["outcomes"]}
    assert [o["ticket_id"] for o in reply.body["outcomes"]] == [r["ticket_id"] for r in refs]  # in the order named
    assert (reply.body["done"], reply.body["refused"]) == (3, 3)
    for ticket_id, action in ((waiting[0], "dispatch"), (waiting[1], "dispatch"), (in_hand, "reassign")):
        done = outcomes[ticket_id]
        assert (done["ok"], done["action"], done["ticket"]["assignment"]["assignee"]) == (True, action, "eng1")
        assert store.get(ticket_id).assignment.assignee == "eng1"  # type: ignore[union-attr]
    assert [(outcomes[t]["status"], outcomes[t]["code"], outcomes[t]["field"]) for t in (stale, closed, complaint)] == [
        (409, "version_conflict", "version"),
        (409, "illegal_transition", "action"),
        (409, "illegal_transition", "action"),
    ]
    assert all(outcomes[t]["message"] and outcomes[t]["ticket"] is None for t in (stale, closed, complaint))
    handover = _read(staff, in_hand)["timeline"][-1]
    assert (handover["action"], handover["detail"]["handover_reason"]) == ("reassign", "eng2 请假")
    assert store.get(stale).status.value == "received"  # type: ignore[union-attr]


def test_work_in_hand_needs_a_reason_and_an_unknown_engineer_is_refused_per_ticket(staff: Api) -> None:
    waiting = staff_open(staff)[0]
    in_hand = staff_open(staff)[0]
    staff_act(staff, in_hand, "dispatch", {"version": 1, "assignee": "eng2"})
    body = {"tickets": [_ref(waiting, 1), _ref(in_hand, 2)], "assignee": "eng1"}

    english = staff(bulk_assign(body)).body["outcomes"]
    chinese = staff(bulk_assign(body, language="zh-CN")).body["outcomes"]

    assert english[0]["ok"] and not english[1]["ok"]
    assert (english[1]["code"], english[1]["field"]) == ("handover_reason_required", "reason")
    assert english[1]["message"].startswith("Ticket QL-") and "reason" in english[1]["message"]
    assert chinese[1]["message"].endswith("改派须填写原因。")
    nobody = staff(bulk_assign({"tickets": [_ref(staff_open(staff)[0], 1)], "assignee": "ENGINEER"})).body
    assert (nobody["outcomes"][0]["code"], nobody["outcomes"][0]["field"]) == ("unknown_engineer", "assignee")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tickets": [], "assignee": "eng1"}, "tickets"),
        ({"tickets": [{"ticket_id": "a" * 32, "version": 1}] * 2, "assignee": "eng1"}, "tickets"),
        ({"tickets": [{"ticket_id": "x", "version": 1}], "assignee": "eng1"}, "tickets.0.ticket_id"),
        ({"tickets": [{"ticket_id": "a" * 32, "version": 1}], "assignee": ""}, "assignee"),
    ],
)
def test_a_bad_request_is_a_field_error_not_a_500(staff: Api, site: Any, body: dict[str, Any], field: str) -> None:
    reply = staff(bulk_assign(body, language="zh-CN"))
    assert (reply.status, reply.body["code"], reply.body["field"]) == (400, "validation_failed", field), reply.raw
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reply.body["errors"][0]["message"])


def test_an_engineer_cannot_assign_in_bulk(staff: Api, site: Any) -> None:
    reply = staff(bulk_assign({"tickets": [_ref("a" * 32, 1)], "assignee": "eng1"}, ENG1))
    assert (reply.status, reply.body["code"]) == (403, "forbidden")


# ------------------------------------------------------------------------------------------ duplicates


def test_duplicates_of_one_outage_are_closed_under_the_primary(
    staff: Api, public: Api, table: Table, store: TicketStore
) -> None:
    (primary, _), (second, token), (third, _) = (staff_open(staff, description=OUTAGE) for _ in range(3))
    staff_act(staff, second, "dispatch", {"version": 1, "assignee": "eng1"})  # its arrival clock runs
    clocks = ClockStore(table)

    reply = staff(duplicates(primary, {"duplicates": [_ref(second, 2), _ref(third, 1)], "note": "同一次停电"}))

    assert reply.status == 200, reply.raw
    assert (reply.body["done"], reply.body["refused"]) == (2, 0)
    numbers = {t: store.get(t).number for t in (primary, second, third)}  # type: ignore[union-attr]
    assert [d["number"] for d in reply.body["primary"]["duplicates"]] == [numbers[second], numbers[third]]
    for duplicate in (second, third):
        ticket = _read(staff, duplicate)
        assert (ticket["ticket"]["status"], ticket["ticket"]["resolution"]) == ("closed", "duplicate")
        assert ticket["ticket"]["duplicate_of"] == {"ticket_id": primary, "number": numbers[primary]}
        event = ticket["timeline"][-1]
        assert (event["action"], event["detail"]["duplicate_of"], event["detail"]["note"]) == (
            "duplicate",
            numbers[primary],
            "同一次停电",
        )
        assert ticket["actions"] == []
    assert {k: c.state for k, c in clocks.of_subject(SubjectType.TICKET, second).items()} == {
        ClockKind.ARRIVAL: ClockState.CANCELLED,
        ClockKind.COMPLETION: ClockState.CANCELLED,
    }
    linked = [e for e in _read(staff, primary)["timeline"] if e["action"] == "duplicate_linked"]
    assert [e["detail"]["duplicate"] for e in linked] == [numbers[second], numbers[third]]
    assert _read(staff, primary)["ticket"]["status"] == "received"  # the primary goes on

    # The tenant of a duplicate reads the primary's number; the primary's tenant sees no other tenant's.
    seen = public(track(token)).body
    assert (seen["status"], seen["resolution"], seen["duplicate_of"]) == ("closed", "duplicate", numbers[primary])
    assert seen["timeline"][-1]["detail"] == {"duplicate_of": numbers[primary]}


def test_a_bad_duplicate_is_refused_alone_and_a_bad_primary_refuses_all(staff: Api, store: TicketStore) -> None:
    primary, other, closed, fine = (staff_open(staff)[0] for _ in range(4))
    staff_act(staff, closed, "cancel", {"version": 1, "reason": "客户撤回"}, DM1)
    unknown = "e" * 32
    body = {"duplicates": [_ref(primary, 1), _ref(other, 9), _ref(closed, 2), _ref(unknown, 1), _ref(fine, 1)]}

    reply = staff(duplicates(primary, body))

    assert reply.status == 200, reply.raw
    assert [(o["ok"], o["code"]) for o in reply.body["outcomes"]] == [
        (False, "duplicate_of_itself"),
        (False, "version_conflict"),
        (False, "duplicate_closed"),
        (False, "ticket_not_found"),
        (True, None),
    ]
    assert reply.body["outcomes"][3]["field"] == "ticket_id"
    assert store.get(other).status.value == "received"  # type: ignore[union-attr]
    # a duplicate cannot be the primary of others, nor can a cancelled ticket
    for bad in (fine, closed):
        refused = staff(duplicates(bad, {"duplicates": [_ref(other, 1)]}))
        assert (refused.status, refused.body["code"], refused.body["field"]) == (
            409,
            "duplicate_primary_invalid",
            "primary",
        )
    assert store.get(other).status.value == "received"  # type: ignore[union-attr]
    engineer = staff(duplicates(primary, {"duplicates": [_ref(other, 1)]}, ENG1))
    assert (engineer.status, engineer.body["code"]) == (403, "forbidden")
    missing = staff(duplicates("f" * 32, {"duplicates": [_ref(other, 1)]}))
    assert missing.status == 404


# ------------------------------------------------------------------------------------------ the tenant's mail


h = site_harness


def test_a_duplicates_tenant_with_an_address_is_mailed_the_primarys_number_once(h: Harness) -> None:
    primary = h.open()
    duplicate = h.open()
    quiet = h.open(email="")
    h.settle()  # the acknowledgements go out first
    before = len(sent_mail())
    command = cmd.MarkDuplicates(
        duplicates=[cmd.TicketRef(ticket_id=t.ticket_id, version=t.version) for t in (duplicate, quiet)]
    )
    _, outcomes = wiring.bulk_desk().mark_duplicates(primary.ticket_id, command, OPERATOR)
    assert [o.refused for o in outcomes] == [None, None]
    h.settle()

    mails = sent_mail()[before:]
    assert [m.to for m in mails] == [[TENANT_EMAIL]]
    assert mails[0].subject == f"您的报事 {duplicate.number} 已并入 {primary.number} 处理"
    assert "/track#" in mails[0].body
    assert wiring.ticket_escalations().mail_duplicate(duplicate.ticket_id, 2) == "skipped"
    assert h.stream.failures == []
