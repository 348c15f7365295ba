"""Intake honours an Idempotency-Key: a replay returns the same ticket, another body under the key is refused.

powertools keeps the first response for 24 h in the idempotency table. What it keeps is the ticket's
id, number and status, never the tracking token: like the ticket table (ADR 0003), the idempotency
table holds nothing that opens a tenant's ticket. A replay (the client lost the first answer) gets a
new tracking token for the same ticket; every token handed out keeps working (docs/decisions/0013).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from frontdesk.api.errors import BadIdempotencyKey
from frontdesk.app.tickets import Opened

KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
CONFIG = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="body",
    expires_after_seconds=24 * 3600,
)


@cache
def _once(store: BasePersistenceLayer) -> Callable[..., dict[str, Any]]:
    @idempotent_function(data_keyword_argument="request", persistence_store=store, config=CONFIG)
    def run(request: dict[str, Any], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return action()

    once: Callable[..., dict[str, Any]] = run
    return once


def open_once(
    store: Callable[[], BasePersistenceLayer],
    scope: str,
    key: str | None,
    body: dict[str, Any],
    action: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run ``action`` once per (scope, key); without a key, just run it. What it returns is cached
    in ``store()``, which is built only when a key came (a cold start without one makes no client)."""
    if key is None:
        return action()
    if not KEY.match(key):
        raise BadIdempotencyKey(field="Idempotency-Key")
    return _once(store())(request={"key": f"{scope}:{key}", "body": body}, action=action)


def open_ticket_once(
    store: Callable[[], BasePersistenceLayer],
    scope: str,
    key: str | None,
    body: dict[str, Any],
    action: Callable[[str | None], Opened],
    reissue: Callable[[str], str],
) -> tuple[dict[str, Any], str]:
    """Open a ticket once per (scope, key): its id, number and status as cached, and its tracking
    token, the one just made or, on a replay, a new one (the cache never holds a token).

    With a key, the ticket's id is derived from the scope, the key and the body: should an
    invocation die after writing the ticket and before the cache holds its answer, the client's
    retry runs again and finds that very ticket instead of opening a second one."""
    made: list[str] = []
    ticket_id = replay_id(scope, key, body) if key is not None else None

    def run() -> dict[str, Any]:
        opened = action(ticket_id)
        made.append(opened.tracking_token)
        ticket = opened.ticket
        return {"ticket_id": ticket.ticket_id, "number": ticket.number, "status": ticket.status.value}

    cached = open_once(store, scope, key, body, run)
    token = made[0] if made else reissue(str(cached["ticket_id"]))
    return cached, token


def replay_id(scope: str, key: str, body: dict[str, Any]) -> str:
    """The ticket id a keyed intake gets: the same request gives the same id, another body another."""
    canonical = json.dumps({"scope": scope, "key": key, "body": body}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
