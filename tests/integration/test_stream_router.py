"""The stream router driven by events/stream_ticket_dispatched.json: each timeline event published once."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from frontdesk.adapters.dynamodb import _ticket_item
from frontdesk.adapters.stream_images import from_image
from frontdesk.models.ticket import Status, Ticket
from frontdesk.settings import settings
from local_stack.provision import Stack

from .conftest import load_event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

Router = Callable[[dict[str, Any]], dict[str, Any]]
STREAM = "stream_ticket_dispatched.json"


def _subscribe(stack: Stack) -> Callable[[], list[dict[str, Any]]]:
    """An SQS queue on the events topic; returns a reader of the published bodies."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="events-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = stack["EventsTopic"]["arn"]
    assert topic is not None
    boto3.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

    def read() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]

    return read


def _publishing_batch() -> dict[str, Any]:
    """The sample's timeline INSERT, next to the day-counter update the same request streamed (ignored)."""
    modify, insert = load_event(STREAM)["Records"]
    counter = copy.deepcopy(modify)
    keys = {"PK": {"S": "SITE#ql"}, "SK": {"S": "COUNTER#2026-11-22"}}
    counter["eventID"] = "a2b83c0e5f1d7e9b6c4a3928d1e0fbc7"
    counter["dynamodb"].update(
        Keys=keys,
        NewImage={**keys, "n": {"N": "2"}},
        OldImage={**keys, "n": {"N": "1"}},
        SequenceNumber="4421584400000000017450439090",
        SizeBytes=96,
    )
    return {"Records": [counter, insert]}


def test_the_sample_is_what_the_adapter_writes() -> None:
    """The stream sample cannot drift from the table layout: same attributes, a valid ticket."""
    modify, insert = load_event(STREAM)["Records"]
    new = from_image(modify["dynamodb"]["NewImage"])
    old = from_image(modify["dynamodb"]["OldImage"])
    fields = {k: v for k, v in new.items() if k not in {"PK", "SK", "type"} and not k.startswith("GSI")}
    ticket = Ticket.model_validate(fields)

    assert set(new) == set(_ticket_item(ticket, ticket.updated_at))
    assert (old["status"], ticket.status) == ("received", Status.DISPATCHED)
    assert new["GSI1SK"] == f"{ticket.arrival_due}#{ticket.ticket_id}"
    assert modify["dynamodb"]["Keys"] == {"PK": {"S": f"TICKET#{ticket.ticket_id}"}, "SK": {"S": "TICKET"}}
    event = from_image(insert["dynamodb"]["NewImage"])
    assert (event["type"], event["SK"], event["seq"], event["action"]) == ("event", "EVT#000002", 2, "dispatch")
    assert event["seq"] == new["version"]


def test_the_timeline_event_is_published_once(stack: Stack, router: Router, table: Table) -> None:
    read = _subscribe(stack)
    sample = _publishing_batch()

    result = router(sample)

    assert result == {"batchItemFailures": []}
    published = read()
    assert published == [
        {
            "ticket_id": "3f2a9c1e5b7d4a608e1f2c3b4a5d6e7f",
            "seq": 2,
            "action": "dispatch",
            "from_status": "received",
            "to_status": "dispatched",
            "at": "2026-11-22T02:01:00.312Z",
        }
    ]
    for forbidden in ("张三", "13800138000", "eng1", "op1"):
        assert forbidden not in json.dumps(published, ensure_ascii=False)

    # The event source mapping retries a batch: a replayed record is not published again.
    assert router(sample) == {"batchItemFailures": []}
    assert read() == []
    routed = table.get_item(Key={"PK": "TICKET#3f2a9c1e5b7d4a608e1f2c3b4a5d6e7f", "SK": "ROUTED#000002"})
    assert "Item" in routed


def test_a_failed_publish_is_reported_and_can_be_retried(
    stack: Stack, table: Table, monkeypatch: pytest.MonkeyPatch, router: Router
) -> None:
    sample = _publishing_batch()
    monkeypatch.setenv("EVENTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:no-such-topic")
    settings.cache_clear()  # the router reads its settings on first use

    result = router(sample)

    insert_id = sample["Records"][1]["dynamodb"]["SequenceNumber"]
    assert result == {"batchItemFailures": [{"itemIdentifier": insert_id}]}
    routed = table.get_item(Key={"PK": "TICKET#3f2a9c1e5b7d4a608e1f2c3b4a5d6e7f", "SK": "ROUTED#000002"})
    assert "Item" not in routed


def test_the_whole_sample_batch_is_handled_without_failures(stack: Stack, router: Router) -> None:
    """The dispatch MODIFY (SLA timer start) and the timeline INSERT (publication) of one transaction."""
    read = _subscribe(stack)
    assert router(load_event(STREAM)) == {"batchItemFailures": []}
    assert [m["action"] for m in read()] == ["dispatch"]


def test_a_poison_record_in_a_batch_of_100_is_set_aside_and_the_99_others_are_routed(
    stack: Stack, router: Router
) -> None:
    """Partial batch response: only the record that cannot be read goes back (to be retried, then to
    the dead-letter queue); the 99 others are published once, not redone."""
    read = _subscribe(stack)
    _, insert = load_event(STREAM)["Records"]
    records = []
    for n in range(100):
        record = copy.deepcopy(insert)
        ticket_id = f"{n:032x}"
        image = record["dynamodb"]["NewImage"]
        image.update(PK={"S": f"TICKET#{ticket_id}"}, ticket_id={"S": ticket_id})
        record["dynamodb"]["Keys"]["PK"] = {"S": f"TICKET#{ticket_id}"}
        record["dynamodb"]["SequenceNumber"] = f"{4421584400000000017450439100 + n}"
        record["eventID"] = f"poison-test-{n}"
        records.append(record)
    poison = records[37]
    poison["dynamodb"]["NewImage"]["seq"] = {"S": "not a number"}  # an event no model accepts

    result = router({"Records": records})

    assert result == {"batchItemFailures": [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]}
    published: list[dict[str, Any]] = []
    while batch := read():
        published.extend(batch)
    assert len(published) == 99 and len({p["ticket_id"] for p in published}) == 99
    assert f"{37:032x}" not in {p["ticket_id"] for p in published}
