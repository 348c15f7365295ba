"""Find anything and the live board against moto: every search shape through an index, paging with
an opaque cursor, polling that returns only what changed, and never a Scan (docs/decisions/0020)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from frontdesk import wiring
from frontdesk.clock import FixedClock, to_iso
from frontdesk.domain.lifecycle import Change
from frontdesk.i18n import message
from frontdesk.models.catalogue import catalogue
from frontdesk.models.site import Site
from frontdesk.models.ticket import Escalation

from .conftest import (
    DM1,
    ENG1,
    Api,
    as_staff,
    import_function,
    load_event,
    staff_act,
    staff_open,
    staff_queue,
    with_query,
)
from .lambda_support import LambdaContext

if TYPE_CHECKING:
    pass


def search(username: str = "op1", groups: str = "operator", **query: str) -> dict[str, Any]:
    event = load_event("staff_list_queue.json")
    event["resource"] = event["path"] = "/staff/tickets/search"
    event["requestContext"]["resourcePath"] = event["resource"]
    with_query(event, site_id="ql", **query)
    return as_staff(event, username, groups)


@pytest.fixture
def calls(staff: Api) -> Iterator[list[str]]:
    """Every DynamoDB operation the handlers' ticket store makes from here on (botocore's own event
    hook on the client the composition root built)."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        made.append(model.name)

    events = wiring.tickets()._table.meta.client.meta.events
    events.register("before-call.dynamodb", record)
    yield made
    events.unregister("before-call.dynamodb", record)


def numbers(staff: Api, username: str = "op1", groups: str = "operator", **query: str) -> list[str]:
    reply = staff(search(username, groups, **query))
    assert reply.status == 200, reply.raw
    return sorted(t["number"] for t in reply.body["tickets"])


@pytest.fixture
def tickets(staff: Api, clock: FixedClock, site: Site) -> dict[str, str]:
    """Four tickets: 001 leak in 1-101 (cancelled), 002 socket in 1-102 (dispatched to eng1),
    003 complaint in admin 101, 004 inquiry by Mr Smith."""
    made: dict[str, str] = {}
    specs: list[dict[str, Any]] = [
        {"description": "卫生间水管漏水，地面有积水。", "contact_name": "张三", "contact_phone": "13912345678"},
        {"unit": "1-102", "description": "客厅插座跳闸。", "contact_name": "李四", "contact_phone": "13800005555"},
        {
            "building_id": "admin",
            "unit": "101",
            "kind": "complaint",
            "category": "staff_attitude",
            "description": "Cleaner was rude at the lobby",
            "contact_name": "王五",
            "contact_phone": "13700001111",
        },
        {
            "kind": "inquiry",
            "category": "fees",
            "description": "Question about the heating fee",
            "contact_name": "John Smith",
            "contact_phone": "+86 137 0000 2222",
        },
    ]
    for spec in specs:
        clock.advance(minutes=1)
        ticket_id, _ = staff_open(staff, **spec)
        made[ticket_id] = spec["contact_name"]
    ids = list(made)
    staff_act(staff, ids[0], "cancel", {"version": 1, "reason": "客户来电撤回报修"}, DM1)
    staff_act(staff, ids[1], "dispatch", {"version": 1, "assignee": "eng1"})
    return made


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "QL-1122-003"}, ["QL-1122-003"]),
        ({"q": "ql-1122-003"}, ["QL-1122-003"]),
        ({"q": "5678"}, ["QL-1122-001"]),  # the last 4 digits of a closed ticket's phone
        ({"q": "139 1234 5678"}, ["QL-1122-001"]),
        ({"q": "+86 137-0000-2222"}, ["QL-1122-004"]),
        ({"q": "张三"}, ["QL-1122-001"]),
        ({"q": "smith"}, ["QL-1122-004"]),
        ({"q": "1-102"}, ["QL-1122-002"]),
        ({"q": "101"}, ["QL-1122-003"]),
        ({"q": "漏水"}, ["QL-1122-001"]),
        ({"q": "水管漏水"}, ["QL-1122-001"]),
        ({"q": "heating fee"}, ["QL-1122-004"]),
        ({"q": "heating rude"}, []),
        ({"status": "closed"}, ["QL-1122-001"]),
        ({"status": "dispatched"}, ["QL-1122-002"]),
        ({"kind": "complaint"}, ["QL-1122-003"]),
        ({"category": "fees"}, ["QL-1122-004"]),
        ({"building_id": "admin"}, ["QL-1122-003"]),
        ({"assignee": "eng1"}, ["QL-1122-002"]),
        ({"q": "QL", "kind": "repair"}, []),
        ({"q": "5678", "status": "received"}, []),
    ],
)
def test_every_search_shape_reads_through_an_index(
    staff: Api, tickets: dict[str, str], calls: list[str], query: dict[str, str], found: list[str]
) -> None:
    calls.clear()
    assert numbers(staff, **query) == found
    assert calls and set(calls) <= {"Query", "GetItem"}, calls


