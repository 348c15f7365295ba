"""A Query or Scan with Select COUNT copies no item in moto (local_stack.moto_counts), and counts as moto does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto.dynamodb.models.dynamo_type import Item

from local_stack import moto_counts
from local_stack.provision import Stack


@contextmanager
def copies_counted() -> Iterator[list[int]]:
    """How many items moto deep-copies in the block (not monkeypatch: the `aws` fixture undoes moto first)."""
    made = [0]
    original = Item.__deepcopy__

    def counted(self: Item, memo: dict[int, Any]) -> Item:
        made[0] += 1
        return original(self, memo)

    Item.__deepcopy__ = counted  # type: ignore[method-assign]
    try:
        yield made
    finally:
        Item.__deepcopy__ = original  # type: ignore[method-assign]


@pytest.fixture
def unit(stack: Stack, aws: boto3.Session) -> tuple[Any, str]:
    client = aws.client("dynamodb")
    name = stack["Table"]["name"] or ""
    for n in range(12):
        client.put_item(
            TableName=name,
            Item={
                "PK": {"S": f"TICKET#{n:03d}"},
                "SK": {"S": "TICKET"},
                "GSI2PK": {"S": "UNIT#ql#B1#101"},
                "GSI2SK": {"S": f"2026-02-{n + 10:02d}"},
                "kind": {"S": "repair" if n % 3 else "complaint"},
            },
        )
    return client, name


QUERY = {
    "IndexName": "GSI2",
    "KeyConditionExpression": "GSI2PK = :unit AND GSI2SK >= :since",
    "FilterExpression": "kind = :kind",
    "ExpressionAttributeValues": {
        ":unit": {"S": "UNIT#ql#B1#101"},
        ":since": {"S": "2026-02-12"},
        ":kind": {"S": "repair"},
    },
}


def test_a_count_copies_nothing_and_counts_what_the_items_answer_counts(unit: tuple[Any, str]) -> None:
    client, name = unit
    with copies_counted() as made:
        counted = client.query(TableName=name, Select="COUNT", **QUERY)
    assert made[0] == 0
    items = client.query(TableName=name, **QUERY)
    assert (counted["Count"], counted["ScannedCount"]) == (items["Count"], items["ScannedCount"]) == (7, 10)
    assert "Items" not in counted


def test_items_answered_are_still_copies(unit: tuple[Any, str]) -> None:
    client, name = unit
    with copies_counted() as made:
        client.query(TableName=name, **QUERY)
        client.scan(TableName=name, Select="COUNT")  # a scan's count copies nothing either
    assert made[0] == 10  # the query's matches, before its filter: moto's own copy
    assert not moto_counts.counting()
