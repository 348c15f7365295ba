"""moto 5.2.5's Query, reading one partition (of the table or of an index) instead of the whole table.

moto answers every Query from `Table.all_items()`: a sorted list of every item in the table, which
it then filters by the partition key (of the table, or of the index named). A Query thus costs
O(n log n) in the table's size, and every ticket change makes several. Here moto's own
`Table.query` runs on a view of the table whose `all_items()` holds only the candidates:

- without IndexName, the queried partition (`table.items[hash_key]`);
- with IndexName, the items that hold the Query's index hash key value: found through a map
  (value -> item keys) kept up to date from the table's own stream, each checked against the item
  as it is now (`MaintainedIndexView`); for a table without a stream, or another moto's writers,
  by one pass over the table's items, no sort (`IndexPartitionView`).

moto then applies every check it applies to the whole table (its own hash key test, index range
key presence, sort, paging, filters, projection, errors) to those candidates. The view's
`all_items` is moto's own: it sorts the candidates by the table's key, unique to each item, so they
come in the order they have in the whole table's list, and the answers are moto's, item for item.
See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Final

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import StreamRecord, StreamShard, Table

from local_stack.moto_transactions import source_fingerprint

# sha256 of moto 5.2.5's Table.query and Table.all_items: the views rely on query reading the
# table's items only through all_items(), and, with an index, keeping only the items whose
# attributes equal every one of its hash_key_conditions.
PINNED_SOURCE_SHA256: Final = {
    "query": "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e",
    "all_items": "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d",
}

# sha256 of the moto 5.2.5 writers the maintained index map relies on: each write of an item
# (put, update in place, delete; one by one, in batches, and in transactions, which call these)
# appends one stream record naming the item's key, to the shard's list, which it may replace.
PINNED_WRITES_SHA256: Final = {
    "Table.put_item": "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47",
    "Table.delete_item": "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9",
    "DynamoDBBackend.put_item": "f5d9a5042c77b89e5f4c88b5884f7966b9dccd95b8b04090ee9e07afc5eea675",
    "DynamoDBBackend.delete_item": "083a4bb1af18f6fd2feef40195a4c9c803da66cb2cacd14f87916c6e76930ea5",
    "DynamoDBBackend.update_item": "218984588dd689a5de81678ce11e6a40d05c91e7b6c21b44c4ed4122fe74aa9f",
    "DynamoDBBackend.batch_write_item": "30550d960a97149bcd8b9067edcdb9e369c4154cbaeffce5ec918949510ce056",
    "StreamShard.add": "357dc6da267e5dd7d46e18ee25d14b232a98679677906a2f02e4d454d1f11e03",
    "StreamRecord.__init__": "511904c6352cfd9a0dc7eb26ebbff6ad007d734698d7097b194f7f56a85482be",
}

HashConditions = Sequence[tuple[str, DynamoType]]


@functools.cache
def writes_match_pinned_moto() -> bool:
    """Whether moto's writers are the ones the map was written for (the sources behind
    moto_fixes' wrappers: inspect follows __wrapped__); if not, index Queries scan the table."""
    owners: dict[str, type] = {
        "Table": Table,
        "DynamoDBBackend": DynamoDBBackend,
        "StreamShard": StreamShard,
        "StreamRecord": StreamRecord,
    }
    return all(
        source_fingerprint(getattr(owners[name.split(".")[0]], name.split(".")[1])) == sha
        for name, sha in PINNED_WRITES_SHA256.items()
    )


def matches_pinned_moto(query: Any, all_items: Any) -> bool:
    return source_fingerprint(query) == PINNED_SOURCE_SHA256["query"] and (
        source_fingerprint(all_items) == PINNED_SOURCE_SHA256["all_items"]
    )


class _View:
    """A table as moto's Query sees it, holding only some items (everything else is the table's)."""

    all_items = Table.all_items
    items: dict[DynamoType, Any]

    def __init__(self, table: Table) -> None:
        self._table = table

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


class PartitionView(_View):
    """One partition of the table's own key."""

    def __init__(self, table: Table, hash_key: DynamoType) -> None:
        super().__init__(table)
        bucket = table.items.get(hash_key)  # .get: the items are a defaultdict
        self.items = {hash_key: bucket} if bucket is not None else {}


def _has(attrs: dict[str, DynamoType], conditions: HashConditions) -> bool:
    for name, expected in conditions:
        value = attrs.get(name)
        if value is None or value != expected:
            return False
    return True


class IndexPartitionView(_View):
    """The items of one index partition: those whose index hash key attributes are the Query's.

    A superset of what moto keeps (it also drops falsy values and items without the index range
    key, and does so again here), in the table's own layout and order."""

    def __init__(self, table: Table, conditions: HashConditions) -> None:
        super().__init__(table)
        self.items = {}
        # One dict lookup per item (most items carry no key of this index): no call, no copy.
        (name, expected), rest = conditions[0], conditions[1:]
        for hash_key, bucket in table.items.items():
            if not table.range_key_attr:
                item: Any = bucket  # without a range key, the item itself (moto's typing says a dict)
                value = item.attrs.get(name)
                if value is not None and value == expected and _has(item.attrs, rest):
                    self.items[hash_key] = item
                continue
            kept: dict[DynamoType, Any] | None = None
            for range_key, item in bucket.items():
                value = item.attrs.get(name)
                if value is not None and value == expected and _has(item.attrs, rest):
                    if kept is None:
                        kept = self.items[hash_key] = {}
                    kept[range_key] = item


