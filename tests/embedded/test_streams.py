"""Stream delivery follows the template's event source mapping: order, partial failures, bisect, set-aside."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from local_stack.filters import FilterError, event_filter
from local_stack.provision import Stack
from local_stack.runtime import FunctionError
from local_stack.stream_lanes import hash_key_of, lane_of, split
from local_stack.streams import StreamMapping, StreamPoller, lambda_record, stream_mappings
from local_stack.template import Template

from .recorder import Recorder
from .waiting import until

Records = list[dict[str, Any]]


class Scripted(Recorder):
    """A function whose answer per batch the test decides; it remembers every batch it was given."""

    def __init__(self, answer: Callable[[Records], Any]) -> None:
        super().__init__("StreamRouterFunction", stack="frontdesk")
        self.answer = answer
        self.batches: list[list[str]] = []

    def invoke(self, event: Any) -> Any:
        records: Records = event["Records"]
        self.batches.append([r["dynamodb"]["Keys"]["SK"]["S"] for r in records])
        return self.answer(records)


def _record(sk: str, sequence: int, pk: str = "P") -> dict[str, Any]:
    raw = {
        "eventID": f"e{sequence}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": {"PK": {"S": pk}, "SK": {"S": sk}},
            "NewImage": {"PK": {"S": pk}, "SK": {"S": sk}, "blob": {"B": b"\x00\x01"}},
            "SequenceNumber": str(sequence),
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "ApproximateCreationDateTime": datetime.now(UTC),  # as boto3 returns it
        },
    }
    return lambda_record(raw, "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x", "us-east-1")


def _poller(answer: Callable[[Records], Any], **overrides: Any) -> tuple[StreamPoller, Scripted]:
    settings: dict[str, Any] = {
        "function": "StreamRouterFunction",
        "event": "TableStream",
        "stream_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
        "batch_size": 25,
        "maximum_retry_attempts": 3,
        "bisect_on_error": True,
        "report_batch_item_failures": True,
        "maximum_record_age_seconds": 3600,
        "on_failure": None,
    }
    settings.update(overrides)
    function = Scripted(answer)
    return StreamPoller(StreamMapping(**settings), function, lambda service: None, "us-east-1"), function


def _deliver(poller: StreamPoller, records: Records) -> None:
    poller.stats.received += len(records)
    poller.stats.in_flight += len(records)
    poller._deliver("shard-1", records)


def ok(records: Records) -> dict[str, Any]:
    return {"batchItemFailures": []}


def test_records_become_lambda_shaped() -> None:
    record = _record("a", 7)
    assert record["eventSourceARN"].endswith("/stream/x")
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "AAE="}  # base64, as in Lambda's JSON
    assert json.loads(json.dumps(record)) == record


def test_a_good_batch_is_delivered_once_in_order() -> None:
    poller, function = _poller(ok)
    _deliver(poller, [_record(k, 100 + i) for i, k in enumerate("abcde")])
    assert function.batches == [list("abcde")]
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["failed"], stats["duplicates"], stats["in_flight"]) == (5, 0, 0, 0)


def test_a_partial_failure_is_retried_from_the_first_failed_record() -> None:
    failures = iter([["102"]])

    def answer(records: Records) -> dict[str, Any]:
        failed = next(failures, [])
        return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}

    poller, function = _poller(answer)
    _deliver(poller, [_record(k, 100 + i) for i, k in enumerate("abcde")])
    assert function.batches == [list("abcde"), list("cde")]
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["retries"], stats["partial_failures"], stats["duplicates"]) == (5, 1, 1, 0)


def test_an_unknown_item_identifier_fails_the_whole_batch() -> None:
    answers = iter([{"batchItemFailures": [{"itemIdentifier": "nope"}]}])
    poller, function = _poller(lambda records: next(answers, None), bisect_on_error=False)
    _deliver(poller, [_record(k, 100 + i) for i, k in enumerate("abc")])
    assert function.batches == [list("abc"), list("abc")]
    assert poller.stats.snapshot()["delivered"] == 3


def test_a_poison_record_is_isolated_by_bisection_and_set_aside_after_its_retries() -> None:
    def answer(records: Records) -> Any:
        if any(r["dynamodb"]["Keys"]["SK"]["S"] == "c" for r in records):
            raise FunctionError("StreamRouterFunction", "ValueError", "poison")
        return None

    poller, function = _poller(answer)
    _deliver(poller, [_record(k, 100 + i) for i, k in enumerate("abcde")])
    # abcde fails -> ab | cde ; ab ok ; cde fails -> c | de ; c fails 1 + 3 retries ; de ok
    assert function.batches == [list("abcde"), list("ab"), list("cde"), ["c"], ["c"], ["c"], ["c"], list("de")]
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["failed"], stats["bisections"], stats["retries"]) == (4, 1, 2, 3)
    (failure,) = stats["failures"]
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 4
    assert failure["responseContext"]["functionError"] == "Unhandled"
    info = failure["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == ("102", "102", 1)


def test_records_older_than_the_maximum_age_are_set_aside_unseen() -> None:
    poller, function = _poller(ok, maximum_record_age_seconds=60)
    old = _record("old", 100)
    old["dynamodb"]["ApproximateCreationDateTime"] -= 3600
    _deliver(poller, [old, _record("new", 101)])
    assert function.batches == [["new"]]
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["failed"]) == (1, 1)
    assert stats["failures"][0]["requestContext"]["condition"] == "RecordAgeExceeded"


# ------------------------------------------------------------------------ ParallelizationFactor

FACTOR = 4


def _keys_in_distinct_lanes(count: int) -> list[str]:
    """Partition keys that hash to `count` different lanes (found, not assumed)."""
    found: dict[int, str] = {}
    for n in range(1000):
        key = f"TICKET#{n}"
        found.setdefault(lane_of(_record("x", 1, key), FACTOR, "PK"), key)
        if len(found) == count:
            return list(found.values())
    raise AssertionError("no keys for distinct lanes")


def _deliver_page(poller: StreamPoller, records: Records) -> None:
    """As the poller delivers a page it read: split into lanes, each lane's batches in turn."""
    poller.stats.received += len(records)
    poller.stats.in_flight += len(records)
    poller._lanes.hash_key = "PK"
    poller._lanes.deliver("shard-1", records, poller._deliver_lane)


