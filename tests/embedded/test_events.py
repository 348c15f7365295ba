"""S3 notifications and schedules reach functions as the template wires them; failures are set aside."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from local_stack.events import (
    AsyncPolicy,
    S3Poller,
    ScheduleExpressionError,
    Scheduler,
    async_policy,
    invoke_async,
    next_fire,
    s3_mappings,
    schedule_mappings,
    subscribe_s3,
    undelivered_events,
)
from local_stack.provision import provision
from local_stack.runtime import Function, FunctionError
from local_stack.stats import DeliveryStats
from local_stack.template import Handler, Template

ANCHOR = datetime(2026, 11, 22, 13, 0, 0, tzinfo=UTC)


class Recorder(Function):
    def __init__(self, logical_id: str = "ReportsFunction", fail: int = 0) -> None:
        super().__init__(
            logical_id=logical_id,
            name=f"t-{logical_id}",
            arn=f"arn:aws:lambda:us-east-1:123456789012:function:t-{logical_id}",
            handler=Handler(logical_id, "x", "x/app.py", "lambda_handler"),
            timeout=15,
            memory=512,
        )
        self.fail = fail
        self.events: list[Any] = []

    def invoke(self, event: Any) -> Any:
        self.events.append(event)
        if len(self.events) <= self.fail:
            raise FunctionError(self.logical_id, "RuntimeError", f"failure {len(self.events)}")
        return None


def _clients(aws: boto3.Session) -> Callable[[str], Any]:
    return lambda service: aws.client(service)  # type: ignore[call-overload]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("rate(5 minutes)", "2026-11-22T13:07:00", "2026-11-22T13:10:00"),
        ("rate(1 minute)", "2026-11-22T13:07:00", "2026-11-22T13:08:00"),
        ("rate(2 hours)", "2026-11-22T13:07:00", "2026-11-22T15:00:00"),
        ("rate(1 day)", "2026-11-22T13:00:00", "2026-11-23T13:00:00"),
    ],
)
def test_rate_expressions_count_from_the_schedules_creation(expression: str, after: str, expected: str) -> None:
    assert next_fire(expression, _utc(after), anchor=ANCHOR) == _utc(expected)


@pytest.mark.parametrize("bad", ["cron(0 1 ? * MON *)", "at(2026-12-01T09:00:00)", "rate(0 minutes)", "every day"])
def test_what_cannot_run_locally_is_refused(bad: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        next_fire(bad, ANCHOR, anchor=ANCHOR)


def _template(events: dict[str, Any], **function_props: Any) -> Template:
    return {
        "Resources": {
            "Evidence": {"Type": "AWS::S3::Bucket", "Properties": {}},
            "Failed": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "ReportsFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"CodeUri": "functions/reports/", "Handler": "app.lambda_handler", "Events": events}
                | function_props,
            },
        }
    }


def test_schedule_events_are_read_from_the_template(aws: boto3.Session) -> None:
    template = _template(
        {
            "Weekly": {
                "Type": "ScheduleV2",
                "Properties": {
                    "ScheduleExpression": "rate(7 days)",
                },
            },
            "Monthly": {
                "Type": "Schedule",
                "Properties": {"Schedule": "rate(30 days)", "Input": '{"period": "m"}'},
            },
            "Off": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)", "Enabled": False}},
            "Queue": {"Type": "SQS", "Properties": {"Queue": "arn:aws:sqs:us-east-1:123456789012:q"}},
        }
    )
    stack = provision(aws, template, "t")
    mappings = {m.event: m for m in schedule_mappings(template, stack.resolver(), "t")}
    assert mappings["Weekly"].kind == "ScheduleV2" and mappings["Monthly"].kind == "Schedule"
    assert mappings["Monthly"].input == {"period": "m"}
    assert not mappings["Off"].enabled
    assert undelivered_events(template) == ["ReportsFunction.Queue (SQS)"]
    function = Recorder()
    scheduler = Scheduler(
        list(mappings.values()), {"ReportsFunction": function}, {}, _clients(aws), "123456789012", "us-east-1"
    )
    assert scheduler.fire("ReportsFunction.Monthly")
    assert scheduler.fire("ReportsFunction.Weekly")
    scheduler.mappings["ReportsFunction.Off"] = mappings["Off"]
    assert scheduler.fire("ReportsFunction.Off")
    monthly, weekly, rule = function.events
    assert monthly == {"period": "m"} and weekly == {}
    assert rule["detail-type"] == "Scheduled Event" and rule["source"] == "aws.events"
    assert rule["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/t-ReportsFunctionOff"]


def test_a_failing_async_invocation_is_retried_then_sent_to_the_on_failure_queue(aws: boto3.Session) -> None:
    template = _template(
        {},
        EventInvokeConfig={
            "MaximumRetryAttempts": 1,
            "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": {"Fn::GetAtt": ["Failed", "Arn"]}}},
        },
    )
    stack = provision(aws, template, "t")
    policy = async_policy(template, "ReportsFunction", stack.resolver())
    assert policy == AsyncPolicy(maximum_retry_attempts=1, on_failure=stack["Failed"]["arn"])
    stats = DeliveryStats("ReportsFunction.X")
    function = Recorder(fail=5)
    delivered = invoke_async(
        function, {"n": 1}, stats=stats, policy=policy, clients=_clients(aws), stop=threading.Event(), delays=(0,)
    )
    assert not delivered and len(function.events) == 2
    assert stats.snapshot() | {"failures": None} == {
        "received": 1,
        "delivered": 0,
        "failed": 1,
        "invocations": 2,
        "retries": 1,
        "failures": None,
    }
    (message,) = aws.client("sqs").receive_message(QueueUrl=stack["Failed"]["id"] or "")["Messages"]
    body = json.loads(message["Body"])
    assert body["requestPayload"] == {"n": 1}
    assert body["requestContext"]["condition"] == "RetriesExhausted"
    assert body["responsePayload"]["errorMessage"] == "failure 2"
    function = Recorder(fail=1)
    assert invoke_async(
        function, {"n": 2}, stats=stats, policy=policy, clients=_clients(aws), stop=threading.Event(), delays=(0,)
    )


@pytest.mark.timeout(60)
def test_object_created_notifications_reach_the_function_through_the_template_filter(aws: boto3.Session) -> None:
    template = _template(
        {
            "Photo": {
                "Type": "S3",
                "Properties": {
                    "Bucket": {"Ref": "Evidence"},
                    "Events": "s3:ObjectCreated:*",
                    "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "uploads/"}]}},
                },
            }
        }
    )
    stack = provision(aws, template, "t")
    (mapping,) = s3_mappings(template, stack.resolver())
    assert mapping.bucket == stack["Evidence"]["name"] and mapping.filter_rules == (("prefix", "uploads/"),)
    urls = subscribe_s3([mapping], _clients(aws), "t")
    function = Recorder()
    poller = S3Poller(mapping, function, urls[mapping.name], AsyncPolicy(), _clients(aws))
    poller.start()
    try:
        s3 = aws.client("s3")
        s3.put_object(Bucket=mapping.bucket, Key="elsewhere/a.jpg", Body=b"x")
        s3.put_object(Bucket=mapping.bucket, Key="uploads/t1/photo 1.jpg", Body=b"jpeg")
        deadline = time.monotonic() + 20
        while not function.events:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.5)  # the other object must not arrive
    finally:
        poller.stop()
        poller.join(10)
    (event,) = function.events
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == mapping.bucket
    assert record["s3"]["object"]["key"] == "uploads/t1/photo+1.jpg"  # URL-encoded, as S3 sends it
    assert record["s3"]["object"]["size"] == 4
    assert {"userIdentity", "requestParameters", "responseElements"} <= set(record)
    assert poller.stats.snapshot()["delivered"] == 1
