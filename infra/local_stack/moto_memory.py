"""What moto's DynamoDB holds per item and per stream record, made smaller, with moto's semantics.

- **Tracking.** moto 5.2.5's `BaseModel.__new__` appends each new instance to its class's
  `instances_tracked` list, for the dashboard's /moto-api/data.json and to dispose of S3 keys on
  reset; nothing takes them out. DynamoDB makes such an object per item written (`Item`, also every
  copy of one: a transaction's journal), per stream record (`StreamRecord`, ~3 KB with its images)
  and per GetRecords (`ShardIterator`): every item version, record and iterator stayed alive after
  the table, the stream or the client let go of it. Those three classes get a `__new__` that does
  not track: the dashboard lists no instance of them (their tables still show).
- **Strings.** Each item's attribute names, and values such as its partition key, site, status,
  type, come as new strings from each request's JSON: 46 names in a ticket, 16 search-term items
  per ticket repeating its key. An item's attribute names and its string and number values of up
  to `INTERNED_VALUE_CHARS` characters are interned as `LimitedSizeDict` stores them (moto's own
  check first): equal strings, one copy. bench/stack_memory.py, a ticket's 19 items: 52 KB, 34 KB
  interned.
- **Values.** A ticket's items hold ~170 `DynamoType` objects (every attribute value, and every
  member of a map or list), 96 bytes each in CPython 3.11 beside what they hold: an object and a
  values array of its own. `DynamoType` is replaced by a copy with `__slots__ = ("type",
  "value")` (its only attributes), 48 bytes (`local_stack.slotted`): the same methods, for the
  rest of the process (an instance of the old class would fail moto's `type(x) is DynamoType`).

Replaced only while moto's sources have the sha256 they were written against.
See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, Final

from local_stack import slotted
from local_stack.moto_transactions import source_fingerprint

# sha256 of moto 5.2.5's DynamoType: it sets no attribute but `type` and `value`.
DYNAMO_TYPE_SHA256: Final = "72b795ad49f18bffd1d62e62b946a83a824a66a4573e6364b372cabb4a7d85ae"
# sha256 of moto 5.2.5's sources: BaseModel.__new__ (object.__new__ plus the append to
# instances_tracked), LimitedSizeDict.__setitem__ (the size check, then dict's), and Item.__init__
# (stores every attribute through it).
PINNED_SOURCE_SHA256: Final = {
    "BaseModel.__new__": "08cf0ef20e88029a2eb91949492ce3281001a34b98143db186239962ad379eec",
    "LimitedSizeDict.__setitem__": "d979580fdbe14f79f3216564e1385c4b3485db82bc88193326c467a037331e81",
    "Item.__init__": "d9c12b62cb921831aab9b2eb22ac24fbd600689064a0219ae3ffbe057ae4be74",
}
INTERNED_VALUE_CHARS: Final = 64  # keys, ids, codes, times; not descriptions (rarely equal)

log = logging.getLogger("local_stack")

_originals: dict[str, Callable[..., Any]] = {}


def untracked_classes() -> tuple[type, ...]:
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamRecord
    from moto.dynamodbstreams.models import ShardIterator

    return (Item, StreamRecord, ShardIterator)


def _sources() -> dict[str, Any]:
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models.dynamo_type import Item, LimitedSizeDict

    return {
        "BaseModel.__new__": BaseModel.__new__,
        "LimitedSizeDict.__setitem__": _originals.get("LimitedSizeDict.__setitem__", LimitedSizeDict.__setitem__),
        "Item.__init__": Item.__init__,
    }


def matches_pinned_moto() -> bool:
    return all(source_fingerprint(f) == PINNED_SOURCE_SHA256[name] for name, f in _sources().items())


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


def _interning(original: Callable[..., None]) -> Callable[..., None]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    @functools.wraps(original)
    def __setitem__(self: dict[str, Any], key: str, value: Any) -> None:
        if type(value) is DynamoType and value.type in ("S", "N"):
            text = value.value
            if type(text) is str and len(text) <= INTERNED_VALUE_CHARS:
                value.value = sys.intern(text)
        original(self, sys.intern(key) if type(key) is str else key, value)

    return __setitem__


def slot_values() -> None:
    """DynamoType with slots from now on (before moto holds any value: see local_stack.slotted)."""
    from moto.dynamodb.models import dynamo_type

    if source_fingerprint(dynamo_type.DynamoType) != DYNAMO_TYPE_SHA256:
        if "__slots__" not in vars(dynamo_type.DynamoType):
            log.warning("moto is not the version moto_memory was written for: DynamoType keeps a dict")
        return
    if not slotted.replace_class(dynamo_type.__name__, "DynamoType", ("type", "value")):
        log.warning("moto already holds DynamoType values: they keep their dicts")


def install() -> None:
    """Stop tracking the untracked classes' instances (forgetting those tracked so far); intern;
    slot values."""
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    if not matches_pinned_moto():
        log.warning("moto is not the version moto_memory was written for: it keeps every item and stream record")
        return
    slot_values()
    for cls in untracked_classes():
        cls.__new__ = staticmethod(_untracked_new)  # type: ignore[assignment]
        cls.instances_tracked = []  # type: ignore[attr-defined]
    _originals["LimitedSizeDict.__setitem__"] = LimitedSizeDict.__setitem__
    LimitedSizeDict.__setitem__ = _interning(LimitedSizeDict.__setitem__)  # type: ignore[method-assign]


def uninstall() -> None:
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    for cls in untracked_classes():
        if "__new__" in cls.__dict__:
            del cls.__new__
    original = _originals.pop("LimitedSizeDict.__setitem__", None)
    if original is not None:
        LimitedSizeDict.__setitem__ = original  # type: ignore[method-assign]