def test_mine_overdue_and_escalated(staff: Api, clock: FixedClock, tickets: dict[str, str], calls: list[str]) -> None:
    assert numbers(staff, "eng1", "engineer", mine="true") == ["QL-1122-002"]
    assert numbers(staff, "eng2", "engineer", mine="true") == []
    assert numbers(staff, overdue="true") == []
    clock.advance(hours=2)  # the arrival deadline (15 min in the expert apartments) has passed
    assert "QL-1122-002" in numbers(staff, overdue="true")
    assert numbers(staff, escalated="true") == []
    assert set(calls) <= {"Query", "GetItem"}


def test_paging_with_an_opaque_cursor(staff: Api, tickets: dict[str, str]) -> None:
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        reply = staff(search(limit="1", **({"cursor": cursor} if cursor else {})))
        assert reply.status == 200, reply.raw
        seen += [t["number"] for t in reply.body["tickets"]]
        cursor = reply.body["cursor"] or ""
        if not cursor:
            break
    assert sorted(seen) == ["QL-1122-001", "QL-1122-002", "QL-1122-003", "QL-1122-004"]
    assert len(seen) == 4  # each once


def test_a_cursor_that_is_not_ours_is_refused(staff: Api, site: Site) -> None:
    reply = staff(search(cursor="not-a-cursor"))
    assert (reply.status, reply.body["field"]) == (400, "cursor")


def test_polling_returns_only_what_changed(
    staff: Api, clock: FixedClock, tickets: dict[str, str], calls: list[str]
) -> None:
    clock.advance(minutes=10)
    since = to_iso(clock.now())
    reply = staff(staff_queue(since=since))
    assert reply.status == 200, reply.raw
    assert reply.body["tickets"] == []
    assert reply.body["until"] == since

    clock.advance(minutes=1)
    new_id, _ = staff_open(staff, description="走廊灯不亮。", contact_name="赵六")
    reply = staff(staff_queue(since=since))
    assert [t["ticket_id"] for t in reply.body["tickets"]] == [new_id]
    until = reply.body["until"]
    assert until == to_iso(clock.now())

    clock.advance(minutes=1)
    closed = next(iter(tickets))  # a change to a closed ticket reaches the board too (it drops it)
    nobody = staff(staff_queue(since=until))
    assert [t["ticket_id"] for t in nobody.body["tickets"]] == [new_id]  # the overlap reads it again
    clock.advance(minutes=1)
    assert staff(staff_queue(since=to_iso(clock.now()))).body["tickets"] == []
    assert closed in tickets
    assert "Scan" not in calls


def test_an_escalation_reaches_the_board_and_goes_first(staff: Api, clock: FixedClock, tickets: dict[str, str]) -> None:
    """A clock's rung changes no business time of the ticket (updated_at stays), yet the poll sees it:
    the board's index is ordered by when the ticket was written."""
    store = wiring.tickets()
    late = list(tickets)[3]
    ticket = store.get(late)
    assert ticket is not None
    clock.advance(minutes=10)
    since = to_iso(clock.now())
    clock.advance(minutes=1)
    escalated = ticket.model_copy(update={"escalation": Escalation(level=1, at=ticket.updated_at), "version": 2})
    event = store.timeline(late)[0].model_copy(update={"seq": 2, "action": "escalate"})
    store.save(Change(escalated, event), 1)

    polled = staff(staff_queue(since=since)).body
    assert [t["ticket_id"] for t in polled["tickets"]] == [late]
    assert polled["tickets"][0]["updated_at"] == ticket.updated_at
    order = [t["ticket_id"] for t in staff(staff_queue()).body["tickets"]]
    assert order[0] == late


