"""moto 5.2.5's Query, reading one partition (of the table or of an index) instead of the whole table.

moto answers every Query from `Table.all_items()`: a sorted list of every item in the table, which
it then filters by the partition key (of the table, or of the index named). A Query thus costs
O(n log n) in the table's size, and every ticket change makes several. Here moto's own
`Table.query` runs on a view of the table whose `all_items()` holds only the candidates:

- without IndexName, the queried partition (`table.items[hash_key]`);
- with IndexName, the items whose index hash key attributes equal the Query's (one linear pass
  with a dict lookup per item, no sort of the whole table).

moto then applies every check it applies to the whole table (its own hash key test, index range
key presence, sort, paging, filters, projection, errors) to those candidates. The view's
`all_items` is moto's own, over the candidates in the table's order, and a stable sort of a
filtered list is the filtered sorted list, so the answers are moto's, item for item.
See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from local_stack.moto_transactions import source_fingerprint

# sha256 of moto 5.2.5's Table.query and Table.all_items: the views rely on query reading the
# table's items only through all_items(), and, with an index, keeping only the items whose
# attributes equal every one of its hash_key_conditions.
PINNED_SOURCE_SHA256: Final = {
    "query": "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e",
    "all_items": "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d",
}

HashConditions = Sequence[tuple[str, DynamoType]]


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
            target = IndexPartitionView(self, kwargs["hash_key_conditions"])
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
