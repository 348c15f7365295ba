"""Transitions are validated: a rule that misspells a field or writes the wrong type fails at once,
where ``model_copy(update=…)`` would have stored it (or silently dropped it) without a word."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.domain import lifecycle
from frontdesk.domain.evolve import UnknownField, evolve
from frontdesk.domain.lifecycle import Step
from frontdesk.models.ticket import Status, Ticket

from .builders import Walk


def test_a_changed_field_is_validated_and_the_rest_kept() -> None:
    ticket = Walk().ticket
    moved = evolve(ticket, {"status": "dispatched", "version": ticket.version + 1})
    assert moved.status is Status.DISPATCHED  # the string became the enum
    assert (moved.ticket_id, moved.contact, moved.version) == (ticket.ticket_id, ticket.contact, ticket.version + 1)
    assert ticket.status is Status.RECEIVED  # the original is untouched


def test_a_misspelled_field_is_refused() -> None:
    with pytest.raises(UnknownField, match="compleed_at"):
        evolve(Walk().ticket, {"compleed_at": "2026-11-23T01:00:00.000Z"})


def test_a_wrong_type_is_refused() -> None:
    with pytest.raises(ValidationError):
        evolve(Walk().ticket, {"version": "many"})
    with pytest.raises(ValidationError):
        evolve(Walk().ticket, {"status": "teleported"})


def _rule_writing(updates: dict[str, Any]) -> Any:
    def rule(ticket: Ticket, command: Any, ctx: lifecycle.Context) -> Step:
        return Step(Status.CLOSED, updates, {})

    return rule


@pytest.mark.parametrize("updates", [{"closed_att": "2026-11-23T01:00:00.000Z"}, {"resolution": 42}])
def test_a_transition_rule_with_a_bad_update_fails_instead_of_storing_it(
    monkeypatch: pytest.MonkeyPatch, updates: dict[str, Any]
) -> None:
    walk = Walk()
    decline = lifecycle.TRANSITIONS["decline"]
    broken = lifecycle.Transition(decline.kinds, decline.sources, _rule_writing(updates), decline.blocked)
    monkeypatch.setitem(lifecycle.TRANSITIONS, "decline", broken)
    with pytest.raises((UnknownField, ValidationError)):
        walk.do("decline")
