"""The stream drops the records every poller of it has read (local_stack.stream_retention), nothing else."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from local_stack.provision import Stack
from local_stack.runtime import Function
from local_stack.stream_retention import StreamRetention
from local_stack.streams import StreamMapping, StreamPoller

from .recorder import Recorder
from .waiting import until

REGION = "us-east-1"


class Recording(Recorder):
    """Takes every batch; remembers the keys in the order given. `hold` keeps its first batch waiting."""

    def __init__(self, hold: threading.Event | None = None) -> None:
        super().__init__("Reader", stack="frontdesk")
        self.hold = hold
        self.keys: list[str] = []
        self.invoked = threading.Event()

    def invoke(self, event: Any) -> Any:
        self.invoked.set()
        if self.hold is not None:
            self.hold.wait(60)
        self.keys.extend(record["dynamodb"]["Keys"]["SK"]["S"] for record in event["Records"])
        return None


def _mapping(stack: Stack, event: str, batch_size: int = 7) -> StreamMapping:
    return StreamMapping(
        function="Reader", event=event, stream_arn=stack["Table"]["stream_arn"] or "", batch_size=batch_size
    )


def _poller(aws: boto3.Session, mapping: StreamMapping, function: Function) -> StreamPoller:
    return StreamPoller(mapping, function, lambda service: aws.client(service), REGION)  # type: ignore[call-overload]


def _shard(stack: Stack) -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[stack["Table"]["name"] or ""].stream_shard


def _put(aws: boto3.Session, stack: Stack, numbers: range) -> list[str]:
    client = aws.client("dynamodb")
    keys = [f"K#{n:04d}" for n in numbers]
    for key in keys:
        client.put_item(TableName=stack["Table"]["name"] or "", Item={"PK": {"S": "P"}, "SK": {"S": key}})
    return keys


def _from_trim_horizon(aws: boto3.Session, stack: Stack) -> list[dict[str, Any]]:
    streams = aws.client("dynamodbstreams")
    arn = stack["Table"]["stream_arn"] or ""
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records: list[Any] = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    return records


def _delivered(poller: StreamPoller, count: int) -> bool:
    return int(poller.stats.snapshot()["delivered"]) >= count


def _stopped(*pollers: StreamPoller) -> None:
    for poller in pollers:
        poller.stop()
    for poller in pollers:
        poller.join(10)


def test_records_every_poller_has_read_leave_the_stream_and_the_numbering_holds(
    stack: Stack, aws: boto3.Session
) -> None:
    shard = _shard(stack)
    already = len(shard.items)
    first = shard.starting_sequence_number
    mapping = _mapping(stack, "A")
    function = Recording()
    poller = _poller(aws, mapping, function)
    retention = StreamRetention([mapping], [poller], keep=10, chunk=10)
    written = _put(aws, stack, range(100))
    poller.start()
    try:
        until(lambda: _delivered(poller, already + 100), "the poller to read every record")
    finally:
        _stopped(poller)

    trimmed = retention.trimmed[mapping.stream_arn]
    assert len(shard.items) <= 20 < already + 100  # without the trim: every record stays
    assert trimmed == already + 100 - len(shard.items)
    assert function.keys[-100:] == written  # each once, in order
    # what is left starts at TRIM_HORIZON with its own numbers; the next write goes on from them
    kept = [int(record["dynamodb"]["SequenceNumber"]) for record in _from_trim_horizon(aws, stack)]
    assert kept == list(range(first + trimmed, first + already + 100))
    _put(aws, stack, range(100, 101))
    assert shard.items[-1].record["dynamodb"]["SequenceNumber"] == str(first + already + 100)


def test_a_poller_that_has_not_read_records_never_loses_them(stack: Stack, aws: boto3.Session) -> None:
    """Two mappings on one stream: the slow one holds its first batch while the other reads all."""
    shard = _shard(stack)
    already = len(shard.items)
    fast_mapping, slow_mapping = _mapping(stack, "Fast"), _mapping(stack, "Slow", batch_size=5)
    hold = threading.Event()
    fast, slow = Recording(), Recording(hold)
    fast_poller, slow_poller = _poller(aws, fast_mapping, fast), _poller(aws, slow_mapping, slow)
    retention = StreamRetention([fast_mapping, slow_mapping], [fast_poller, slow_poller], keep=0, chunk=1)
    written = _put(aws, stack, range(60))
    fast_poller.start()
    slow_poller.start()
    try:
        until(lambda: _delivered(fast_poller, already + 60) and slow.invoked.is_set(), "one reader done, one held")
        _put(aws, stack, range(60, 70))  # the fast reader reads these too, and trims again
        until(lambda: _delivered(fast_poller, already + 70), "the fast reader to read the new records")
        # nothing the slow reader has not read is gone
        slow_read = slow_poller.read_through[shard.id]
        assert shard.starting_sequence_number <= slow_read + 1
        assert retention.trimmed[fast_mapping.stream_arn] <= 5 + already
        hold.set()
        until(lambda: _delivered(slow_poller, already + 70), "the slow reader to read everything")
        until(lambda: not shard.items, "the last records to go once both have read them")
    finally:
        hold.set()
        _stopped(fast_poller, slow_poller)
    assert slow.keys[-70:] == fast.keys[-70:] == [*written, *[f"K#{n:04d}" for n in range(60, 70)]]


def test_a_stream_with_a_mapping_that_has_no_poller_is_not_trimmed(stack: Stack, aws: boto3.Session) -> None:
    """A disabled mapping, or one whose function does not exist: its records wait in the stream."""
    shard = _shard(stack)
    read, unread = _mapping(stack, "Read"), _mapping(stack, "Disabled")
    poller = _poller(aws, read, Recording())
    retention = StreamRetention([read, unread], [poller], keep=0, chunk=1)
    _put(aws, stack, range(20))
    poller.start()
    try:
        until(lambda: _delivered(poller, len(shard.items)) and len(shard.items) >= 20, "the poller to read all")
    finally:
        _stopped(poller)
    assert len(shard.items) >= 20
    assert retention.trimmed == {}
    assert poller.on_read is None
