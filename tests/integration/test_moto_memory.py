"""moto lets go of items, stream records and iterators, and shares equal strings (local_stack.moto_memory)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamo_type, dynamodb_backends
from moto.dynamodbstreams.models import dynamodbstreams_backends

from local_stack import moto_memory, moto_transactions, stream_retention
from local_stack.provision import Stack

REGION = "us-east-1"


def _table(stack: Stack) -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[stack["Table"]["name"] or ""]


def _stored(table: Any, sk: str) -> Any:
    return table.get_item(dynamo_type.DynamoType({"S": "TICKET#1"}), dynamo_type.DynamoType({"S": sk}))


def _put(aws: boto3.Session, stack: Stack, sk: str, **attrs: str) -> None:
    item = {"PK": {"S": "TICKET#1"}, "SK": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    aws.client("dynamodb").put_item(TableName=stack["Table"]["name"] or "", Item=item)


def test_an_item_replaced_and_a_stream_record_dropped_are_freed(stack: Stack, aws: boto3.Session) -> None:
    """moto's own tracking keeps both alive for as long as the process lives."""
    table = _table(stack)
    _put(aws, stack, "TICKET", status="open")
    replaced = weakref.ref(_stored(table, "TICKET"))
    record = weakref.ref(table.stream_shard.items[-1])
    _put(aws, stack, "TICKET", status="closed")
    stream_retention.trim(table.stream_shard, len(table.stream_shard.items))
    gc.collect()
    assert replaced() is None
    assert record() is None


def test_an_iterator_no_one_holds_is_freed(stack: Stack, aws: boto3.Session) -> None:
    streams = aws.client("dynamodbstreams")
    arn = stack["Table"]["stream_arn"] or ""
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    iterators = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][REGION].shard_iterators
    made = weakref.ref(iterators[iterator["ShardIterator"]])
    iterators.clear()  # as if it had expired: moto's own tracking would still hold it
    gc.collect()
    assert made() is None


def test_equal_names_and_short_values_are_one_string(stack: Stack, aws: boto3.Session) -> None:
    description = "卫生间水龙头一直滴水，" * 10  # longer than INTERNED_VALUE_CHARS: kept as it came
    _put(aws, stack, "TERM#a", site_id="demo", description=description)
    _put(aws, stack, "TERM#b", site_id="demo", description=description)
    first, second = _stored(_table(stack), "TERM#a"), _stored(_table(stack), "TERM#b")
    name_a = next(name for name in first.attrs if name == "site_id")
    name_b = next(name for name in second.attrs if name == "site_id")
    assert name_a is name_b
    assert first.attrs["site_id"].value is second.attrs["site_id"].value
    assert first.attrs["PK"].value is second.attrs["PK"].value
    assert first.attrs["description"].value is not second.attrs["description"].value
    assert first.attrs["description"].value == second.attrs["description"].value


def test_values_are_slotted_and_answer_as_moto_does(stack: Stack, aws: boto3.Session) -> None:
    """Each attribute value, and each member of a map, without a dict of its own (96 → 48 bytes)."""
    _put(aws, stack, "TICKET", status="open")
    client = aws.client("dynamodb")
    key = {"PK": {"S": "TICKET#1"}, "SK": {"S": "TICKET"}}
    client.update_item(
        TableName=stack["Table"]["name"] or "",
        Key=key,
        UpdateExpression="SET detail = :d ADD visits :one",
        ExpressionAttributeValues={
            ":d": {"M": {"floor": {"N": "3"}, "tags": {"L": [{"S": "水"}]}}},
            ":one": {"N": "1"},
        },
    )
    stored = _stored(_table(stack), "TICKET")
    values = [*stored.attrs.values(), *stored.attrs["detail"].value.values()]
    assert all(type(v) is dynamo_type.DynamoType and not hasattr(v, "__dict__") for v in values)
    item = client.get_item(TableName=stack["Table"]["name"] or "", Key=key)["Item"]
    assert item["detail"] == {"M": {"floor": {"N": "3"}, "tags": {"L": [{"S": "水"}]}}}
    assert item["visits"] == {"N": "1"} and item["status"] == {"S": "open"}


def test_the_fix_replaces_the_moto_it_was_written_for() -> None:
    """A moto upgrade changes these fingerprints: read BaseModel.__new__, LimitedSizeDict.__setitem__,
    Item.__init__ and DynamoType (only `type` and `value` set on an instance) again, then update them."""
    assert moto_memory.matches_pinned_moto()
    assert moto_transactions.source_fingerprint(dynamo_type.DynamoType) == moto_memory.DYNAMO_TYPE_SHA256
