"""Where moto, serving concurrent requests, is less strict than AWS: fixed in this process.

moto's DynamoDB checks a write's condition and then writes without a lock, and numbers stream
records as ``len(records) + start`` before appending. Two concurrent requests (the gateway and
the stream poller run in threads) can therefore both pass the same `version = :v` check, and two
stream records can get the same sequence number. It takes a thread switch at the wrong moment, so
it is rare (not seen in 360 racing writes), but a duplicate sequence number would make the stream
stats report a record done twice. DynamoDB makes each write and each transaction atomic and its
sequence numbers unique; here every DynamoDB write takes one lock.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Final

WRITES: Final = ("put_item", "update_item", "delete_item", "transact_write_items")

_lock = threading.RLock()
_originals: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Serialise moto's DynamoDB writes (idempotent)."""
    from moto.dynamodb.models import DynamoDBBackend

    if _originals:
        return
    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        _originals[name] = original

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, atomic)


def uninstall() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name, original in _originals.items():
        setattr(DynamoDBBackend, name, original)
    _originals.clear()