class _KeysByValue:
    """For each index hash key attribute asked for: its value -> the keys of the items holding it.

    Kept from the table's own stream: every write moto makes to an item (put, update in place,
    delete; in batches and transactions too) appends a record naming the item's key, so the
    records since the last Query name every item that may have moved. A stream that is not the one
    last read, or shorter, or whose last read record is another (moto starts a new list, a
    transaction's records truncated and others added) means a new map, built from the table. A
    cancelled transaction truncates only records read by nobody (Queries and writes hold
    moto_fixes' lock) after restoring its items, so the map still holds. The keys are candidates:
    the view checks every one against the item as it is now."""

    def __init__(self, records: list[Any]) -> None:
        self.records = records
        self.read = len(records)
        self.last = records[-1] if records else None
        self.by_attr: dict[str, dict[DynamoType, dict[tuple[Any, Any], None]]] = {}
        self.value_of: dict[str, dict[tuple[Any, Any], DynamoType]] = {}

    def current(self, records: list[Any]) -> bool:
        return (
            records is self.records
            and len(records) >= self.read
            and (self.read == 0 or records[self.read - 1] is self.last)
        )

    def catch_up(self, table: Table) -> None:
        for record in self.records[self.read :]:
            keys = record.record["dynamodb"]["Keys"]
            hash_key = DynamoType(keys[table.hash_key_attr])
            range_key = DynamoType(keys[table.range_key_attr]) if table.range_key_attr else None
            item = _stored(table, hash_key, range_key)
            for name in self.by_attr:
                self._place(name, (hash_key, range_key), item)
        self.read = len(self.records)
        self.last = self.records[-1] if self.records else None

    def build(self, table: Table, name: str) -> None:
        self.by_attr[name], self.value_of[name] = {}, {}
        for hash_key, bucket in table.items.items():
            pairs = bucket.items() if table.range_key_attr else [(None, bucket)]
            for range_key, item in pairs:
                self._place(name, (hash_key, range_key), item)

    def _place(self, name: str, key: tuple[Any, Any], item: Any) -> None:
        old = self.value_of[name].pop(key, None)
        if old is not None:
            self.by_attr[name][old].pop(key, None)
        value = item.attrs.get(name) if item is not None else None
        if value is not None:
            self.value_of[name][key] = value
            self.by_attr[name].setdefault(value, {})[key] = None


def records_dropped(table: Table, records: list[Any], count: int) -> None:
    """The stream's `count` oldest records are about to be dropped (local_stack.stream_retention,
    under moto_fixes' lock): the map first reads those it has not read yet, then its position moves
    with the list, so it stays current (not rebuilt from the whole table)."""
    keys: _KeysByValue | None = table.__dict__.get("_frontdesk_keys_by_value")
    if keys is None or not keys.current(records):
        return  # none, or stale: the next Query rebuilds it anyway
    keys.catch_up(table)
    keys.read -= min(count, keys.read)


def _stored(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Any:
    bucket: Any = table.items.get(hash_key)  # .get: the items are a defaultdict
    if bucket is None or range_key is None:
        return bucket
    return bucket.get(range_key)


def _candidate_keys(table: Table, name: str, value: DynamoType) -> list[tuple[Any, Any]] | None:
    """The keys of the items that may hold `value` in `name`; None for a table without a stream
    (or another moto's)."""
    shard = table.stream_shard
    if shard is None or not writes_match_pinned_moto():
        return None
    keys: _KeysByValue | None = table.__dict__.get("_frontdesk_keys_by_value")
    if keys is None or not keys.current(shard.items):
        keys = _KeysByValue(shard.items)
        table.__dict__["_frontdesk_keys_by_value"] = keys
    keys.catch_up(table)
    if name not in keys.by_attr:
        keys.build(table, name)
    return list(keys.by_attr[name].get(value, {}))


class MaintainedIndexView(_View):
    """The items of one index partition, found through `_KeysByValue` and checked as they are now."""

    def __init__(self, table: Table, conditions: HashConditions, keys: list[tuple[Any, Any]]) -> None:
        super().__init__(table)
        self.items = {}
        for hash_key, range_key in keys:
            item = _stored(table, hash_key, range_key)
            if item is None or not _has(item.attrs, conditions):
                continue
            if range_key is None:
                self.items[hash_key] = item
            else:
                self.items.setdefault(hash_key, {})[range_key] = item


def index_view(table: Table, conditions: HashConditions) -> _View:
    name, value = conditions[0]
    keys = _candidate_keys(table, name, value)
    return IndexPartitionView(table, conditions) if keys is None else MaintainedIndexView(table, conditions, keys)


def partition_query(original: Callable[..., Any]) -> Callable[..., Any]:
    def query(
        self: Table,
        hash_key: DynamoType | None,
        range_comparison: str | None,
        range_objs: list[DynamoType],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        *rest: Any,
        **kwargs: Any,
    ) -> Any:
        target: Any = self
        if index_name is None and hash_key is not None:
            target = PartitionView(self, hash_key)
        elif index_name is not None and kwargs.get("hash_key_conditions"):
            # Without hash key conditions moto keeps every item: the table itself is the view.
            target = index_view(self, kwargs["hash_key_conditions"])
        return original(
            target,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            *rest,
            **kwargs,
        )

    query.__doc__ = original.__doc__
    return query
