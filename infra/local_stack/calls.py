"""The AWS calls the functions make, counted per function and operation, with the DynamoDB request
units they would be billed: what bench/cost.py prices (read from /local/stats.json).

Only calls made inside a function's invocation count (``inside``): the local stack's own plumbing
(stream polling, provisioning) is free on AWS or not frontdesk's. DynamoDB units are counted from
the items in the requests and answers, as DynamoDB bills them on demand: a write 1 unit per KB of
the item (2 in a transaction) plus 1 per global secondary index whose key the item carries; a read
1 unit per 4 KB (half for an eventually consistent one, 2 in a transaction). An UpdateItem that
returns no attributes counts 1 unit: its item's size is not in the call.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_current = threading.local()
_INDEX_KEY = re.compile(r"\bGSI\d+PK\b")


@contextmanager
def inside(function: str) -> Iterator[None]:
    """Calls made in this block are the function's."""
    previous = getattr(_current, "function", None)
    _current.function = function
    try:
        yield
    finally:
        _current.function = previous


def _kb(item: Mapping[str, Any], per: int) -> int:
    return max(1, math.ceil(len(json.dumps(item, default=str)) / per))


def _write_units(item: Mapping[str, Any], factor: int) -> int:
    return factor * _kb(item, 1024) + sum(1 for name in item if _INDEX_KEY.fullmatch(name))


def write_units(operation: str, params: Mapping[str, Any]) -> float:
    if operation == "PutItem":
        return _write_units(params["Item"], 1)
    if operation in ("UpdateItem", "DeleteItem"):
        return 1 + len(set(_INDEX_KEY.findall(params.get("UpdateExpression", ""))))
    if operation == "BatchWriteItem":
        return sum(
            _write_units(request.get("PutRequest", {}).get("Item", {"k": 1}), 1)
            for requests in params["RequestItems"].values()
            for request in requests
        )
    if operation == "TransactWriteItems":
        total = 0
        for action in params["TransactItems"]:
            if "Put" in action:
                total += _write_units(action["Put"]["Item"], 2)
            elif "Update" in action:
                total += 2 + len(set(_INDEX_KEY.findall(action["Update"].get("UpdateExpression", ""))))
            else:  # a Delete, or a ConditionCheck (billed as a write)
                total += 2
        return total
    return 0


def read_units(operation: str, params: Mapping[str, Any], parsed: Mapping[str, Any]) -> float:
    half = 1.0 if params.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        return half * _kb(parsed.get("Item") or {}, 4096)
    if operation in ("Query", "Scan"):
        size = sum(len(json.dumps(item, default=str)) for item in parsed.get("Items", []))
        return half * max(1, math.ceil(size / 4096))
    if operation == "BatchGetItem":
        return sum(0.5 * _kb(item, 4096) for items in parsed.get("Responses", {}).values() for item in items)
    if operation == "TransactGetItems":
        return sum(2 * _kb(r.get("Item") or {}, 4096) for r in parsed.get("Responses", []))
    return 0.0


class CallCounter:
    """Registered on the session the functions' clients are made from (before they are made)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.units: dict[str, float] = {"write": 0.0, "read": 0.0}

    def install(self, events: Any) -> None:
        events.register("before-parameter-build", self._remember_params)
        events.register("after-call", self._after)

    @staticmethod
    def _remember_params(params: Mapping[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
        context["frontdesk_params"] = params

    def _after(self, http_response: Any, parsed: Mapping[str, Any], model: Any, **kwargs: Any) -> None:
        function = getattr(_current, "function", None)
        if function is None:
            return
        service = model.service_model.service_name
        operation = model.name
        with self._lock:
            self.calls[f"{function} {service}.{operation}"] += 1
            if service == "dynamodb":
                params = kwargs.get("context", {}).get("frontdesk_params", {})
                self.units["write"] += write_units(operation, params)
                self.units["read"] += read_units(operation, params, parsed)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"calls": dict(self.calls), "dynamodb_units": dict(self.units)}
