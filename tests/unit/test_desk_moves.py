"""The roster and the moves that keep a ticket going, in the pure domain: who is on a site, names
checked against its engineers, take, reassign, dispatch again and cancel."""

from __future__ import annotations

import pytest

from frontdesk.domain import lifecycle, staffing
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, InvalidInput
from frontdesk.models.staff import Person
from frontdesk.models.ticket import Department, Kind, Resolution, Role, Status

from .builders import DESK_ROLES, DUTY_MANAGER, ENGINEER, OPERATOR, OTHER_ENGINEER, Walk, command, walk_to

ROSTER = frozenset({"eng1", "eng2"})

PEOPLE = (
    Person(username="eng1", name="王工", roles=(Role.ENGINEER,), department=Department.ENGINEERING, site_id="ql"),
    Person(username="Eng2", name="李师傅", roles=(Role.ENGINEER,), phone="+8613800001002", site_id="ql"),
    Person(username="op1", name="周晓", roles=(Role.OPERATOR,), site_id="ql"),
    Person(username="eng9", name="外场", roles=(Role.ENGINEER,), site_id="other"),
    Person(username="nosite", name="无项目", roles=(Role.ENGINEER,)),
)


# ------------------------------------------------------------------------------------------ the roster


def test_a_sites_engineers_are_the_engineers_on_its_roster() -> None:
    assert staffing.engineers(PEOPLE, "ql") == {"eng1", "Eng2"}
    assert staffing.engineers(PEOPLE, "other") == {"eng9"}
    assert staffing.engineers(PEOPLE, "") == {"nosite"}
    # the engineers are one case of the site's people holding a role (the duty roster asks for others)
    assert staffing.holding(PEOPLE, "ql", {Role.ENGINEER, Role.OPERATOR}) == {"eng1", "Eng2", "op1"}
    assert staffing.holding(PEOPLE, "ql", {Role.MANAGER}) == frozenset()


@pytest.mark.parametrize(
    ("typed", "found"), [("eng1", "eng1"), ("ENG1", "eng1"), (" eng2 ", "Eng2"), ("ENGINEER", None), ("", None)]
)
def test_a_name_is_found_without_case(typed: str, found: str | None) -> None:
    assert staffing.named({"eng1", "Eng2"}, typed) == found


def test_the_directory_filters_searches_and_puts_the_least_busy_first() -> None:
    busy = walk_to(Kind.REPAIR, Status.DISPATCHED).ticket  # eng1 has one open ticket
    closed = walk_to(Kind.REPAIR, Status.CLOSED).ticket  # closed work does not count
    views = staffing.directory(PEOPLE, "ql", [busy, closed])
    assert [(v.username, v.open_tickets, v.busy) for v in views] == [
        ("op1", 0, False),  # 周晓 before 李师傅: names in code point order
        ("Eng2", 0, False),
        ("eng1", 1, True),
    ]
    assert [v.username for v in staffing.directory(PEOPLE, "ql", [], Role.ENGINEER)] == ["Eng2", "eng1"]
    assert [v.username for v in staffing.directory(PEOPLE, "ql", [], q="1002")] == ["Eng2"]
    assert [v.username for v in staffing.directory(PEOPLE, "ql", [], q="ENGINEERING")] == ["eng1"]
    assert staffing.directory(PEOPLE, "ql", [], Role.MANAGER) == []


# ------------------------------------------------------------------------------------------ names checked


def _apply(walk: Walk, action: str, actor: object = OPERATOR, **overrides: object) -> lifecycle.Change:
    return lifecycle.apply(
        walk.ticket,
        action,
        command(action, walk.ticket.version, **overrides),
        actor,  # type: ignore[arg-type]
        walk.site,
        walk.clock.now(),
        ROSTER,
    )


@pytest.mark.parametrize("typed", ["ENGINEER", "<b>eng1</b>", "op1", "eng9"])
def test_dispatch_refuses_a_name_not_on_the_roster(typed: str) -> None:
    walk = Walk()
    with pytest.raises(InvalidInput) as refused:
        _apply(walk, "dispatch", assignee=typed)
    assert (refused.value.field, refused.value.code, refused.value.params) == (
        "assignee",
        ErrorCode.UNKNOWN_ENGINEER,
        {"assignee": typed},
    )


def test_dispatch_stores_the_rosters_spelling() -> None:
    change = _apply(Walk(), "dispatch", assignee="ENG2")
    assert change.ticket.assignment is not None and change.ticket.assignment.assignee == "eng2"


def test_the_permission_is_checked_before_the_name() -> None:
    with pytest.raises(Forbidden):
        _apply(Walk(), "dispatch", ENGINEER, assignee="nobody")


# ------------------------------------------------------------------------------------------ take


