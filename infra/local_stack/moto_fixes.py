"""Where moto, serving concurrent requests, is less strict than AWS: fixed in this process.

moto's DynamoDB checks a write's condition and then writes without a lock, and numbers stream
records as ``len(records) + start`` before appending. Two concurrent requests (the gateway and
the stream poller run in threads) can therefore both pass the same `version = :v` check, and two
stream records can get the same sequence number. It takes a thread switch at the wrong moment, so
it is rare (not seen in 360 racing writes), but a duplicate sequence number would make the stream
stats report a record done twice. DynamoDB makes each write and each transaction atomic and its
sequence numbers unique; here every DynamoDB write takes one lock.

moto's TransactWriteItems also deep-copies every table it touches, once per item, so its cost
grows with the table: `local_stack.moto_transactions` replaces it with a copy of only the items
it touches (set FRONTDESK_MOTO_TRANSACTION_FIX=0 to measure moto's own, e.g. in bench/intake.py).

`install()` and `uninstall()` nest (the test fixture and the harnesses that need atomic writes
each install them): the last `uninstall()` puts moto back.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, Final

WRITES: Final = ("put_item", "update_item", "delete_item", "transact_write_items")

log = logging.getLogger("local_stack")

_lock = threading.RLock()
_originals: dict[str, Callable[..., Any]] = {}
_installs = 0


def transaction_fix_wanted() -> bool:
    return os.environ.get("FRONTDESK_MOTO_TRANSACTION_FIX", "1") != "0"


def install() -> None:
    """Serialise moto's DynamoDB writes and make its transactions copy only what they touch."""
    global _installs
    from moto.dynamodb.models import DynamoDBBackend

    from local_stack import moto_transactions

    with _lock:
        _installs += 1
        if _installs > 1:
            return
    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        _originals[name] = original
        if name == "transact_write_items" and transaction_fix_wanted():
            if moto_transactions.matches_pinned_moto(original):
                original = moto_transactions.transact_write_items
            else:
                log.warning("moto is not the version moto_transactions was written for: transactions copy tables")

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, atomic)


def uninstall() -> None:
    """Undo one `install()`; the last one puts moto's methods back."""
    global _installs
    from moto.dynamodb.models import DynamoDBBackend

    with _lock:
        _installs = max(0, _installs - 1)
        if _installs:
            return
    for name, original in _originals.items():
        setattr(DynamoDBBackend, name, original)
    _originals.clear()


def moto_original(name: str) -> Callable[..., Any]:
    """moto's own method while installed (to compare with it), else the current one."""
    from moto.dynamodb.models import DynamoDBBackend

    found: Callable[..., Any] = _originals.get(name) or getattr(DynamoDBBackend, name)
    return found
