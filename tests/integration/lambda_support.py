"""What every integration harness needs: a Lambda context, handler modules loaded as Lambda loads them,
and a reader for what an SNS topic published."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from moto.ses.models import ses_backends

from frontdesk.models.site import Building, BuildingClass, Site
from frontdesk.models.ticket import Actor, ActorKind, Role

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
OPERATOR = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))
# The site the SLA and evidence harnesses seed: one class A building with units, one class B without.
SITE = Site(
    site_id="ql",
    code="QL",
    name="齐鲁校区",
    name_en="Qilu campus",
    buildings=(
        Building(
            building_id="admin",
            name="行政楼",
            name_en="Administration",
            building_class=BuildingClass.A,
            units=("101", "102"),
        ),
        Building(building_id="dorm", name="学生公寓", building_class=BuildingClass.B),
    ),
)
_unique = itertools.count()


@dataclass(frozen=True)
class Mail:
    """One mail as a person thinks of it: a subject and a body, and everyone it went to."""

    to: list[str]
    subject: str
    body: str


def sent_mail() -> list[Mail]:
    """What SES (moto) sent, each mail with its recipients gathered. Every SES message must name exactly
    one recipient, in To, and no Cc or Bcc: no member of a list may see another member's address."""
    mails: list[Mail] = []
    for message in ses_backends[ACCOUNT]["us-east-1"].sent_messages:
        destinations = {k: v for k, v in message.destinations.items() if v}
        assert list(destinations) == ["ToAddresses"] and len(destinations["ToAddresses"]) == 1, destinations
        (address,) = destinations["ToAddresses"]
        last = mails[-1] if mails else None
        if last is not None and (last.subject, last.body) == (message.subject, message.body) and address not in last.to:
            last.to.append(address)
        else:
            mails.append(Mail(to=[address], subject=message.subject, body=message.body))
    return mails


class LambdaContext:
    function_name = "frontdesk-test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:frontdesk-test"
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/frontdesk-test"
    log_stream_name = "2026/11/22/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def load_handler_module(relative: str, prefix: str = "fn") -> ModuleType:
    """A function's file as a fresh module, its folder on sys.path like Lambda's /var/task."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(f"{prefix}_{path.parent.name}_{next(_unique)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    code_dir = str(path.parent)
    sys.path.insert(0, code_dir)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(code_dir)
    return module


def load_test_module(relative: str) -> ModuleType:
    """A helper module of tests/unit (e.g. "tests/unit/records.py") shared with the integration tests:
    the two folders are separate packages, so it is loaded by path rather than imported."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(f"shared_{path.stem}_{next(_unique)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subscribe(topic_arn: str, prefix: str = "alerts") -> Callable[[], list[dict[str, Any]]]:
    """An SQS queue subscribed to the topic; the returned reader gives every message seen so far."""
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"{prefix}-{next(_unique)}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    seen: list[dict[str, Any]] = []

    def read() -> list[dict[str, Any]]:
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                envelope = json.loads(message["Body"])
                seen.append({"body": json.loads(envelope["Message"]), "attributes": envelope["MessageAttributes"]})
        return list(seen)

    return read
