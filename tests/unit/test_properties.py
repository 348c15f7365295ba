"""Random walks through the lifecycle (seeded, stdlib only): invariants that hold for any sequence of actions.

hypothesis is not among the project's pinned dev dependencies, so the walks are generated with a seeded
`random.Random`: deterministic, cheap, and a failing seed is reproducible from its test id.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from frontdesk.domain import lifecycle, queue
from frontdesk.domain.errors import DomainError
from frontdesk.models.ticket import TERMINAL, Actor, Department, Kind

from .builders import (
    ACTIONS,
    CLIENT_ACTOR,
    DUTY_MANAGER,
    ENGINEER,
    MANAGER,
    OPERATOR,
    OTHER_ENGINEER,
    SYSTEM,
    T0,
    Walk,
    command,
)

ACTORS: tuple[Actor, ...] = (OPERATOR, ENGINEER, OTHER_ENGINEER, DUTY_MANAGER, MANAGER, CLIENT_ACTOR, SYSTEM)
KINDS = tuple(Kind)


def _random_command_overrides(rng: random.Random, action: str) -> dict[str, object]:
    if action == "accept":
        return {"satisfied": rng.random() < 0.5}
    if action == "quote_decision":
        return {"confirm": rng.random() < 0.7}
    if action == "dispatch":
        return {"assignee": rng.choice(["eng1", "eng2"]), "department": rng.choice(list(Department))}
    if action == "reschedule":
        return {"new_arrival": T0 + timedelta(minutes=rng.randint(-10, 600))}
    return {}


def _walk(seed: int) -> int:
    """One random walk checking the invariants at every accepted step; returns how many were accepted."""
    rng = random.Random(seed)
    walk = Walk(rng.choice(KINDS), rng.choice(["admin", "dorm", "expert"]))
    for _ in range(40):
        walk.clock.advance(seconds=rng.randint(0, 900), microseconds=rng.randint(0, 999_999))
        before = walk.ticket
        actor = rng.choice(ACTORS)
        # cancel ends a walk at once: offered seldom, so walks still go deep
        offered = [a for a in lifecycle.allowed_actions(before, actor) if a != "cancel" or rng.random() < 0.05]
        # mostly what the console would offer, sometimes anything at all
        action = rng.choice(offered) if offered and rng.random() < 0.7 else rng.choice(ACTIONS)
        # mostly the right version, sometimes a stale or future one
        version = before.version if rng.random() < 0.9 else before.version + rng.choice([-1, 1])
        try:
            body = command(action, max(version, 1), **_random_command_overrides(rng, action))
            change = lifecycle.apply(before, action, body, actor, walk.site, walk.clock.now())
        except DomainError:
            continue  # refused: nothing to check but that the ticket is unchanged (it is immutable)

        assert before.status not in TERMINAL, f"left terminal {before.status} by {action}"
        assert body.version == before.version
        assert change.ticket.version == before.version + 1
        assert change.event.seq == change.ticket.version
        assert change.event.from_status is before.status
        assert change.event.to_status is change.ticket.status
        assert change.event.actor == actor
        assert change.ticket.updated_at >= before.updated_at
        assert actor is not SYSTEM
        if change.ticket.arrival_due is not None:
            assert change.ticket.arrival_due.endswith(".000Z")
        if change.ticket.status in TERMINAL:
            assert queue.queue_key(change.ticket) is None
        else:
            assert queue.queue_key(change.ticket) is not None
        walk.ticket = change.ticket
        walk.events.append(change.event)

    assert [event.seq for event in walk.events] == list(range(1, walk.ticket.version + 1))
    return walk.ticket.version - 1


SEEDS = range(300)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_invariants(seed: int) -> None:
    _walk(seed)


def test_random_walks_exercise_the_lifecycle() -> None:
    """Guard against a generator that only produces refusals."""
    accepted = [_walk(seed) for seed in SEEDS]
    assert sum(accepted) > 2 * len(SEEDS)
    assert sum(1 for n in accepted if n >= 5) > len(SEEDS) // 10
