"""moto 5.2.5's Query on a table's own key, reading one partition instead of the whole table.

moto answers every Query from `Table.all_items()`: a sorted list of every item in the table, which
it then filters by partition key. A Query on `PK = :ticket` thus costs O(n log n) in the table's
size, and every ticket change makes several. Here a Query without an IndexName runs moto's own
`Table.query` on a view of the table that holds only the queried partition: the same items in the
same order, the same paging, filters and errors. Index queries are left as they are (moto keeps no
index to read from). See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from local_stack.moto_transactions import source_fingerprint

# sha256 of moto 5.2.5's Table.query and Table.all_items: the view relies on query reading the
# table's items only through all_items().
PINNED_SOURCE_SHA256: Final = {
    "query": "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e",
    "all_items": "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d",
}


def matches_pinned_moto(query: Any, all_items: Any) -> bool:
    return source_fingerprint(query) == PINNED_SOURCE_SHA256["query"] and (
        source_fingerprint(all_items) == PINNED_SOURCE_SHA256["all_items"]
    )


class PartitionView:
    """A table as moto's Query sees it, holding one partition (everything else is the table's)."""

    all_items = Table.all_items

    def __init__(self, table: Table, hash_key: DynamoType) -> None:
        self._table = table
        bucket = table.items.get(hash_key)  # .get: the items are a defaultdict
        self.items = {hash_key: bucket} if bucket is not None else {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


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
        target: Any = PartitionView(self, hash_key) if index_name is None and hash_key is not None else self
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
