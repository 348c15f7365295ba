"""Intake without an Idempotency-Key builds no idempotency store (no client at a cold start); a
malformed key is refused before one is built."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from frontdesk.api import intake
from frontdesk.api.errors import BadIdempotencyKey


def _never() -> NoReturn:
    raise AssertionError("the idempotency store was built")


def test_without_a_key_the_action_runs_and_no_store_is_built() -> None:
    ran: list[int] = []

    def action() -> dict[str, Any]:
        ran.append(1)
        return {"ticket_id": "t1"}

    assert intake.open_once(_never, "public", None, {"a": 1}, action) == {"ticket_id": "t1"}
    assert ran == [1]


def test_a_malformed_key_is_refused_before_a_store_is_built() -> None:
    with pytest.raises(BadIdempotencyKey):
        intake.open_once(_never, "public", "spaces are not allowed", {}, lambda: {})
