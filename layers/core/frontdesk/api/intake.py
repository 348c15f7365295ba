"""Intake honours an Idempotency-Key: a replay returns the same ticket, another body under the key is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from frontdesk.api.errors import BadIdempotencyKey

KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
CONFIG = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="body",
    expires_after_seconds=24 * 3600,
)


@cache
def _once(table_name: str) -> Callable[..., dict[str, Any]]:
    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=DynamoDBPersistenceLayer(table_name=table_name),
        config=CONFIG,
    )
    def run(request: dict[str, Any], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return action()

    once: Callable[..., dict[str, Any]] = run
    return once


def open_once(
    table_name: str, scope: str, key: str | None, body: dict[str, Any], action: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``action`` once per (scope, key); without a key, just run it."""
    if key is None:
        return action()
    if not KEY.match(key):
        raise BadIdempotencyKey(field="Idempotency-Key")
    return _once(table_name)(request={"key": f"{scope}:{key}", "body": body}, action=action)
