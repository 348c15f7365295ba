"""A unit's page: every ticket of the unit, open and closed, newest first, read through its index."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import FixedClock

from .conftest import Api, as_staff, load_event, staff_act, staff_open, staff_read, with_path
from .test_board import search


def _history(unit: str = "1-101", building: str = "expert", who: tuple[str, str] = ("op1", "operator")) -> Any:
    event = with_path(load_event("staff_unit_history.json"), site_id="ql", building_id=building, unit=unit)
    return as_staff(event, *who)


def test_a_units_history_lists_its_open_and_closed_tickets_newest_first(staff: Api, clock: FixedClock) -> None:
    first, _ = staff_open(staff, kind="complaint", category="staff_attitude", description="保安态度差")
    staff_act(staff, first, "cancel", {"version": 1, "reason": "客户撤回"}, ("dm1", "duty_manager"))
    clock.advance(minutes=5)
    second, _ = staff_open(staff, kind="complaint", category="staff_attitude", description="又一次态度差")
    clock.advance(minutes=5)
    staff_open(staff, unit="1-102")  # another unit of the building

    reply = staff(_history())

    assert reply.status == 200, reply.raw
    assert [t["ticket_id"] for t in reply.body["tickets"]] == [second, first]
    assert [t["status"] for t in reply.body["tickets"]] == ["received", "closed"]
    # the same complaint twice in a quarter: the manual's repeat, for the quarterly analysis
    assert reply.body["repeats"] == [{"kind": "complaint", "category": "staff_attitude", "count": 2, "threshold": 2}]


def test_an_engineer_may_read_it_and_a_building_the_site_lacks_is_404(staff: Api) -> None:
    staff_open(staff)
    assert staff(_history(who=("eng1", "engineer"))).status == 200
    missing = staff(_history(building="nowhere"))
    assert (missing.status, missing.body["code"]) == (404, "unknown_building")
    empty = staff(_history(unit="2-201"))
    assert (empty.status, empty.body["tickets"], empty.body["repeats"]) == (200, [], [])


def test_every_building_id_a_site_may_hold_is_a_valid_path_and_filter(staff: Api) -> None:
    """One shape for a building id (frontdesk.models.identifiers): the route once refused `B_1`,
    which the site's own model allows, with a 400 instead of answering."""
    assert staff(_history(building="Tower_B")).status == 404  # looked up, not refused by its shape
    assert staff(search(building_id="Tower_B")).status == 200
    assert staff(search(building_id="")).status == 200  # the console sends an empty filter as no filter
    refused = staff(search(building_id="Tower B"))
    assert (refused.status, refused.body["field"]) == (400, "building_id")


def test_a_repeat_complaint_is_flagged_at_intake_and_shows_on_the_ticket(staff: Api, clock: FixedClock) -> None:
    first, _ = staff_open(staff, kind="complaint", category="security", description="保安态度差")
    clock.advance(days=20)
    other, _ = staff_open(staff, kind="complaint", category="cleaning", description="楼道不干净")
    clock.advance(days=20)
    second, _ = staff_open(staff, kind="complaint", category="security", description="又是保安")

    def read(ticket_id: str) -> Any:
        reply = staff(staff_read(ticket_id))
        assert reply.status == 200, reply.raw
        return reply.body

    assert [read(t)["ticket"]["repeat_of"] for t in (first, other, second)] == [0, 0, 2]
    created = read(second)["timeline"][0]
    assert (created["action"], created["detail"]["repeat_of"]) == ("create", "2")


def test_the_repeat_count_at_intake_reads_a_number_not_the_units_history(table: Any, store: Any) -> None:
    """The count of one kind and category within the window, through the unit index: older tickets,
    other categories and other units do not count, and however many there are, no item comes back."""

    def put(n: int, created_at: str, category: str = "security", unit: str = "1-101") -> None:
        table.put_item(
            Item={
                "PK": f"TICKET#t{n}",
                "SK": "TICKET",
                "kind": "complaint",
                "category": category,
                "GSI2PK": f"UNIT#ql#expert#{unit}",
                "GSI2SK": created_at,
            }
        )

    put(1, "2026-01-01T00:00:00Z")  # before the window
    put(2, "2026-03-01T00:00:00Z")
    put(3, "2026-03-02T00:00:00Z")
    put(4, "2026-03-03T00:00:00Z", category="cleaning")
    put(5, "2026-03-04T00:00:00Z", unit="1-102")

    count = store.count_at_unit("ql", "expert", "1-101", "complaint", "security", "2026-02-01T00:00:00Z")

    assert count == 2
    assert store.count_at_unit("ql", "expert", "1-101", "repair", "security", "2026-02-01T00:00:00Z") == 0
