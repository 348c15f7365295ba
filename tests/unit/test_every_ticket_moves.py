"""Every ticket can always move (issue 10), as a hypothesis property over the pure domain.

Random sequences of actions by random roles (what the console offers each of them, with the names an
operator might type: two real engineers, a role name and an HTML string) drive a ticket; from every
state reached, some role must still be able to bring it to an end (closed or declined) **without
cancelling it**, so the work itself can always be done, and a duty manager can always cancel.

The walk gives the domain no roster: the API refuses unknown names first (tests/integration/
test_desk_moves.py), and the property holds even for a name that slipped through. On the code before
issue 10 it fails: a repair dispatched to ``ENGINEER`` waits for an engineer nobody is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.clock import parse_iso
from frontdesk.domain import lifecycle
from frontdesk.domain.errors import DomainError
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import TERMINAL, Actor, Kind, Status, Ticket

from .builders import CLIENT_ACTOR, DUTY_MANAGER, ENGINEER, MANAGER, OPERATOR, OTHER_ENGINEER, SITE, Walk, command

ACTORS: tuple[Actor, ...] = (OPERATOR, ENGINEER, OTHER_ENGINEER, DUTY_MANAGER, MANAGER, CLIENT_ACTOR)
# What an operator might type for the engineer: eng1 and eng2 are engineers, the others nobody.
TYPED = ("eng1", "eng2", "ENGINEER", "<b>eng1</b>")
NAMING = frozenset({"dispatch", "reassign", "redispatch"})
# Actions that end a ticket without its work: not a way to finish it.
GIVING_UP = frozenset({"cancel"})

Key = tuple[Kind, str, str, str]


def _overrides(action: str, variant: int, ticket: Ticket) -> dict[str, Any]:
    if action in NAMING:
        return {"assignee": TYPED[variant % len(TYPED)]}
    if action == "accept":
        return {"satisfied": variant % 2 == 0}
    if action == "quote_decision":
        return {"confirm": variant % 2 == 0}
    if action == "reschedule" and ticket.arrival_due is not None:
        return {"new_arrival": parse_iso(ticket.arrival_due) + timedelta(minutes=variant * 20 - 10)}
    return {}


def _try(ticket: Ticket, action: str, actor: Actor, overrides: dict[str, Any], walk: Walk) -> Ticket | None:
    try:
        body: cmd.Versioned = command(action, ticket.version, **overrides)
        return lifecycle.apply(ticket, action, body, actor, walk.site, walk.clock.now()).ticket
    except DomainError:
        return None


def _key(ticket: Ticket) -> Key:
    """All that decides which moves a ticket has left (times aside: no finishing move waits on one)."""
    assignee = ticket.assignment.assignee if ticket.assignment else ""
    decision = ticket.quote.decision.value if ticket.quote else "-"
    return (ticket.kind, ticket.status.value, assignee, decision)


_FINISHABLE: dict[Key, bool] = {}


def _finishable(start: Ticket, walk: Walk) -> bool:
    """Some sequence of moves by some roles ends the ticket without giving up on it (breadth first)."""
    known = _FINISHABLE.get(_key(start))
    if known is not None:
        return known
    seen, todo = {_key(start)}, deque([start])
    found = False
    while todo and not found:
        ticket = todo.popleft()
        for actor in ACTORS:
            for action in set(lifecycle.allowed_actions(ticket, actor)) - GIVING_UP:
                for variant in (0, 1):  # a real engineer; accepted or confirmed and the opposite
                    after = _try(ticket, action, actor, _overrides(action, variant, ticket), walk)
                    if after is None or _key(after) in seen:
                        continue
                    found = found or after.status in TERMINAL
                    seen.add(_key(after))
                    todo.append(after)
    _FINISHABLE[_key(start)] = found
    return found


STEP = st.tuples(st.sampled_from(ACTORS), st.integers(0, 40), st.integers(0, 7), st.integers(0, 1800))
WALKS = settings(max_examples=300, deadline=None, derandomize=True, database=None)
KINDS = st.sampled_from(list(Kind))
BUILDINGS = st.sampled_from(["admin", "dorm", "expert"])


def _states(kind: Kind, building: str, steps: list[tuple[Actor, int, int, int]]) -> Iterator[tuple[Walk, str]]:
    """Each open state the walk reaches (the ticket on ``walk.ticket``), with the moves that led there."""
    walk = Walk(kind, building, site=SITE)
    trail: list[str] = []
    for actor, pick, variant, seconds in steps:
        if walk.ticket.status in TERMINAL:
            return
        yield walk, " → ".join(trail)
        walk.clock.advance(seconds=seconds)
        offered = lifecycle.allowed_actions(walk.ticket, actor)
        if not offered:
            continue
        action = offered[pick % len(offered)]
        after = _try(walk.ticket, action, actor, _overrides(action, variant, walk.ticket), walk)
        if after is not None:
            walk.ticket = after
            trail.append(f"{actor.id}:{action}")
    if walk.ticket.status not in TERMINAL:
        yield walk, " → ".join(trail)


@WALKS
@given(kind=KINDS, building=BUILDINGS, steps=st.lists(STEP))
def test_from_every_reachable_state_some_role_can_finish_the_work(
    kind: Kind, building: str, steps: list[tuple[Actor, int, int, int]]
) -> None:
    for walk, trail in _states(kind, building, steps):
        assert _finishable(walk.ticket, walk), f"stuck in {_key(walk.ticket)} after {trail}"


@WALKS
@given(kind=KINDS, building=BUILDINGS, steps=st.lists(STEP))
def test_from_every_reachable_state_a_duty_manager_can_close_the_ticket(
    kind: Kind, building: str, steps: list[tuple[Actor, int, int, int]]
) -> None:
    for walk, trail in _states(kind, building, steps):
        closed = _try(walk.ticket, "cancel", DUTY_MANAGER, {}, walk)
        assert closed is not None and closed.status is Status.CLOSED, f"cannot cancel {_key(walk.ticket)} after {trail}"
