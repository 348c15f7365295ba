"""The staff function (Cognito claims → roles) driven by events/staff_*.json against moto."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.clock import FixedClock
from frontdesk.domain import lifecycle
from frontdesk.domain.errors import VersionConflict
from frontdesk.models import commands as cmd
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, ActorKind, Role

from .conftest import (
    DAY,
    ENG1,
    ENG2,
    START,
    Api,
    as_staff,
    client_post,
    counter,
    load_event,
    set_header,
    staff_act,
    staff_action,
    staff_create,
    staff_open,
    staff_queue,
    staff_read,
    track,
    with_body,
    with_path,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def test_phone_intake_by_the_operator(staff: Api, store: TicketStore) -> None:
    reply = staff(load_event("staff_create_ticket.json"))

    assert reply.status == 201
    assert reply.body["number"] == "QL-1122-001"
    ticket = store.get(reply.body["ticket_id"])
    assert ticket is not None
    assert (ticket.channel.value, ticket.received_by, ticket.building_id, ticket.unit) == (
        "phone",
        "op1",
        "expert",
        "1-101",
    )
    assert store.timeline(ticket.ticket_id)[0].actor == Actor(
        kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR})
    )


def test_staff_intake_replay_with_the_same_key_is_one_ticket(staff: Api, store: TicketStore, table: Table) -> None:
    event = load_event("staff_create_ticket.json")  # carries Idempotency-Key
    first, again = staff(event), staff(event)
    assert again.status == 201
    kept = ("ticket_id", "number", "status")
    assert [again.body[k] for k in kept] == [first.body[k] for k in kept]
    assert again.body["tracking_token"] != first.body["tracking_token"]  # a replay gets a token of its own
    assert [t.number for t in store.by_day("ql", DAY)] == ["QL-1122-001"]
    assert counter(table) == 1


def test_engineer_may_not_take_intake_and_nothing_is_written(staff: Api, table: Table) -> None:
    for _ in range(2):  # the refusal under an Idempotency-Key is not remembered as "in progress"
        reply = staff(staff_create("eng1", "engineer", key="eng-try-1"))
        assert (reply.status, reply.body["code"]) == (403, "forbidden")
    assert counter(table) is None


def test_missing_claims_are_401(staff: Api, table: Table, subtests: pytest.Subtests) -> None:
    ticket_id, _ = staff_open(staff)
    events = {
        "create": staff_create(),
        "queue": staff_queue(),
        "read": staff_read(ticket_id),
        "dispatch": staff_action(ticket_id, "dispatch", {"version": 1, "assignee": "eng1"}),
    }
    for name, event in events.items():
        with subtests.test(route=name):
            as_staff(event, None)
            assert staff.refusal_in_english(event) == (401, "unauthorized", "Please sign in first.")
    assert counter(table) == 1


def test_groups_claim_in_either_rest_api_form(staff: Api, subtests: pytest.Subtests) -> None:
    for groups in ("[engineer operator]", "engineer,operator", "operator"):
        with subtests.test(groups=groups):
            assert staff(staff_create("op9", groups)).status == 201
    reply = staff(staff_create("op9", "[guests]"))
    assert (reply.status, reply.body["code"]) == (403, "forbidden")


def test_a_group_name_is_matched_whole_never_in_pieces(staff: Api, subtests: pytest.Subtests) -> None:
    """Cognito group names may hold punctuation ("[", "]", ","), never spaces: one name is one group."""
    for groups in ("x operator", "operator x", " operator", "[operator]", "[operator", "operator]", "x, operator"):
        with subtests.test(groups=groups):
            reply = staff(staff_create("op9", groups))
            assert (reply.status, reply.body["code"], reply.body["field"]) == (403, "forbidden", "action"), reply.raw


def test_repair_walk_through_the_roles(staff: Api, public: Api, store: TicketStore, clock: FixedClock) -> None:
    # The operator takes the call (expert apartment: class C, 15 minutes) and dispatches eng1.
    ticket_id, token = staff_open(staff, kind="repair", category="plumbing")
    dispatch = with_path(load_event("staff_dispatch.json"), ticket_id=ticket_id)
    reply = staff(dispatch)
    assert reply.status == 200, reply.raw
    assert reply.body["ticket"]["arrival_due"] == "2026-11-22T02:15:00.000Z"
    assert reply.body["actions"] == ["redispatch", "reassign", "reschedule"]

    # eng1 checks in 12 minutes later, on time, and quotes a part the property does not supply.
    clock.advance(minutes=12)
    reply = staff(with_path(load_event("staff_arrive.json"), ticket_id=ticket_id))
    assert reply.status == 200, reply.raw
    assert reply.body["ticket"]["arrived_on_time"] is True
    assert set(reply.body["actions"]) == {"quote", "unfinished", "complete"}
    quote = {"version": 3, "lines": [{"item": "恒温阀芯", "amount_cents": 6800}], "tax_cents": 884, "labour_cents": 0}
    assert staff_act(staff, ticket_id, "quote", quote, ENG1)["ticket"]["quote"]["total_cents"] == 7684

    # The client confirms the price on the tracking page; then the work is done.
    seen = public(track(token))
    assert seen.body["actions"] == ["quote_decision"] and seen.body["quote"]["total_cents"] == 7684
    confirmed = public(client_post(token, "quote-decision", {"version": 4, "confirm": True}))
    assert (confirmed.status, confirmed.body["status"]) == (200, "in_progress")
    clock.advance(minutes=30)
    staff_act(staff, ticket_id, "complete", {"version": 5, "summary": "更换阀芯"}, ENG1)

    # Not satisfied: the ticket reopens and is dispatched again.
    reopened = public(
        client_post(token, "acceptance", {"version": 6, "satisfied": False, "rating": 2, "comment": "仍滴水"})
    )
    assert (reopened.status, reopened.body["status"]) == (200, "reopened")
    clock.advance(minutes=1)
    again = staff_act(staff, ticket_id, "dispatch", {"version": 7, "assignee": "eng1"})
    assert again["ticket"]["arrival_due"] == "2026-11-22T02:58:00.000Z"  # 02:43 + 15 min
    assert again["ticket"]["arrived_at"] is None
    staff_act(staff, ticket_id, "arrive", {"version": 8}, ENG1)
    staff_act(staff, ticket_id, "complete", {"version": 9, "summary": "重新密封"}, ENG1)
    closed = public(client_post(token, "acceptance", {"version": 10, "satisfied": True, "rating": 5}))
    assert (closed.status, closed.body["status"]) == (200, "closed")

    timeline = store.timeline(ticket_id)
    assert [(e.seq, e.action, e.actor.id) for e in timeline] == [
        (1, "create", "op1"),
        (2, "dispatch", "op1"),
        (3, "arrive", "eng1"),
        (4, "quote", "eng1"),
        (5, "quote_decision", "client"),
        (6, "complete", "eng1"),
        (7, "accept", "client"),
        (8, "dispatch", "op1"),
        (9, "arrive", "eng1"),
        (10, "complete", "eng1"),
        (11, "accept", "client"),
    ]
    assert [e.to_status.value for e in timeline][-5:] == ["reopened", "dispatched", "arrived", "completed", "closed"]
    assert store.open_by_deadline("ql") == []


def test_complaint_walk(staff: Api, public: Api, store: TicketStore) -> None:
    ticket_id, token = staff_open(
        staff, kind="complaint", category="staff_attitude", channel="walk_in", severity="serious"
    )
    created = store.get(ticket_id)
    assert created is not None and created.reply_due == "2026-11-22T16:00:00.000Z"

    early = staff(staff_action(ticket_id, "reply", {"version": 1, "reply": "x", "method": "phone"}))
    assert (early.status, early.body["code"]) == (409, "handle_first")

    handled = staff_act(
        staff, ticket_id, "handle", {"version": 1, "department": "security", "action_taken": "约谈当班保安"}
    )
    assert handled["actions"] == ["reply", "agree_reply", "repairs"]
    staff_act(staff, ticket_id, "reply", {"version": 2, "reply": "已致歉,保安已调岗", "method": "phone"})
    closed = staff_act(staff, ticket_id, "close", {"version": 3, "note": ""})
    assert closed["ticket"]["status"] == "closed" and closed["ticket"]["resolution"] == "replied"

    seen = public(track(token))
    assert [e["to_status"] for e in seen.body["timeline"]] == ["received", "handled", "replied", "closed"]
    assert seen.body["timeline"][2]["detail"] == {"reply": "已致歉,保安已调岗"}


def test_refused_role_is_403(staff: Api, store: TicketStore, subtests: pytest.Subtests) -> None:
    ticket_id, _ = staff_open(staff)
    cases: list[tuple[str, str, dict[str, Any], tuple[str, str]]] = [
        ("engineer dispatches", "dispatch", {"version": 1, "assignee": "eng1"}, ENG1),
        ("engineer declines", "decline", {"version": 1, "reason": "不修"}, ENG1),
        ("manager without a group", "dispatch", {"version": 1, "assignee": "eng1"}, ("mgr", "")),
    ]
    for name, action, body, who in cases:
        with subtests.test(case=name):
            reply = staff(staff_action(ticket_id, action, body, *who))
            assert (reply.status, reply.body["code"], reply.body["field"]) == (403, "forbidden", "action")
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    cases = [
        ("operator arrives", "arrive", {"version": 2}, ("op1", "operator")),
        ("eng2 arrives for eng1", "arrive", {"version": 2}, ENG2),
    ]
    for name, action, body, who in cases:
        with subtests.test(case=name):
            reply = staff(staff_action(ticket_id, action, body, *who))
            assert (reply.status, reply.body["code"]) == (403, "forbidden")
    assert len(store.timeline(ticket_id)) == 2


def test_illegal_transition_is_409(staff: Api, store: TicketStore) -> None:
    ticket_id, _ = staff_open(staff)
    event = staff_action(ticket_id, "close", {"version": 1, "note": "x"})
    set_header(event, "Accept-Language", "en")
    reply = staff(event)
    assert reply.status == 409
    assert reply.body["code"] == "illegal_transition"
    assert reply.body["message"] == "Not possible while the ticket is “Received”."
    assert len(store.timeline(ticket_id)) == 1


def test_stale_version_is_409_and_nothing_is_written(staff: Api, store: TicketStore) -> None:
    ticket_id, _ = staff_open(staff)
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    before = store.get(ticket_id)

    reply = staff(staff_action(ticket_id, "dispatch", {"version": 1, "assignee": "eng2"}))

    assert (reply.status, reply.body["code"], reply.body["field"]) == (409, "version_conflict", "version")
    assert reply.body["message"] == "该工单已被他人更新，请刷新后重试。"
    assert store.get(ticket_id) == before
    assert len(store.timeline(ticket_id)) == 2


def test_lost_race_in_storage_writes_neither_ticket_nor_event(staff: Api, store: TicketStore, site: Site) -> None:
    """Two writers read version 1; the second transaction is cancelled as a whole."""
    ticket_id, _ = staff_open(staff)
    read = store.get(ticket_id)
    assert read is not None
    operator = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))
    now = START + timedelta(minutes=1)
    first = lifecycle.apply(read, "dispatch", cmd.Dispatch(version=1, assignee="eng1"), operator, site, now)
    second = lifecycle.apply(read, "decline", cmd.Decline(version=1, reason="重复报修"), operator, site, now)
    store.save(first, expected_version=1)
    with pytest.raises(VersionConflict) as refused:
        store.save(second, expected_version=1)
    assert store.get(ticket_id) == first.ticket
    assert [e.action for e in store.timeline(ticket_id)] == ["create", "dispatch"]
    assert refused.value.status == 409


def test_lost_race_conflict_does_not_name_the_stale_version_as_current(
    staff: Api, store: TicketStore, site: Site
) -> None:
    """The message reads "someone else updated this ticket (now version {expected})"."""
    ticket_id, _ = staff_open(staff)
    read = store.get(ticket_id)
    assert read is not None
    operator = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))
    now = START + timedelta(minutes=1)
    store.save(lifecycle.apply(read, "dispatch", cmd.Dispatch(version=1, assignee="eng1"), operator, site, now), 1)
    late = lifecycle.apply(read, "decline", cmd.Decline(version=1, reason="重复报修"), operator, site, now)
    with pytest.raises(VersionConflict) as refused:
        store.save(late, expected_version=1)
    assert refused.value.params.get("expected") in (None, 2)


def test_read_a_ticket_with_the_actions_open_to_the_caller(staff: Api, subtests: pytest.Subtests) -> None:
    ticket_id, _ = staff_open(staff)
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    expected = {
        ("op1", "operator"): ["reschedule", "reassign", "redispatch"],
        ("dm1", "duty_manager"): ["reschedule", "reassign", "redispatch", "cancel"],
        ENG1: ["reschedule", "arrive"],
        ENG2: [],
    }
    for who, actions in expected.items():
        with subtests.test(caller=who[0]):
            reply = staff(staff_read(ticket_id, *who))
            assert reply.status == 200
            assert sorted(reply.body["actions"]) == sorted(actions)
            assert len(reply.body["timeline"]) == 2
    assert staff(staff_read("f" * 32)).body["code"] == "ticket_not_found"
    assert staff(staff_read("NOT-AN-ID")).status == 400


def test_reschedule_before_the_deadline_only(staff: Api, clock: FixedClock) -> None:
    ticket_id, _ = staff_open(staff, building_id="dorm", unit="", location="3号楼二层盥洗室")
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})  # class B: due 02:10
    clock.advance(minutes=6)
    body = {
        "version": 2,
        "new_arrival": "2026-11-22T10:45:00+08:00",
        "agreed_with": "王同学",
        "contact_method": "phone",
        "note": "学生在上课",
    }
    moved = staff_act(staff, ticket_id, "reschedule", body, ENG1)
    assert moved["ticket"]["arrival_due"] == "2026-11-22T02:45:00.000Z"
    assert moved["timeline"][-1]["detail"]["agreed_with"] == "王同学"

    not_later = staff(staff_action(ticket_id, "reschedule", {**body, "version": 3}, *ENG1))
    assert (not_later.status, not_later.body["code"]) == (400, "reschedule_not_later")
    clock.advance(minutes=40)
    late = staff(
        staff_action(ticket_id, "reschedule", {**body, "version": 3, "new_arrival": "2026-11-22T12:00:00+08:00"}, *ENG1)
    )
    assert (late.status, late.body["code"]) == (409, "reschedule_after_deadline")
    naive = staff(
        staff_action(ticket_id, "reschedule", {**body, "version": 3, "new_arrival": "2026-11-22T12:00:00"}, *ENG1)
    )
    assert naive.status == 400
    assert naive.body["errors"][0] == {
        "field": "new_arrival",
        "code": "timezone_required",
        "message": "时间须带时区（例如 +08:00）。",
    }


def test_queue_orders_by_deadline_and_drops_closed_tickets(staff: Api, clock: FixedClock) -> None:
    class_c, _ = staff_open(staff, building_id="expert", unit="1-102")
    class_a, _ = staff_open(staff, building_id="admin", unit="102")
    waiting, _ = staff_open(staff, building_id="dorm", unit="", location="5号楼门厅")
    declined, _ = staff_open(staff, building_id="dorm", unit="", location="5号楼门厅")
    clock.advance(minutes=2)
    for ticket_id in (class_c, class_a):
        staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    staff_act(staff, declined, "decline", {"version": 1, "reason": "重复报修"})

    reply = staff(load_event("staff_list_queue.json"))
    assert reply.status == 200
    assert [t["ticket_id"] for t in reply.body["tickets"]] == [waiting, class_a, class_c]
    assert [t["arrival_due"] for t in reply.body["tickets"]][1:] == [
        "2026-11-22T02:07:00.000Z",
        "2026-11-22T02:17:00.000Z",
    ]

    staff_act(staff, class_a, "arrive", {"version": 2}, ENG1)
    staff_act(staff, class_a, "complete", {"version": 3, "summary": "修好"}, ENG1)
    staff_act(staff, class_a, "close", {"version": 4, "note": "客户电话确认"})
    after = staff(staff_queue(limit="10"))
    assert [t["ticket_id"] for t in after.body["tickets"]] == [waiting, class_c]
    assert staff(staff_queue(limit="1")).body["tickets"][0]["ticket_id"] == waiting


def test_queue_query_is_validated(staff: Api, subtests: pytest.Subtests) -> None:
    for name, query, status in [
        ("unknown site", {"site_id": "nowhere"}, 404),
        ("bad site id", {"site_id": "QL!"}, 400),
        ("limit zero", {"site_id": "ql", "limit": "0"}, 400),
        ("limit text", {"site_id": "ql", "limit": "many"}, 400),
    ]:
        with subtests.test(case=name):
            assert staff(staff_queue(**query)).status == status


def test_malformed_staff_requests(staff: Api, store: TicketStore, subtests: pytest.Subtests) -> None:
    ticket_id, _ = staff_open(staff)
    with subtests.test(case="unknown action"):
        reply = staff(staff_action(ticket_id, "teleport", {"version": 1}))
        assert (reply.status, reply.body["code"]) == (404, "not_found")
    with subtests.test(case="unknown field"):
        reply = staff(staff_action(ticket_id, "dispatch", {"version": 1, "assignee": "eng1", "status": "closed"}))
        assert reply.status == 400
        assert {"field": "status", "code": "extra_forbidden", "message": "不接受此字段。"} in reply.body["errors"]
    with subtests.test(case="invalid json"):
        reply = staff(with_body(staff_action(ticket_id, "dispatch", {}), raw="{not json"))
        assert (reply.status, reply.body["code"], reply.body["field"]) == (400, "json_invalid", None)
    assert len(store.timeline(ticket_id)) == 1
