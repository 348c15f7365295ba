"""Concurrent DynamoDB writes in the local stack are atomic, as on DynamoDB."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from local_stack import moto_fixes
from local_stack.provision import Stack


@pytest.fixture
def atomic_writes() -> Iterator[None]:
    moto_fixes.install()
    yield
    moto_fixes.uninstall()


def test_only_one_of_many_concurrent_conditional_writes_wins(
    stack: Stack, aws: boto3.Session, atomic_writes: None
) -> None:
    name = stack["Table"]["name"] or ""
    client = aws.client("dynamodb")
    client.put_item(TableName=name, Item={"PK": {"S": "T"}, "SK": {"S": "TICKET"}, "version": {"N": "1"}})
    winners: list[int] = []
    start = threading.Barrier(16)

    def writer(n: int) -> None:
        own = aws.client("dynamodb")
        start.wait()
        try:
            own.put_item(
                TableName=name,
                Item={"PK": {"S": "T"}, "SK": {"S": "TICKET"}, "version": {"N": "2"}, "by": {"N": str(n)}},
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": {"N": "1"}},
            )
            winners.append(n)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1

    streams = aws.client("dynamodbstreams")
    arn = stack["Table"]["stream_arn"] or ""
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert len(sequences) == len(set(sequences)) == 2