@pytest.mark.parametrize("name", ["q", "assignee"])
def test_a_search_text_longer_than_the_console_is_served_is_a_field_error(staff: Api, name: str) -> None:
    """The search box and the assignee filter: the route refuses one character more than the catalogue
    serves the console (``forms.board_search``), naming the field, in the caller's language."""
    most = catalogue().forms["board_search"].max_length[name]
    assert staff(search(**{name: "x" * most})).status == 200
    too_long = search(**{name: "x" * (most + 1)})
    zh, en = staff.in_language(too_long, "zh-CN"), staff.in_language(too_long, "en")
    assert (zh.status, zh.body["field"], en.status, en.body["field"]) == (400, name, 400, name)
    assert zh.body["errors"][0]["message"] == message("string_too_long", "zh-CN", max_length=most)
    assert en.body["errors"][0]["message"] == message("string_too_long", "en", max_length=most)


@pytest.mark.parametrize("since", ["2026-13-45T99:99:99Z", "0001-01-01T00:00:00Z", "yesterday"])
def test_a_since_that_is_no_instant_is_a_field_error_not_a_500(staff: Api, since: str) -> None:
    reply = staff(staff_queue(since=since))
    assert (reply.status, reply.body["field"]) == (400, "since")


def test_a_word_of_a_note_or_a_reply_finds_its_ticket(staff: Api, tickets: dict[str, str], calls: list[str]) -> None:
    """ADR 0021: a note's words are terms of its ticket, written in the note's own transaction; a
    query mixing a note's word and the description's finds it; a tenant's answer adds none."""
    socket, complaint = list(tickets)[1], list(tickets)[2]
    assert numbers(staff, q="Schneider") == []
    staff_act(
        staff, socket, "note", {"version": 2, "text": "更换 Schneider 断路器，配电箱在走廊"}, ("eng1", "engineer")
    )
    staff_act(staff, complaint, "message", {"version": 1, "text": "We spoke to the cleaning supervisor"})
    calls.clear()
    assert numbers(staff, q="schneider") == ["QL-1122-002"]
    assert numbers(staff, q="配电箱") == ["QL-1122-002"]
    assert numbers(staff, q="插座 断路器") == ["QL-1122-002"]  # one word from the description, one from the note
    assert numbers(staff, q="插座 supervisor") == []
    assert numbers(staff, q="supervisor rude") == ["QL-1122-003"]
    assert set(calls) <= {"Query", "GetItem"}, calls


def _sweep() -> dict[str, Any]:
    result: dict[str, Any] = import_function("end_of_day").lambda_handler({}, LambdaContext())
    return result


# ------------------------------------------------------------------ the follow-up list (000 §3.1d)


def test_unfinished_work_is_on_the_next_days_follow_up_list_until_it_is_done(
    staff: Api, clock: FixedClock, calls: list[str]
) -> None:
    begun, _ = staff_open(staff)  # 10:00 in Shanghai, Sunday 22 November
    staff_act(staff, begun, "dispatch", {"version": 1, "assignee": "eng1"})
    staff_act(staff, begun, "arrive", {"version": 2}, ENG1)
    waiting, _ = staff_open(staff)  # not begun: not swept
    assert numbers(staff, follow_up="true") == []

    clock.advance(hours=14, minutes=3)  # 00:03 on Monday 23 November, site-local
    assert _sweep()["marked"] == [begun]
    calls.clear()
    assert numbers(staff, follow_up="true") == ["QL-1122-001"]
    assert numbers(staff, follow_up="true", kind="complaint") == []
    assert calls and set(calls) <= {"Query", "GetItem"}, calls  # the open queue's index, never a Scan

    clock.advance(days=1)  # not followed up on Monday: still on Tuesday's list
    assert numbers(staff, follow_up="true") == ["QL-1122-001"]
    staff_act(staff, begun, "complete", {"version": 4, "summary": "已更换阀芯"}, ENG1)
    assert numbers(staff, follow_up="true") == []  # done: followed up
    assert waiting not in _swept_ids(staff)


def _swept_ids(staff: Api) -> list[str]:
    reply = staff(search(follow_up="true"))
    return [t["ticket_id"] for t in reply.body["tickets"]]
