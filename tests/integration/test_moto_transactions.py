"""TransactWriteItems in moto as the tests and the local stack run it (local_stack.moto_transactions):
all or nothing, moto's errors, and no copy of the table."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table

from local_stack import moto_fixes, moto_transactions
from local_stack.provision import Stack

REGION = "us-east-1"


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _item(pk: str, sk: str, **attrs: str) -> dict[str, Any]:
    return {"PK": _s(pk), "SK": _s(sk), **{name: _s(value) for name, value in attrs.items()}}


def _stream(aws: boto3.Session, stack: Stack) -> list[dict[str, Any]]:
    streams = aws.client("dynamodbstreams")
    arn = stack["Table"]["stream_arn"] or ""
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return [dict(record) for record in streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]]


def _scan(client: Any, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.scan(TableName=name)["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


@pytest.fixture
def seeded(stack: Stack, aws: boto3.Session) -> tuple[Any, str]:
    client = aws.client("dynamodb")
    name = stack["Table"]["name"] or ""
    for n in range(20):
        client.put_item(TableName=name, Item=_item(f"T#{n}", "TICKET", status="open"))
    return client, name


def test_a_cancelled_transaction_leaves_every_item_and_the_stream_as_they_were(
    seeded: tuple[Any, str], stack: Stack, aws: boto3.Session
) -> None:
    client, name = seeded
    before, stream_before = _scan(client, name), _stream(aws, stack)
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": name,
                        "Key": {"PK": _s("T#1"), "SK": _s("TICKET")},
                        "UpdateExpression": "SET #s = :s",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":s": _s("closed")},
                    }
                },
                {"Put": {"TableName": name, "Item": _item("T#new", "TICKET")}},
                {"Put": {"TableName": name, "Item": _item("T#new", "ROUTED#1")}},
                {"Delete": {"TableName": name, "Key": {"PK": _s("T#2"), "SK": _s("TICKET")}}},
                {
                    "Put": {
                        "TableName": name,
                        "Item": _item("T#3", "TICKET", status="taken"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    error = raised.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    reasons = error["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "None", "None", "None", "ConditionalCheckFailed"]
    assert reasons[4]["Item"] == _item("T#3", "TICKET", status="open")
    assert _scan(client, name) == before
    assert _stream(aws, stack) == stream_before


def test_two_operations_on_one_item_are_refused_and_nothing_stays_written(seeded: tuple[Any, str]) -> None:
    client, name = seeded
    before = _scan(client, name)
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": _item("T#x", "TICKET")}},
                {"Delete": {"TableName": name, "Key": {"PK": _s("T#1"), "SK": _s("TICKET")}}},
                {"Put": {"TableName": name, "Item": _item("T#x", "TICKET", status="twice")}},
            ]
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert _scan(client, name) == before


def test_a_committed_transaction_writes_every_item_with_one_stream_record_each(
    seeded: tuple[Any, str], stack: Stack, aws: boto3.Session
) -> None:
    client, name = seeded
    stream_before = _stream(aws, stack)
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": _item("T#new", "TICKET")}},
            {"Delete": {"TableName": name, "Key": {"PK": _s("T#2"), "SK": _s("TICKET")}}},
            {
                "ConditionCheck": {
                    "TableName": name,
                    "Key": {"PK": _s("T#4"), "SK": _s("TICKET")},
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
        ]
    )
    records = _stream(aws, stack)[len(stream_before) :]
    assert [record["eventName"] for record in records] == ["INSERT", "REMOVE"]
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in _stream(aws, stack)]
    assert sequences == sorted(set(sequences))
    keys = {(item["PK"]["S"], item["SK"]["S"]) for item in _scan(client, name)}
    assert ("T#new", "TICKET") in keys and ("T#2", "TICKET") not in keys


def test_a_table_without_a_range_key_rolls_back_too(stack: Stack, aws: boto3.Session) -> None:
    client = aws.client("dynamodb")
    name = stack["IdempotencyTable"]["name"] or ""
    client.put_item(TableName=name, Item={"id": _s("a"), "status": _s("INPROGRESS")})
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": {"id": _s("b")}}},
                {"Delete": {"TableName": name, "Key": {"id": _s("a")}}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": {"id": _s("zz")},
                        "ConditionExpression": "attribute_exists(id)",
                    }
                },
            ]
        )
    assert client.scan(TableName=name)["Items"] == [{"id": _s("a"), "status": _s("INPROGRESS")}]


def _table_copies(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    copied: list[object] = []
    deepcopy = copy.deepcopy

    def counting(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Table):
            copied.append(value)
        return deepcopy(value, *args, **kwargs)

    monkeypatch.setattr(copy, "deepcopy", counting)
    return copied


def _cancelled_transaction(client: Any, name: str) -> None:
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": _item("T#a", "TICKET")}},
                {"Put": {"TableName": name, "Item": _item("T#b", "TICKET")}},
                {
                    "Put": {
                        "TableName": name,
                        "Item": _item("T#1", "TICKET"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )


def test_a_transaction_copies_no_table_and_keeps_the_untouched_items_as_they_are(
    seeded: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, name = seeded
    backend: DynamoDBBackend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    table = backend.tables[name]
    untouched = table.items[next(key for key in table.items if key.value == "T#7")]
    copied = _table_copies(monkeypatch)
    _cancelled_transaction(client, name)
    client.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": _item("T#c", "TICKET")}}])
    assert copied == []
    assert backend.tables[name] is table
    assert table.items[next(key for key in table.items if key.value == "T#7")] is untouched


def test_moto_itself_copies_the_table_per_item(seeded: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """What the fix is for. When this fails, moto no longer copies tables: drop moto_transactions."""
    _, name = seeded
    backend: DynamoDBBackend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    moto_own = moto_fixes.moto_original("transact_write_items")
    copied = _table_copies(monkeypatch)
    with pytest.raises(TransactionCanceledException):
        moto_own(
            backend,
            [
                {
                    "Put": {
                        "TableName": name,
                        "Item": _item(f"T#{n}", "TICKET"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
                for n in range(3)
            ],
        )
    assert len(copied) == 3


def test_the_fix_replaces_the_moto_it_was_written_for() -> None:
    """A moto upgrade changes this fingerprint: read its transact_write_items again, then update it."""
    assert moto_transactions.matches_pinned_moto(moto_fixes.moto_original("transact_write_items"))
