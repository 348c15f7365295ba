"""The desk's people and the moves that keep every ticket going, through the staff function against moto:
the site's directory from the user pool, dispatch only to the site's engineers, take, reassign,
dispatch again and cancel, each by the roles allowed, and refusals that write nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from frontdesk.adapters.clocks import ClockStore
from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.clock import FixedClock
from frontdesk.models.clock import ClockKind, ClockState, SubjectType

from .conftest import (
    DM1,
    ENG1,
    ENG2,
    OP1,
    Api,
    as_staff,
    load_event,
    staff_act,
    staff_action,
    staff_open,
    staff_read,
    track,
    with_path,
    with_query,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@pytest.fixture
def clocks(table: Table) -> ClockStore:
    return ClockStore(table)


def _people(site_id: str = "ql", who: tuple[str, str] = OP1, **query: str) -> dict[str, Any]:
    event = with_path(load_event("staff_list_people.json"), site_id=site_id)
    with_query(event, **query)
    return as_staff(event, *who)


def _open(staff: Api, **changes: Any) -> str:
    return staff_open(staff, **changes)[0]


def _dispatched(staff: Api, assignee: str = "eng1") -> str:
    ticket_id = _open(staff)  # a repair in the expert apartment: class C, 15 minutes
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": assignee})
    return ticket_id


def _clocks(store: ClockStore, ticket_id: str) -> dict[ClockKind, Any]:
    return store.of_subject(SubjectType.TICKET, ticket_id)


# ------------------------------------------------------------------------------------------ the directory


def test_the_directory_lists_the_sites_people_with_roles_department_phone(staff: Api) -> None:
    reply = staff(_people())
    assert reply.status == 200, reply.raw
    assert reply.body["site_id"] == "ql"
    people = {p["username"]: p for p in reply.body["people"]}
    assert set(people) == {"eng1", "eng2", "op1", "dm1", "mgr1"}  # eng9 works on another site
    assert people["eng2"] == {
        "username": "eng2",
        "name": "李师傅",
        "roles": ["engineer"],
        "department": "engineering",
        "phone": "+8613800001002",
        "site_id": "ql",
        "open_tickets": 0,
        "busy": False,
    }
    assert people["mgr1"]["department"] is None and people["mgr1"]["phone"] == ""


def test_the_directory_filters_by_role_and_search_and_shows_who_is_busy(staff: Api) -> None:
    _dispatched(staff, "eng1")
    _dispatched(staff, "eng1")

    engineers = staff(_people(role="engineer")).body["people"]
    assert [(p["username"], p["open_tickets"], p["busy"]) for p in engineers] == [
        ("eng2", 0, False),  # least busy first: the one to dispatch to is on top
        ("eng1", 2, True),
    ]
    assert [p["username"] for p in staff(_people(q="李")).body["people"]] == ["eng2"]
    assert [p["username"] for p in staff(_people(q="1001")).body["people"]] == ["eng1"]
    assert [p["username"] for p in staff(_people(role="operator", q="customer")).body["people"]] == ["op1"]
    assert staff(_people(role="engineer", q="nobody")).body["people"] == []


def test_an_engineer_reads_the_directory_too(staff: Api) -> None:
    assert staff(_people(who=ENG1)).status == 200


def test_the_directory_refuses_bad_input_and_unknown_sites(staff: Api, subtests: pytest.Subtests) -> None:
    with subtests.test(case="unknown role"):
        reply = staff(_people(role="boss"))
        assert reply.status == 400
        assert [e["field"] for e in reply.body["errors"]] == ["role"]
    with subtests.test(case="search too long"):
        reply = staff(_people(q="x" * 61))
        assert (reply.status, [e["field"] for e in reply.body["errors"]]) == (400, ["q"])
    with subtests.test(case="unknown site"):
        reply = staff(_people(site_id="nowhere"))
        assert (reply.status, reply.body["code"]) == (404, "site_not_found")
    with subtests.test(case="not signed in"):
        reply = staff(as_staff(_people(), None))
        assert (reply.status, reply.body["code"]) == (401, "unauthorized")


# ------------------------------------------------------------------------------------------ dispatch checks the name


@pytest.mark.parametrize("name", ["ENGINEER", "<b>eng1</b>", "eng9", "op1"])
def test_dispatch_to_someone_not_among_the_sites_engineers_is_a_field_error(
    staff: Api, store: TicketStore, clocks: ClockStore, name: str
) -> None:
    ticket_id = _open(staff)
    for language, text in (
        ("zh-CN", f"{name} 不是本项目的工程人员，请从名单中选择。"),
        ("en", f"{name} is not one of this site's engineers; pick a name from the list."),
    ):
        reply = staff.in_language(staff_action(ticket_id, "dispatch", {"version": 1, "assignee": name}), language)
        assert (reply.status, reply.body["code"], reply.body["field"], reply.body["message"]) == (
            400,
            "unknown_engineer",
            "assignee",
            text,
        )
    ticket = store.get(ticket_id)
    assert ticket is not None and (ticket.version, ticket.status.value, ticket.assignment) == (1, "received", None)
    assert len(store.timeline(ticket_id)) == 1
    assert _clocks(clocks, ticket_id) == {}


def test_dispatch_takes_the_rosters_spelling_of_a_name(staff: Api) -> None:
    ticket_id = _open(staff)
    body = staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "ENG1"})
    assert body["ticket"]["assignment"]["assignee"] == "eng1"  # the pool's user names ignore case
    assert "arrive" in staff(staff_read(ticket_id, *ENG1)).body["actions"]


# ------------------------------------------------------------------------------------------ take


def test_an_engineer_takes_an_unassigned_repair(staff: Api, clocks: ClockStore) -> None:
    ticket_id = _open(staff)
    assert staff(staff_read(ticket_id, *ENG2)).body["actions"] == ["take"]

    body = staff_act(staff, ticket_id, "take", {"version": 1}, ENG2)

    ticket = body["ticket"]
    assert (ticket["status"], ticket["assignment"]) == ("dispatched", {"department": "engineering", "assignee": "eng2"})
    assert ticket["arrival_due"] == "2026-11-22T02:15:00.000Z"
    assert (body["timeline"][-1]["action"], body["timeline"][-1]["actor"]["id"]) == ("take", "eng2")
    assert _clocks(clocks, ticket_id)[ClockKind.ARRIVAL].state is ClockState.RUNNING
    assert "arrive" in body["actions"]


def test_take_is_for_engineers_and_unassigned_repairs_only(staff: Api, store: TicketStore) -> None:
    ticket_id = _open(staff)
    reply = staff.in_language(staff_action(ticket_id, "take", {"version": 1}, *OP1), "en")
    assert (reply.status, reply.body["code"], reply.body["message"]) == (403, "forbidden", "Your role may not do this.")

    staff_act(staff, ticket_id, "take", {"version": 1}, ENG1)
    reply = staff(staff_action(ticket_id, "take", {"version": 2}, *ENG2))
    assert (reply.status, reply.body["code"]) == (409, "illegal_transition")
    complaint = _open(staff, kind="complaint", category="staff_attitude")
    assert staff(staff_action(complaint, "take", {"version": 1}, *ENG2)).status == 409
    ticket = store.get(ticket_id)
    assert ticket is not None and ticket.assignment is not None and ticket.assignment.assignee == "eng1"


# ------------------------------------------------------------------------------------------ reassign


def test_a_wrongly_dispatched_ticket_is_reassigned_and_finished(
    staff: Api, clock: FixedClock, clocks: ClockStore, store: TicketStore
) -> None:
    ticket_id = _dispatched(staff, "eng1")
    arrival = _clocks(clocks, ticket_id)[ClockKind.ARRIVAL]
    clock.advance(minutes=5)

    body = staff_act(staff, ticket_id, "reassign", {"version": 2, "assignee": "eng2", "reason": "王工今天休假"})

    ticket = body["ticket"]
    assert (ticket["status"], ticket["assignment"]["assignee"]) == ("dispatched", "eng2")
    assert ticket["arrival_due"] == "2026-11-22T02:15:00.000Z"  # the client's deadline stands
    event = body["timeline"][-1]
    assert (event["action"], event["actor"]["id"]) == ("reassign", "op1")
    assert event["detail"] == {
        "previous_assignee": "eng1",
        "handover_reason": "王工今天休假",
        "department": "engineering",
        "assignee": "eng2",
    }
    assert _clocks(clocks, ticket_id)[ClockKind.ARRIVAL] == arrival  # the same clock runs on

    reply = staff(staff_action(ticket_id, "arrive", {"version": 3}, *ENG1))
    assert (reply.status, reply.body["code"]) == (403, "forbidden")  # no longer eng1's work
    staff_act(staff, ticket_id, "arrive", {"version": 3}, ENG2)
    staff_act(staff, ticket_id, "complete", {"version": 4, "summary": "已更换阀芯"}, ENG2)
    staff_act(staff, ticket_id, "close", {"version": 5, "note": "客户电话确认"})
    done = store.get(ticket_id)
    assert done is not None and (done.status.value, done.resolution.value) == ("closed", "closed_without_acceptance")


def test_the_tenant_sees_neither_who_nor_why_of_a_handover_but_why_it_was_cancelled(staff: Api, public: Api) -> None:
    ticket_id, token = staff_open(staff)
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    staff_act(staff, ticket_id, "reassign", {"version": 2, "assignee": "eng2", "reason": "王工喝多了"})
    staff_act(staff, ticket_id, "redispatch", {"version": 3, "assignee": "eng1", "reason": "李师傅电话不通"})
    staff_act(staff, ticket_id, "cancel", {"version": 4, "reason": "客户来电撤回报修"}, DM1)

    page = public(track(token))

    assert page.status == 200
    assert "王工喝多了" not in page.raw and "李师傅电话不通" not in page.raw
    assert "eng1" not in page.raw and "eng2" not in page.raw
    assert [(e["action"], e["detail"]) for e in page.body["timeline"][2:]] == [
        ("reassign", {}),
        ("redispatch", {"arrival_due": "2026-11-22T02:15:00.000Z"}),
        ("cancel", {"reason": "客户来电撤回报修"}),
    ]


def test_reassign_refusals_write_nothing(staff: Api, store: TicketStore, subtests: pytest.Subtests) -> None:
    ticket_id = _dispatched(staff, "eng1")
    cases: dict[str, tuple[dict[str, Any], tuple[str, str], int, str, str | None]] = {
        "no reason": ({"version": 2, "assignee": "eng2"}, OP1, 400, "validation_failed", "reason"),
        "blank reason": (
            {"version": 2, "assignee": "eng2", "reason": "  "},
            OP1,
            400,
            "validation_failed",
            "reason",
        ),
        "same engineer": (
            {"version": 2, "assignee": "eng1", "reason": "x"},
            OP1,
            400,
            "same_assignee",
            "assignee",
        ),
        "not an engineer": (
            {"version": 2, "assignee": "eng9", "reason": "x"},
            OP1,
            400,
            "unknown_engineer",
            "assignee",
        ),
        "stale version": (
            {"version": 1, "assignee": "eng2", "reason": "x"},
            OP1,
            409,
            "version_conflict",
            "version",
        ),
        "an engineer": ({"version": 2, "assignee": "eng2", "reason": "x"}, ENG1, 403, "forbidden", "action"),
    }
    for case, (body, who, status, code, field) in cases.items():
        with subtests.test(case=case):
            reply = staff(staff_action(ticket_id, "reassign", body, *who))
            assert (reply.status, reply.body["code"], reply.body["field"]) == (status, code, field), reply.raw
    missing = staff(staff_action(ticket_id, "reassign", {"version": 2, "assignee": "eng2"}))
    assert [e["field"] for e in missing.body["errors"]] == ["reason"]
    ticket = store.get(ticket_id)
    assert ticket is not None and ticket.version == 2 and ticket.assignment is not None
    assert ticket.assignment.assignee == "eng1"
    assert len(store.timeline(ticket_id)) == 2


# ------------------------------------------------------------------------------------------ dispatch again


def test_dispatch_again_plans_a_new_arrival(staff: Api, clock: FixedClock, clocks: ClockStore) -> None:
    ticket_id = _dispatched(staff, "eng1")
    first = _clocks(clocks, ticket_id)[ClockKind.ARRIVAL]
    clock.advance(minutes=20)  # eng1 never came: 5 minutes past the deadline

    body = staff_act(staff, ticket_id, "redispatch", {"version": 2, "assignee": "eng2", "reason": "王工联系不上"}, DM1)

    ticket = body["ticket"]
    assert (ticket["assignment"]["assignee"], ticket["dispatched_at"]) == ("eng2", "2026-11-22T02:20:00.000Z")
    assert ticket["arrival_due"] == "2026-11-22T02:35:00.000Z"  # 15 minutes from now
    detail = body["timeline"][-1]["detail"]
    assert (detail["previous_assignee"], detail["previous_due"], detail["handover_reason"]) == (
        "eng1",
        "2026-11-22T02:15:00.000Z",
        "王工联系不上",
    )
    again = _clocks(clocks, ticket_id)[ClockKind.ARRIVAL]
    assert (again.gen, again.due, again.state) == (first.gen + 1, "2026-11-22T02:35:00.000Z", ClockState.RUNNING)


def test_dispatch_again_is_for_an_unarrived_visit_by_the_desk(staff: Api) -> None:
    ticket_id = _dispatched(staff, "eng1")
    body = {"version": 2, "assignee": "eng2", "reason": "x"}
    assert staff(staff_action(ticket_id, "redispatch", body, *ENG1)).status == 403
    staff_act(staff, ticket_id, "arrive", {"version": 2}, ENG1)
    reply = staff(staff_action(ticket_id, "redispatch", {**body, "version": 3}))
    assert (reply.status, reply.body["code"]) == (409, "illegal_transition")


# ------------------------------------------------------------------------------------------ cancel


def test_a_duty_manager_cancels_a_ticket_and_its_clocks(staff: Api, clocks: ClockStore, store: TicketStore) -> None:
    ticket_id = _dispatched(staff, "eng1")

    body = staff_act(staff, ticket_id, "cancel", {"version": 2, "reason": "客户来电撤回报修"}, DM1)

    ticket = body["ticket"]
    assert (ticket["status"], ticket["resolution"], ticket["cancel_reason"]) == (
        "closed",
        "cancelled",
        "客户来电撤回报修",
    )
    assert (body["timeline"][-1]["action"], body["timeline"][-1]["actor"]["id"]) == ("cancel", "dm1")
    assert body["actions"] == []
    assert {kind: c.state for kind, c in _clocks(clocks, ticket_id).items()} == {
        ClockKind.ARRIVAL: ClockState.CANCELLED,
        ClockKind.COMPLETION: ClockState.CANCELLED,
    }
    assert ticket_id not in {t.ticket_id for t in store.open_by_deadline("ql")}


def test_a_complaints_reply_clock_is_cancelled_with_it(staff: Api, clocks: ClockStore) -> None:
    ticket_id = _open(staff, kind="complaint", category="staff_attitude")
    staff_act(staff, ticket_id, "cancel", {"version": 1, "reason": "重复投诉"}, DM1)
    assert _clocks(clocks, ticket_id)[ClockKind.REPLY].state is ClockState.CANCELLED


def test_only_a_duty_manager_cancels_and_only_with_a_reason(staff: Api, store: TicketStore) -> None:
    ticket_id = _dispatched(staff, "eng1")
    for who in (OP1, ENG1):
        event = staff_action(ticket_id, "cancel", {"version": 2, "reason": "x"}, *who)
        assert staff.refusal_in_english(event) == (403, "forbidden", "Your role may not do this.")
    reply = staff(staff_action(ticket_id, "cancel", {"version": 2}, *DM1))
    assert (reply.status, [e["field"] for e in reply.body["errors"]]) == (400, ["reason"])
    ticket = store.get(ticket_id)
    assert ticket is not None and (ticket.version, ticket.status.value) == (2, "dispatched")

    staff_act(staff, ticket_id, "cancel", {"version": 2, "reason": "重复报修"}, DM1)
    reply = staff(staff_action(ticket_id, "cancel", {"version": 3, "reason": "again"}, *DM1))
    assert (reply.status, reply.body["code"]) == (409, "illegal_transition")