def _in_stream_order_per_key(function: Scripted, records: Records) -> None:
    """Each key's records reached the function (first time each) in stream order, none lost."""
    key_of = {r["dynamodb"]["Keys"]["SK"]["S"]: r["dynamodb"]["Keys"]["PK"]["S"] for r in records}
    seen: dict[str, list[str]] = {}
    for batch in function.batches:
        assert len({lane_of(_record("x", 1, key_of[sk]), FACTOR, "PK") for sk in batch}) == 1  # one lane a batch
        for sk in batch:
            if sk not in seen.setdefault(key_of[sk], []):
                seen[key_of[sk]].append(sk)
    expected: dict[str, list[str]] = {}
    for record in records:
        expected.setdefault(key_of[record["dynamodb"]["Keys"]["SK"]["S"]], []).append(
            record["dynamodb"]["Keys"]["SK"]["S"]
        )
    assert seen == expected


def test_records_are_split_into_lanes_by_partition_key_in_stream_order() -> None:
    records = [_record(f"s{i}", 100 + i, f"TICKET#{i % 7}") for i in range(40)]
    lanes = split(records, FACTOR, "PK")
    assert sorted(r["dynamodb"]["SequenceNumber"] for lane in lanes.values() for r in lane) == sorted(
        r["dynamodb"]["SequenceNumber"] for r in records
    )
    for lane, in_lane in lanes.items():
        assert [int(r["dynamodb"]["SequenceNumber"]) for r in in_lane] == sorted(
            int(r["dynamodb"]["SequenceNumber"]) for r in in_lane
        )
        assert all(lane_of(r, FACTOR, "PK") == lane for r in in_lane)
    assert set(split(records, 1, "PK")) == {0} and set(split(records, FACTOR, None)) == {0}
    assert (
        hash_key_of(
            {"KeySchema": [{"AttributeName": "SK", "KeyType": "RANGE"}, {"AttributeName": "PK", "KeyType": "HASH"}]}
        )
        == "PK"
    )


