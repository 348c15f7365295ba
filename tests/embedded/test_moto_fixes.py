"""Concurrent DynamoDB writes in the local stack are atomic, as on DynamoDB."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_stack import moto_fixes
from local_stack.provision import Stack

from .waiting import until


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


def test_a_read_never_sees_an_item_half_written(
    stack: Stack, aws: boto3.Session, atomic_writes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's UpdateItem on a new item writes its keys first and its attributes after: a read in
    between sees a counter with no `n` (DynamoDB never shows that). Here the writer is held at that
    point until the reader has sent its GetItem; the reader must get the whole item."""
    from moto.dynamodb.parsing.executors import UpdateExpressionExecutor

    name = stack["Table"]["name"] or ""
    mid_write, go_on, reader_sent = threading.Event(), threading.Event(), threading.Event()
    execute = UpdateExpressionExecutor.execute

    def held(self: UpdateExpressionExecutor, *args: Any) -> None:
        if not mid_write.is_set():  # the top-level call (it recurses into the expression's nodes)
            mid_write.set()
            assert go_on.wait(60)
        execute(self, *args)

    monkeypatch.setattr(UpdateExpressionExecutor, "execute", held)
    key = {"PK": {"S": "SITE#ql"}, "SK": {"S": "INCIDENT_COUNTER#2026"}}
    writer = threading.Thread(
        target=lambda: aws.client("dynamodb").update_item(
            TableName=name, Key=key, UpdateExpression="SET n = :one", ExpressionAttributeValues={":one": {"N": "1"}}
        )
    )
    seen: list[Any] = []
    reader_client = aws.client("dynamodb")
    reader_client.meta.events.register("before-send.dynamodb.GetItem", lambda **_: reader_sent.set())
    reader = threading.Thread(
        target=lambda: seen.append(reader_client.get_item(TableName=name, Key=key, ConsistentRead=True))
    )
    writer.start()
    assert mid_write.wait(60)
    reader.start()
    assert reader_sent.wait(60)
    reader.join(0.5)  # without the lock the read is answered now, from the half-written item
    go_on.set()
    writer.join(60)
    reader.join(60)
    assert seen and seen[0]["Item"] == {**key, "n": {"N": "1"}}


def test_an_execution_stopped_while_it_is_still_starting_is_stopped(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto makes an execution's environment in its own thread after parsing the definition; a stop
    in that moment raised AttributeError (a clock started and ended in one stream batch met it)."""
    from moto.core.config import default_user_config

    monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})
    sfn = aws.client("stepfunctions")
    definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    machine = sfn.create_state_machine(
        name="m", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    arns = [sfn.start_execution(stateMachineArn=machine, name=f"e{i}")["executionArn"] for i in range(5)]
    for arn in arns:  # at once: before their threads have parsed the definition
        sfn.stop_execution(executionArn=arn, cause="ended")

    def statuses() -> set[str]:
        return {sfn.describe_execution(executionArn=arn)["status"] for arn in arns}

    # moto records the stop in the execution's thread, soon after; not one is left running its hour-long wait
    until(lambda: statuses() == {"ABORTED"}, "every execution stopped")