def test_an_engineer_takes_an_unassigned_repair_and_its_clock_starts() -> None:
    walk = Walk(building_id="dorm")
    change = _apply(walk, "take", OTHER_ENGINEER)
    ticket = change.ticket
    assert ticket.status is Status.DISPATCHED
    assert ticket.assignment is not None and ticket.assignment.assignee == "eng2"
    assert ticket.arrival_due == "2026-11-22T02:10:00.000Z"  # class B: 10 minutes
    assert (change.event.action, change.event.actor) == ("take", OTHER_ENGINEER)


def test_only_an_engineer_on_the_roster_takes_work() -> None:
    walk = Walk()
    for actor in DESK_ROLES:
        with pytest.raises(Forbidden):
            _apply(walk, "take", actor)
    outsider = ENGINEER.model_copy(update={"id": "eng9"})
    with pytest.raises(InvalidInput) as refused:
        _apply(walk, "take", outsider)
    assert refused.value.code is ErrorCode.UNKNOWN_ENGINEER


def test_a_reopened_repair_can_be_taken_again() -> None:
    walk = walk_to(Kind.REPAIR, Status.REOPENED)
    assert _apply(walk, "take", OTHER_ENGINEER).ticket.status is Status.DISPATCHED


# ------------------------------------------------------------------------------------------ reassign, dispatch again


@pytest.mark.parametrize("status", [Status.DISPATCHED, Status.ARRIVED, Status.UNFINISHED, Status.IN_PROGRESS])
def test_reassign_keeps_the_run_and_its_deadlines(status: Status) -> None:
    walk = walk_to(Kind.PAID_SERVICE, status)
    before = walk.later(minutes=30).ticket
    change = _apply(walk, "reassign", DUTY_MANAGER, assignee="eng2", reason="换人")
    after = change.ticket
    assert after.status is status
    assert after.assignment is not None and after.assignment.assignee == "eng2"
    kept = ("dispatched_at", "arrival_due", "completion_due", "arrived_at", "escalation")
    assert [getattr(after, f) for f in kept] == [getattr(before, f) for f in kept]
    assert change.event.detail["previous_assignee"] == "eng1"
    assert change.event.detail["handover_reason"] == "换人"


def test_reassign_to_the_same_engineer_is_refused() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    with pytest.raises(InvalidInput) as refused:
        _apply(walk, "reassign", assignee="ENG1", reason="x")
    assert (refused.value.field, refused.value.code) == ("assignee", ErrorCode.SAME_ASSIGNEE)


def test_reassign_may_change_the_department() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    change = _apply(walk, "reassign", assignee="eng2", reason="x", department=Department.SECURITY)
    assert change.ticket.assignment is not None and change.ticket.assignment.department is Department.SECURITY


def test_dispatch_again_starts_a_new_run_and_forgets_the_old_escalation() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    walk.ticket = walk.ticket.model_copy(update={"escalation": walk.ticket.escalation.model_copy(update={"level": 2})})
    walk.later(minutes=20)
    change = _apply(walk, "redispatch", assignee="eng2", reason="联系不上")
    ticket = change.ticket
    assert ticket.dispatched_at == "2026-11-22T02:20:00.000Z"
    assert ticket.arrival_due == "2026-11-22T02:25:00.000Z"  # class A: 5 minutes from now
    assert ticket.escalation.level == 0
    assert {k: change.event.detail[k] for k in ("previous_assignee", "previous_due", "previous_level")} == {
        "previous_assignee": "eng1",
        "previous_due": "2026-11-22T02:05:00.000Z",
        "previous_level": "2",
    }


def test_dispatch_again_is_refused_once_the_engineer_arrived() -> None:
    walk = walk_to(Kind.REPAIR, Status.ARRIVED)
    with pytest.raises(IllegalTransition):
        _apply(walk, "redispatch", assignee="eng2", reason="x")


# ------------------------------------------------------------------------------------------ cancel


@pytest.mark.parametrize(
    ("kind", "status"),
    [(Kind.REPAIR, Status.RECEIVED), (Kind.PAID_SERVICE, Status.QUOTED), (Kind.COMPLAINT, Status.HANDLED)],
)
def test_a_duty_manager_cancels_an_open_ticket_with_a_reason(kind: Kind, status: Status) -> None:
    walk = walk_to(kind, status)
    change = _apply(walk, "cancel", DUTY_MANAGER, reason="客户撤回")
    assert (change.ticket.status, change.ticket.resolution) == (Status.CLOSED, Resolution.CANCELLED)
    assert (change.ticket.cancel_reason, change.ticket.closed_at) == ("客户撤回", "2026-11-22T02:00:00.000Z")
    assert change.event.detail == {"reason": "客户撤回"}


def test_operators_and_engineers_do_not_cancel() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    for actor in (OPERATOR, ENGINEER):
        with pytest.raises(Forbidden):
            _apply(walk, "cancel", actor, reason="x")