def test_lanes_deliver_batches_of_a_shard_at_once_each_key_in_order() -> None:
    keys = _keys_in_distinct_lanes(FACTOR)
    records = [_record(f"s{i:03d}", 100 + i, keys[i % FACTOR]) for i in range(4 * 30)]
    other_lane_started = threading.Event()
    running = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def answer(batch: Records) -> dict[str, Any]:
        with lock:
            running["now"] += 1
            running["peak"] = max(running["peak"], running["now"])
            if running["now"] > 1:
                other_lane_started.set()
        other_lane_started.wait(30)  # a bound, not a speed: one lane alone would wait it out
        with lock:
            running["now"] -= 1
        return {"batchItemFailures": []}

    poller, function = _poller(answer, parallelization_factor=FACTOR, batch_size=25)
    _deliver_page(poller, records)
    assert running["peak"] > 1
    assert all(len(batch) <= 25 for batch in function.batches)
    _in_stream_order_per_key(function, records)
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["failed"], stats["duplicates"], stats["in_flight"]) == (len(records), 0, 0, 0)


def test_retries_bisection_and_partial_failures_hold_up_only_their_own_lane() -> None:
    partial, poisoned, calm, _ = _keys_in_distinct_lanes(FACTOR)
    records = [_record(f"s{i:03d}", 100 + i, (partial, poisoned, calm)[i % 3]) for i in range(30)]
    once = {"s003"}  # a record of the `partial` lane fails once, reported by its identifier

    def answer(batch: Records) -> dict[str, Any]:
        sks = [r["dynamodb"]["Keys"]["SK"]["S"] for r in batch]
        if "s004" in sks:  # a poison record of the `poisoned` lane: bisected, then set aside
            raise FunctionError("StreamRouterFunction", "ValueError", "poison")
        failed = [r["dynamodb"]["SequenceNumber"] for r in batch if r["dynamodb"]["Keys"]["SK"]["S"] in once]
        once.clear()
        return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}

    poller, function = _poller(answer, parallelization_factor=FACTOR, batch_size=25)
    _deliver_page(poller, records)
    _in_stream_order_per_key(function, records)
    retried = [batch for batch in function.batches if batch and batch[0] == "s003"]
    assert retried and all(sk in {f"s{i:03d}" for i in range(3, 30, 3)} for sk in retried[0])  # from s003 on, its lane
    assert ["s004"] in function.batches  # isolated in its lane
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["failed"], stats["duplicates"], stats["in_flight"]) == (29, 1, 0, 0)
    assert stats["partial_failures"] == 1 and stats["bisections"] >= 1
    assert stats["failures"][0]["DDBStreamBatchInfo"]["shardId"] == "shard-1"


def test_the_template_mapping_is_read(template: Template, stack: Stack) -> None:
    (mapping,) = stream_mappings(template, stack.resolver())
    assert mapping.stream_arn == stack["Table"]["stream_arn"]
    assert (mapping.batch_size, mapping.maximum_retry_attempts, mapping.bisect_on_error) == (25, 3, True)
    assert mapping.report_batch_item_failures and mapping.starting_position == "TRIM_HORIZON"
    assert mapping.on_failure == stack["StreamDeadLetterQueue"]["arn"]
    assert mapping.filter.patterns and "FilterCriteria" not in mapping.unsupported
    assert mapping.parallelization_factor == 10 and "ParallelizationFactor" not in mapping.unsupported


def _pattern(pattern: Any) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(pattern)}]}


