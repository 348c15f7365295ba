"""moto 5.2.5's TransactWriteItems, keeping a copy of only the items it touches.

moto backs a transaction up with ``copy.deepcopy`` of the whole table, once per item of the
transaction, and rolls back by swapping the copy in. Its cost grows with the table (62 ms at 280
items, 505 ms and 10 GB at 2,080: issue 14). `transact_write_items` below is moto 5.2.5's own loop
(same checks, same errors, same order) with that backup replaced by a journal: before each
operation it keeps a copy of the one item the operation may write, and the length of the table's
stream; a cancelled transaction puts those items back and drops the stream records it added.
Every operation writes at most the item it names (the key lookup that fails for a malformed key
fails in moto's loop too, before any write), so the journal covers every write moto's copy did.
See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Final

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

# sha256 of moto 5.2.5's DynamoDBBackend.transact_write_items source: the loop copied below.
# Another moto must be read again before this replaces its method (`matches_pinned_moto`).
PINNED_SOURCE_SHA256: Final = "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4"


def source_fingerprint(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def matches_pinned_moto(original: Any) -> bool:
    return source_fingerprint(original) == PINNED_SOURCE_SHA256


@dataclass
class _Before:
    table: Table
    hash_value: DynamoType
    range_value: DynamoType | None
    item: Item | None  # a copy: UpdateItem changes the stored item in place
    bucket_existed: bool


@dataclass
class Journal:
    """What a transaction may change: one item per operation, and each table's stream length."""

    items: dict[tuple[int, DynamoType, DynamoType | None], _Before] = field(default_factory=dict)
    streams: dict[int, tuple[list[Any], int]] = field(default_factory=dict)

    def keep(self, backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> None:
        try:
            table = backend.get_table(op["TableName"])
            if op_type == "Put":
                attrs = op["Item"]
                names = [table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else [])]
                key = {name: attrs[name] for name in names}
            else:
                key = op["Key"]
            hash_value, range_value = backend.get_keys_value(table, key)
        except Exception:  # moto's loop fails this operation before it writes
            return
        slot = (id(table), hash_value, range_value)
        if slot in self.items:
            return
        bucket_existed = hash_value in table.items
        current = table.get_item(hash_value, range_value) if bucket_existed else None
        self.items[slot] = _Before(table, hash_value, range_value, copy.deepcopy(current), bucket_existed)
        shard = table.stream_shard
        if shard is not None and id(table) not in self.streams:
            self.streams[id(table)] = (shard.items, len(shard.items))

    def roll_back(self) -> None:
        for before in reversed(list(self.items.values())):
            items: dict[Any, Any] = before.table.items  # hash -> Item, or hash -> range -> Item
            if before.range_value is None:
                if before.item is None:
                    items.pop(before.hash_value, None)
                else:
                    items[before.hash_value] = before.item
                continue
            if before.item is not None:
                items[before.hash_value][before.range_value] = before.item
            elif before.hash_value in items:
                items[before.hash_value].pop(before.range_value, None)
                if not before.bucket_existed and not items[before.hash_value]:
                    del items[before.hash_value]
        for records, length in self.streams.values():
            del records[length:]  # sequence numbers are len(records) + start: they are reused, as after moto's swap


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's DynamoDBBackend.transact_write_items with the journal for the table copies."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    journal = Journal()
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            if op_type != "ConditionCheck":
                journal.keep(self, op_type, op)
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(condition_expression, names, values)
                if not condition_op.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            conditions = {
                "condition_expression": condition_expression,
                "expression_attribute_names": names,
                "expression_attribute_values": values,
            }
            if op_type == "Put":
                self.put_item(table_name, op["Item"], **conditions)
            elif op_type == "Delete":
                self.delete_item(table_name, key, **conditions)
            elif op_type == "Update":
                self.update_item(table_name, key, update_expression=op["UpdateExpression"], **conditions)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            journal.roll_back()
            raise
        except ConditionalCheckFailed as error:
            errors.append(("ConditionalCheckFailed", str(error.message), original_item))
        except Exception as error:  # moto reports any other failure as the item's reason
            errors.append((type(error).__name__, str(error), original_item))
    if any(code is not None for code, _, _ in errors):
        journal.roll_back()
        raise TransactionCanceledException(errors)
