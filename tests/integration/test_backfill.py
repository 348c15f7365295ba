"""The one-off backfill of search terms and board keys for tickets written before ADR 0020, against
moto (docs/decisions/0021): bounded per run, resumable by its cursor, idempotent, and a backfilled
ticket is found by its fields and its notes' words as a new one is."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from boto3.dynamodb.conditions import Key

from deploy_tools import backfill_search
from frontdesk.adapters.dynamodb import TicketStore
from frontdesk.app.backfill import SearchBackfill
from frontdesk.clock import FixedClock

from .conftest import Api, staff_act, staff_open
from .test_board import numbers

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _as_before_0020(table: Table, ticket_id: str) -> None:
    """What a ticket written before ADR 0020 looks like: no term items, no GSI5/GSI6 keys."""
    items = table.query(KeyConditionExpression=Key("PK").eq(f"TICKET#{ticket_id}"))["Items"]
    for item in items:
        if str(item["SK"]).startswith("TERM#"):
            table.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
        elif item["SK"] == "TICKET":
            old = {"GSI5PK", "GSI5SK", "GSI6PK", "GSI6SK", "notes"}
            table.put_item(Item={k: v for k, v in item.items() if k not in old})


@pytest.fixture
def old(staff: Api, clock: FixedClock, table: Table) -> list[str]:
    made = []
    for n in range(5):
        clock.advance(minutes=1)
        ticket_id, _ = staff_open(staff, description=f"地下室水泵异响 pump{n}", contact_name=f"客户{n}")
        made.append(ticket_id)
    staff_act(staff, made[0], "note", {"version": 1, "text": "Grundfos 水泵轴承磨损"})
    staff_act(staff, made[1], "dispatch", {"version": 1, "assignee": "eng1"})
    for ticket_id in made:
        _as_before_0020(table, ticket_id)
    return made


def test_old_tickets_are_found_again_after_a_bounded_resumable_backfill(
    staff: Api, table: Table, store: TicketStore, old: list[str]
) -> None:
    assert numbers(staff, q="pump3") == [] and numbers(staff, q="grundfos") == []
    assert numbers(staff, assignee="eng1") == []

    backfill = SearchBackfill(store, page=2)
    first = backfill.run(max_tickets=3)
    assert (first.updated, first.skipped) == (3, 0) and first.cursor is not None
    rest = backfill.run(max_tickets=100, cursor=first.cursor)
    assert (rest.updated, rest.skipped, rest.cursor) == (2, 0, None)

    assert numbers(staff, q="pump3") == ["QL-1122-004"]
    assert numbers(staff, q="grundfos") == ["QL-1122-001"]  # a note's word, from the timeline
    assert numbers(staff, q="水泵 轴承") == ["QL-1122-001"]
    assert numbers(staff, assignee="eng1") == ["QL-1122-002"]
    again = backfill.run(max_tickets=100)
    assert (again.updated, again.skipped, again.cursor) == (0, 0, None)  # nothing left to do


def test_a_ticket_written_meanwhile_is_read_again_and_the_tool_prints_its_report(
    staff: Api, table: Table, store: TicketStore, old: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A ticket written after ADR 0020 has board keys but not its own fields' terms: it is done too."""
    stale = store.get(old[2])
    assert stale is not None
    staff_act(staff, old[2], "note", {"version": stale.version, "text": "客户说下午在家"})  # board keys, no terms
    assert store.add_search_keys(stale, [], 0) is False  # the version read is gone: nothing marked
    assert numbers(staff, q="pump2") == []

    class Racing:
        """The store, with a colleague's note landing between the backfill's read and its write."""

        def __init__(self) -> None:
            self.raced = False

        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def add_search_keys(self, ticket: Any, found_by: Any, notes: int) -> bool:
            if ticket.ticket_id == old[3] and not self.raced:
                self.raced = True
                staff_act(staff, old[3], "note", {"version": ticket.version, "text": "又响了"})
            return store.add_search_keys(ticket, found_by, notes)

    racing = Racing()
    done = SearchBackfill(racing, page=2).run(max_tickets=100)
    assert racing.raced and (done.updated, done.skipped, done.cursor) == (5, 0, None)
    assert numbers(staff, q="pump2") == ["QL-1122-003"]
    assert numbers(staff, q="pump3") == ["QL-1122-004"]  # read again after the race, and done
    assert numbers(staff, q="又响") == ["QL-1122-004"]

    assert backfill_search.main(["--max", "10"]) == 0  # the tool: nothing is left
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert report == {"updated": 0, "skipped": 0, "cursor": None}