def test_filter_patterns_match_as_lambda_matches_them() -> None:
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {"type": {"S": "clock"}, "n": {"N": "3"}}}}
    keeps = event_filter(_pattern({"eventName": ["INSERT", "MODIFY"]})).keeps
    assert keeps(record) and not keeps({**record, "eventName": "REMOVE"})
    assert event_filter(_pattern({"dynamodb": {"NewImage": {"type": {"S": [{"prefix": "clo"}]}}}})).keeps(record)
    but = event_filter(_pattern({"dynamodb": {"NewImage": {"type": {"S": [{"anything-but": ["clock"]}]}}}})).keeps
    assert not but(record) and not but({"dynamodb": {}})  # a missing field matches no comparison
    missing = event_filter(_pattern({"dynamodb": {"OldImage": [{"exists": False}]}})).keeps
    assert missing(record)
    either = {"Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})}, {"Pattern": json.dumps({})}]}
    assert event_filter(either).keeps(record)
    assert event_filter(None).keeps(record)
    with pytest.raises(FilterError):
        event_filter(_pattern({"dynamodb": {"NewImage": {"n": {"N": [{"numeric": [">", 1]}]}}}}))


def test_records_no_filter_keeps_never_reach_the_function_and_are_counted(
    template: Template, stack: Stack, aws: boto3.Session
) -> None:
    (mapping,) = stream_mappings(template, stack.resolver())
    function = Scripted(ok)
    poller = StreamPoller(mapping, function, _clients(aws), stack.region)
    table = aws.resource("dynamodb").Table(stack["Table"]["name"] or "")
    table.put_item(Item={"PK": "P", "SK": "ROUTED#000001", "type": "routed"})
    table.put_item(Item={"PK": "P", "SK": "M#1", "type": "marker"})
    table.put_item(Item={"PK": "P", "SK": "EVT#000001", "type": "event"})
    table.put_item(Item={"PK": "P", "SK": "NOTIFIED#x", "type": "notified"})
    poller.start()
    try:
        until(lambda: poller.stats.snapshot()["received"] == 4, "the poller catches up")
        until(lambda: poller.stats.snapshot()["in_flight"] == 0, "the poller catches up")
    finally:
        poller.stop()
        poller.join(10)
    assert function.batches == [["EVT#000001"]]
    stats = poller.stats.snapshot()
    assert (stats["delivered"], stats["filtered"], stats["invocations"]) == (1, 3, 1)


def _clients(aws: boto3.Session) -> Callable[[str], Any]:
    return lambda service: aws.client(service)  # type: ignore[call-overload]


@pytest.mark.timeout(60)
def test_the_poller_reads_the_table_stream_and_sets_poison_aside_on_the_queue(
    template: Template, stack: Stack, aws: boto3.Session
) -> None:
    def answer(records: Records) -> Any:
        if any(r["dynamodb"]["Keys"]["SK"]["S"] == "poison" for r in records):
            raise FunctionError("StreamRouterFunction", "ValueError", "poison")
        return {"batchItemFailures": []}

    (mapping,) = stream_mappings(template, stack.resolver())
    function = Scripted(answer)
    poller = StreamPoller(mapping, function, _clients(aws), stack.region)
    table = aws.resource("dynamodb").Table(stack["Table"]["name"] or "")
    keys = ["a", "b", "poison", "c", "d"]
    for key in keys:
        table.put_item(Item={"PK": "P", "SK": key, "type": "ticket"})  # a type the mapping's filter keeps
    poller.start()
    try:
        until(
            lambda: poller.stats.snapshot()["delivered"] + poller.stats.snapshot()["failed"] == len(keys),
            "the poller catches up",
        )
        table.put_item(Item={"PK": "P", "SK": "e", "type": "ticket"})  # and later writes are picked up
        until(lambda: poller.stats.snapshot()["delivered"] == len(keys), "the poller catches up")
    finally:
        poller.stop()
        poller.join(10)
    assert not poller.is_alive()
    first_seen: list[str] = []
    for batch in function.batches:
        first_seen.extend(key for key in batch if key not in first_seen)
    assert first_seen == [*keys, "e"]  # stream order
    stats = poller.stats.snapshot()
    assert (stats["received"], stats["failed"], stats["duplicates"], stats["in_flight"]) == (6, 1, 0, 0)
    sqs = aws.client("sqs")
    messages = sqs.receive_message(QueueUrl=stack["StreamDeadLetterQueue"]["id"] or "", MaxNumberOfMessages=10)
    (message,) = messages["Messages"]
    body = json.loads(message["Body"])
    assert body["DDBStreamBatchInfo"]["streamArn"] == stack["Table"]["stream_arn"]
    assert body["DDBStreamBatchInfo"]["batchSize"] == 1
    assert body["requestContext"]["functionArn"] == function.arn
