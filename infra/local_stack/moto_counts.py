"""A Query or Scan with ``Select: COUNT`` in moto copies nothing: only the number leaves moto.

moto 5.2.5 deep-copies every item a Query matched (before its filter) or a Scan kept, so that
what it answers cannot change under a later write. A COUNT answers no item, so the copies are
thrown away unread: intake's repeat count (the unit's tickets this quarter, GSI2) copied the
whole quarter of the unit, 3 ms of CPU at 40 tickets and growing with each. The filter reads the
stored items instead, under the lock `local_stack.moto_fixes` holds for every read, and only the
count is answered. Any other Select copies as moto does.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

COPY_MODULE = "copy"  # the name moto's table module calls copy.deepcopy by
_counting = threading.local()
_originals: dict[str, Any] = {}


class _CopyForCounts:
    """moto's table module's `copy`: deepcopy is the identity while this thread answers a COUNT."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_counting, "active", False):
            return list(value) if isinstance(value, list) else value
        return copy.deepcopy(value, memo)


def _counted(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def answer(self: Any) -> Any:
        if self.body.get("Select") != "COUNT":
            return original(self)
        _counting.active = True
        try:
            return original(self)
        finally:
            _counting.active = False

    return answer


def counting() -> bool:
    """True inside a COUNT's answer on this thread (for tests)."""
    return bool(getattr(_counting, "active", False))


def install() -> None:
    from moto.dynamodb.models import table
    from moto.dynamodb.responses import DynamoHandler

    if _originals:
        return
    _originals.update(copy=getattr(table, COPY_MODULE), query=DynamoHandler.query, scan=DynamoHandler.scan)
    setattr(table, COPY_MODULE, _CopyForCounts())
    DynamoHandler.query = _counted(DynamoHandler.query)  # type: ignore[method-assign]
    DynamoHandler.scan = _counted(DynamoHandler.scan)  # type: ignore[method-assign]


def uninstall() -> None:
    from moto.dynamodb.models import table
    from moto.dynamodb.responses import DynamoHandler

    if not _originals:
        return
    setattr(table, COPY_MODULE, _originals["copy"])
    DynamoHandler.query = _originals["query"]  # type: ignore[method-assign]
    DynamoHandler.scan = _originals["scan"]  # type: ignore[method-assign]
    _originals.clear()
