"""Guards of the lifecycle: the transition table, roles, versions, reschedule and the timeline event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.domain import lifecycle
from frontdesk.domain.errors import DomainError, Forbidden, IllegalTransition, InvalidInput, NotFound, VersionConflict
from frontdesk.domain.permissions import ASSIGNEE_ONLY
from frontdesk.models.ticket import TERMINAL, Actor, Kind, Status, Ticket

from .builders import (
    ACTIONS,
    CLIENT_ACTOR,
    DUTY_MANAGER,
    ENGINEER,
    MANAGER,
    NOBODY,
    OPERATOR,
    OTHER_ENGINEER,
    PATHS,
    SYSTEM,
    T0,
    Walk,
    assigned,
    command,
    walk_to,
)

# Every open ticket can be cancelled; work in hand can be given to another engineer.
_REPAIR_LIKE_LEGAL: dict[Status, set[str]] = {
    Status.RECEIVED: {"decline", "dispatch", "take", "cancel"},
    Status.REOPENED: {"decline", "dispatch", "take", "cancel"},
    Status.DISPATCHED: {"reschedule", "arrive", "reassign", "redispatch", "cancel"},
    Status.ARRIVED: {"quote", "unfinished", "complete", "reassign", "cancel"},
    Status.QUOTED: {"quote_decision", "reassign", "cancel"},
    Status.IN_PROGRESS: {"unfinished", "complete", "reassign", "cancel"},
    Status.UNFINISHED: {"quote", "complete", "reassign", "cancel"},
    Status.COMPLETED: {"accept", "close", "cancel"},
    Status.DECLINED: set(),
    Status.CLOSED: set(),
}

# The specification (DOMAIN.md; 000 §3.1, §3.3): which action is legal in which status, per kind.
LEGAL: dict[Kind, dict[Status, set[str]]] = {
    Kind.REPAIR: _REPAIR_LIKE_LEGAL,
    Kind.EMERGENCY: _REPAIR_LIKE_LEGAL,
    # Paid work is not completed before the client confirmed the quote.
    Kind.PAID_SERVICE: {**_REPAIR_LIKE_LEGAL, Status.ARRIVED: {"quote", "unfinished", "reassign", "cancel"}},
    # A manager judges whether a complaint is valid at any time before it is closed.
    Kind.COMPLAINT: {
        # (a written complaint's written reply: tests/unit/test_complaint_intake.py)
        Status.RECEIVED: {"handle", "cancel", "validity", "agree_reply"},
        Status.HANDLED: {"reply", "cancel", "validity", "agree_reply"},
        Status.REPLIED: {"close", "cancel", "validity"},
        Status.CLOSED: set(),
    },
    Kind.INQUIRY: {
        Status.RECEIVED: {"reply", "cancel", "agree_reply"},
        Status.REPLIED: {"close", "cancel"},
        Status.CLOSED: set(),
    },
}

CELLS = [(kind, status, action) for kind, by_status in LEGAL.items() for status in by_status for action in ACTIONS]
ILLEGAL = [pytest.param(k, s, a, id=f"{k}-{s}-{a}") for k, s, a in CELLS if a not in LEGAL[k][s]]
LEGAL_CELLS = [pytest.param(k, s, a, id=f"{k}-{s}-{a}") for k, s, a in CELLS if a in LEGAL[k][s]]


def _ready(kind: Kind, status: Status, action: str) -> Walk:
    """The ticket in `status`, with eng1 assigned so field actions pass the permission check."""
    walk = walk_to(kind, status)
    if action in ASSIGNEE_ONLY and walk.ticket.assignment is None:
        walk.ticket = assigned(walk.ticket)
    return walk


def test_the_specification_covers_every_status_each_kind_can_reach() -> None:
    assert {kind: set(paths) for kind, paths in PATHS.items()} == {kind: set(by) for kind, by in LEGAL.items()}


@pytest.mark.parametrize(("kind", "status", "action"), ILLEGAL)
def test_illegal_transition_is_refused(kind: Kind, status: Status, action: str) -> None:
    walk = _ready(kind, status, action)
    before = walk.ticket

    with pytest.raises(IllegalTransition) as refused:
        walk.do(action)

    assert refused.value.status == 409
    assert walk.ticket == before


@pytest.mark.parametrize(("kind", "status", "action"), LEGAL_CELLS)
def test_legal_transition_is_accepted(kind: Kind, status: Status, action: str) -> None:
    walk = _ready(kind, status, action)
    version = walk.ticket.version

    change = walk.do(action)

    assert change.ticket.version == version + 1
    assert change.event.action == action
    assert change.event.from_status is status


@pytest.mark.parametrize("status", sorted(TERMINAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_nothing_leaves_a_terminal_state(status: Status, action: str) -> None:
    walk = _ready(Kind.REPAIR, status, action)
    with pytest.raises(IllegalTransition):
        walk.do(action)


def test_unknown_action_is_not_found() -> None:
    walk = Walk()
    with pytest.raises(NotFound):
        lifecycle.apply(walk.ticket, "teleport", command("arrive", 1), OPERATOR, walk.site, T0)


def test_complaint_must_be_handled_before_the_reply() -> None:
    walk = Walk(Kind.COMPLAINT)
    with pytest.raises(IllegalTransition) as refused:
        walk.do("reply")
    assert refused.value.code == "handle_first"


# ------------------------------------------------------------------------------------------ roles


@pytest.mark.parametrize(
    ("kind", "actor", "action", "status"),
    [
        pytest.param(Kind.REPAIR, OPERATOR, "arrive", Status.DISPATCHED, id="operator-arrive"),
        pytest.param(Kind.REPAIR, OPERATOR, "complete", Status.ARRIVED, id="operator-complete"),
        pytest.param(Kind.REPAIR, OPERATOR, "quote", Status.ARRIVED, id="operator-quote"),
        pytest.param(Kind.REPAIR, OPERATOR, "unfinished", Status.ARRIVED, id="operator-unfinished"),
        pytest.param(Kind.REPAIR, MANAGER, "arrive", Status.DISPATCHED, id="manager-arrive"),
        pytest.param(Kind.REPAIR, DUTY_MANAGER, "complete", Status.ARRIVED, id="duty-manager-complete"),
        pytest.param(Kind.REPAIR, ENGINEER, "dispatch", Status.RECEIVED, id="engineer-dispatch"),
        pytest.param(Kind.REPAIR, ENGINEER, "decline", Status.RECEIVED, id="engineer-decline"),
        pytest.param(Kind.REPAIR, ENGINEER, "close", Status.COMPLETED, id="engineer-close"),
        pytest.param(Kind.REPAIR, ENGINEER, "accept", Status.COMPLETED, id="engineer-accept-for-client"),
        pytest.param(Kind.REPAIR, OPERATOR, "accept", Status.COMPLETED, id="operator-accept-for-client"),
        pytest.param(Kind.REPAIR, OPERATOR, "quote_decision", Status.QUOTED, id="operator-confirms-quote-for-client"),
        pytest.param(Kind.REPAIR, OTHER_ENGINEER, "arrive", Status.DISPATCHED, id="not-the-assignee-arrive"),
        pytest.param(Kind.REPAIR, OTHER_ENGINEER, "complete", Status.ARRIVED, id="not-the-assignee-complete"),
        pytest.param(Kind.REPAIR, OTHER_ENGINEER, "quote", Status.ARRIVED, id="not-the-assignee-quote"),
        pytest.param(Kind.REPAIR, OTHER_ENGINEER, "reschedule", Status.DISPATCHED, id="not-the-assignee-reschedule"),
        pytest.param(Kind.REPAIR, OTHER_ENGINEER, "unfinished", Status.ARRIVED, id="not-the-assignee-unfinished"),
        pytest.param(Kind.REPAIR, CLIENT_ACTOR, "dispatch", Status.RECEIVED, id="client-dispatch"),
        pytest.param(Kind.REPAIR, CLIENT_ACTOR, "arrive", Status.DISPATCHED, id="client-arrive"),
        pytest.param(Kind.REPAIR, CLIENT_ACTOR, "close", Status.COMPLETED, id="client-close"),
        pytest.param(Kind.REPAIR, CLIENT_ACTOR, "reschedule", Status.DISPATCHED, id="client-reschedule"),
        pytest.param(Kind.REPAIR, NOBODY, "dispatch", Status.RECEIVED, id="no-group-dispatch"),
        pytest.param(Kind.REPAIR, SYSTEM, "close", Status.COMPLETED, id="system-close"),
        pytest.param(Kind.COMPLAINT, ENGINEER, "handle", Status.RECEIVED, id="engineer-handle"),
        pytest.param(Kind.COMPLAINT, ENGINEER, "reply", Status.HANDLED, id="engineer-reply"),
        pytest.param(Kind.COMPLAINT, CLIENT_ACTOR, "close", Status.REPLIED, id="client-close-complaint"),
        pytest.param(Kind.INQUIRY, CLIENT_ACTOR, "reply", Status.RECEIVED, id="client-reply"),
    ],
)
def test_role_may_not(kind: Kind, actor: Actor, action: str, status: Status) -> None:
    walk = walk_to(kind, status)
    with pytest.raises(Forbidden) as refused:
        walk.do(action, actor)
    assert refused.value.status == 403
    assert refused.value.params == {"action": action}


@pytest.mark.parametrize(
    ("actor", "action", "status"),
    [
        pytest.param(DUTY_MANAGER, "unfinished", Status.ARRIVED, id="duty-manager-unfinished-for-the-engineer"),
        pytest.param(MANAGER, "unfinished", Status.IN_PROGRESS, id="manager-unfinished-for-the-engineer"),
        pytest.param(OPERATOR, "reschedule", Status.DISPATCHED, id="operator-reschedules-after-calling-client"),
        pytest.param(DUTY_MANAGER, "dispatch", Status.RECEIVED, id="duty-manager-dispatch"),
        pytest.param(MANAGER, "decline", Status.RECEIVED, id="manager-decline"),
        pytest.param(ENGINEER, "reschedule", Status.DISPATCHED, id="assignee-reschedule"),
        pytest.param(CLIENT_ACTOR, "accept", Status.COMPLETED, id="client-accept"),
        pytest.param(CLIENT_ACTOR, "quote_decision", Status.QUOTED, id="client-quote-decision"),
    ],
)
def test_role_may(actor: Actor, action: str, status: Status) -> None:
    walk = walk_to(Kind.REPAIR, status)
    change = walk.do(action, actor)
    assert change.event.actor == actor


def test_client_may_take_only_acceptance_and_quote_decision() -> None:
    completed = walk_to(Kind.REPAIR, Status.COMPLETED).ticket
    quoted = walk_to(Kind.REPAIR, Status.QUOTED).ticket
    assert lifecycle.allowed_actions(completed, CLIENT_ACTOR) == ["accept"]
    assert lifecycle.allowed_actions(quoted, CLIENT_ACTOR) == ["quote_decision"]
    for status in PATHS[Kind.REPAIR]:
        offered = set(lifecycle.allowed_actions(walk_to(Kind.REPAIR, status).ticket, CLIENT_ACTOR))
        assert offered <= {"accept", "quote_decision"}


def test_allowed_actions_follow_role_and_assignment() -> None:
    dispatched = walk_to(Kind.REPAIR, Status.DISPATCHED).ticket
    assert set(lifecycle.allowed_actions(dispatched, ENGINEER)) == {"arrive", "reschedule"}
    assert lifecycle.allowed_actions(dispatched, OTHER_ENGINEER) == []
    assert set(lifecycle.allowed_actions(dispatched, OPERATOR)) == {"reschedule", "reassign", "redispatch"}
    assert set(lifecycle.allowed_actions(dispatched, DUTY_MANAGER)) == {
        "reschedule",
        "reassign",
        "redispatch",
        "cancel",
    }
    received = Walk().ticket
    assert set(lifecycle.allowed_actions(received, OPERATOR)) == {"decline", "dispatch"}
    assert lifecycle.allowed_actions(received, ENGINEER) == ["take"]
    assert lifecycle.allowed_actions(received, SYSTEM) == []


def _offered_cases() -> list[object]:
    cases: list[object] = []
    for kind, by_status in PATHS.items():
        for status in by_status:
            for actor in (OPERATOR, ENGINEER, DUTY_MANAGER, CLIENT_ACTOR):
                cases.append(pytest.param(kind, status, actor, id=f"{kind}-{status}-{actor.id}"))
    return cases


@pytest.mark.parametrize(("kind", "status", "actor"), _offered_cases())
def test_every_offered_action_can_be_taken(kind: Kind, status: Status, actor: Actor) -> None:
    """The console shows exactly these buttons: a button that is always refused is a bug."""
    walk = walk_to(kind, status)
    for action in lifecycle.allowed_actions(walk.ticket, actor):
        try:
            lifecycle.apply(
                walk.ticket, action, command(action, walk.ticket.version), actor, walk.site, walk.clock.now()
            )
        except DomainError as error:
            pytest.fail(f"{action!r} is offered to {actor.id} on a {status} {kind} but refused: {error.code}")


# ------------------------------------------------------------------------------------------ versions


@pytest.mark.parametrize("given", [1, 3, 99])
def test_stale_or_future_version_is_a_conflict(given: int) -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    assert walk.ticket.version == 2
    with pytest.raises(VersionConflict) as refused:
        lifecycle.apply(walk.ticket, "arrive", command("arrive", given), ENGINEER, walk.site, walk.clock.now())
    assert refused.value.status == 409
    assert refused.value.params == {"expected": 2, "given": given}


def test_each_accepted_action_adds_exactly_one_to_the_version() -> None:
    walk = walk_to(Kind.PAID_SERVICE, Status.CLOSED)
    assert [event.seq for event in walk.events] == list(range(1, len(walk.events) + 1))
    assert walk.ticket.version == len(walk.events)


# ------------------------------------------------------------------------------------------ timeline


def test_timeline_event_records_actor_from_to_and_seq_equal_to_the_new_version() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED).later(minutes=2, milliseconds=250)
    change = walk.do("arrive")

    assert change.event.ticket_id == change.ticket.ticket_id
    assert change.event.actor == ENGINEER
    assert change.event.action == "arrive"
    assert (change.event.from_status, change.event.to_status) == (Status.DISPATCHED, Status.ARRIVED)
    assert change.event.seq == change.ticket.version == 3
    assert change.event.at == change.ticket.updated_at == "2026-11-22T02:02:00.250Z"
    assert change.event.detail["on_time"] == "true"


def test_the_creation_event_is_seq_one_from_nothing() -> None:
    walk = Walk(Kind.INQUIRY)
    event = walk.events[0]
    assert (event.seq, event.action, event.from_status, event.to_status) == (1, "create", None, Status.RECEIVED)
    assert event.actor == OPERATOR
    assert event.detail == {"channel": "phone", "kind": "inquiry", "category": "fees"}


def test_a_refused_action_changes_nothing() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    before: Ticket = walk.ticket
    for action, actor in [("complete", ENGINEER), ("arrive", OTHER_ENGINEER), ("dispatch", OPERATOR)]:
        with pytest.raises(DomainError):
            walk.do(action, actor)
    assert walk.ticket == before
    assert len(walk.events) == 2


# ------------------------------------------------------------------------------------------ reschedule


def test_reschedule_before_the_deadline_to_a_later_time_records_the_agreement() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED).later(minutes=4)
    due = walk.ticket.arrival_due
    assert due == "2026-11-22T02:05:00.000Z"

    change = walk.do(
        "reschedule",
        new_arrival="2026-11-22T10:40:00.300+08:00",
        agreed_with="张三(业主)",
        contact_method="phone",
        note="客户下午才在家",
    )

    assert change.ticket.status is Status.DISPATCHED
    assert change.ticket.arrival_due == "2026-11-22T02:40:01.000Z"
    assert change.ticket.reschedule_count == 1
    assert change.event.action == "reschedule"
    assert change.event.detail == {
        "previous_due": due,
        "arrival_due": "2026-11-22T02:40:01.000Z",
        "agreed_with": "张三(业主)",
        "contact_method": "phone",
        "note": "客户下午才在家",
    }


def test_reschedule_twice_counts_both() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    walk.do("reschedule", new_arrival=T0 + timedelta(minutes=30))
    walk.do("reschedule", new_arrival=T0 + timedelta(minutes=60))
    assert walk.ticket.reschedule_count == 2
    assert walk.ticket.arrival_due == "2026-11-22T03:00:00.000Z"


@pytest.mark.parametrize("after", [timedelta(minutes=5), timedelta(minutes=5, milliseconds=1), timedelta(hours=2)])
def test_reschedule_at_or_after_the_deadline_is_refused(after: timedelta) -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    walk.clock.advance(seconds=after.total_seconds())
    with pytest.raises(IllegalTransition) as refused:
        walk.do("reschedule", new_arrival=T0 + timedelta(hours=5))
    assert refused.value.code == "reschedule_after_deadline"
    assert walk.ticket.reschedule_count == 0


@pytest.mark.parametrize("new", [timedelta(minutes=5), timedelta(minutes=4), timedelta(minutes=-60)])
def test_reschedule_to_an_earlier_or_equal_time_is_refused(new: timedelta) -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    with pytest.raises(InvalidInput) as refused:
        walk.do("reschedule", new_arrival=T0 + new)
    assert refused.value.code == "reschedule_not_later"


def test_arrival_after_a_rescheduled_deadline_is_judged_against_the_new_deadline() -> None:
    walk = walk_to(Kind.REPAIR, Status.DISPATCHED)
    walk.do("reschedule", new_arrival=T0 + timedelta(minutes=30))
    arrived = walk.later(minutes=20).do("arrive").ticket
    assert arrived.arrived_on_time is True


# ------------------------------------------------------------------------------------------ unfinished


def test_unfinished_only_from_work_in_hand() -> None:
    for status in (Status.ARRIVED, Status.IN_PROGRESS):
        assert walk_to(Kind.PAID_SERVICE, status).do("unfinished").ticket.status is Status.UNFINISHED
    with pytest.raises(IllegalTransition):
        walk_to(Kind.REPAIR, Status.DISPATCHED).do("unfinished")


def test_quote_while_unfinished_then_confirm_and_complete() -> None:
    walk = walk_to(Kind.PAID_SERVICE, Status.UNFINISHED)
    walk.do("quote", lines=[{"item": "额外配件", "amount_cents": 800}], tax_cents=0, labour_cents=0)
    walk.do("quote_decision", confirm=True)
    assert walk.do("complete").ticket.status is Status.COMPLETED
