"""The outbox shows every mail and SNS message moto accepted once, newest first, reading only what is new."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local_stack import outbox
from local_stack.outbox import Outbox


@pytest.fixture
def aws(fake_aws_env: None) -> Iterator[None]:
    with mock_aws():
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress="desk@example.com")
        yield
    outbox.unstamp_sends()  # an outbox left unstopped by a test


def _mail(n: int) -> None:
    boto3.client("ses", region_name="us-east-1").send_email(
        Source="desk@example.com",
        Destination={"ToAddresses": [f"to{n}@example.com"]},
        Message={"Subject": {"Data": f"s{n}"}, "Body": {"Text": {"Data": "b"}}},
    )


def test_each_message_once_newest_first_and_only_new_ones_read(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sns = boto3.client("sns", region_name="us-east-1")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    box = Outbox("123456789012", "us-east-1")
    built: list[Any] = []
    real = outbox._ses_messages

    def counted(items: list[Any], seen: str) -> Any:
        built.extend(items)
        return real(items, seen)

    monkeypatch.setattr(outbox, "_ses_messages", counted)

    _mail(1)
    _mail(2)
    sns.publish(TopicArn=topic, Message="m1")
    box.sync()
    _mail(3)
    sns.publish(TopicArn=topic, Message="m2")
    box.sync()
    box.sync()

    messages = box.messages()
    assert [(m.channel, m.subject or m.body) for m in messages] == [
        ("sns", "m2"),
        ("email", "s3"),
        ("sns", "m1"),
        ("email", "s2"),
        ("email", "s1"),
    ]
    assert len(built) == 3  # each mail read once, however often the outbox looked


def test_a_message_keeps_the_time_moto_accepted_it_not_when_the_outbox_looked(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sns = boto3.client("sns", region_name="us-east-1")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    box = Outbox("123456789012", "us-east-1")
    times = ["2026-12-04T10:00:00.000Z", "2026-12-04T10:00:00.100Z", "2026-12-04T10:00:00.400Z"]
    monkeypatch.setattr(outbox, "_now", lambda: times.pop(0) if len(times) > 1 else times[0])

    _mail(1)  # accepted at .000
    sns.publish(TopicArn=topic, Message="m1")  # accepted at .100
    box.sync()  # looked at .400

    assert [(m.channel, m.sent_at, m.seen_at) for m in box.messages()] == [
        ("sns", "2026-12-04T10:00:00.100Z", "2026-12-04T10:00:00.400Z"),
        ("email", "2026-12-04T10:00:00.000Z", "2026-12-04T10:00:00.400Z"),
    ]
    from moto.ses.models import SESBackend

    Outbox("123456789012", "us-east-1")  # a second outbox wraps nothing twice
    assert not hasattr(getattr(SESBackend.send_email, "__wrapped__"), "__wrapped__")  # noqa: B009
    box.stop()  # and a stopped one leaves moto as released
    assert not hasattr(SESBackend.send_email, "__wrapped__")


def test_the_json_of_each_message_is_made_once_not_at_every_look(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Outbox("123456789012", "us-east-1")
    made: list[Any] = []
    real = dataclasses.asdict

    def counted(message: Any) -> Any:
        made.append(message)
        return real(message)

    monkeypatch.setattr(outbox, "asdict", counted)
    _mail(1)
    first = box.as_json()
    _mail(2)
    box.as_json()
    again = box.as_json()

    assert [m["subject"] for m in first] == ["s1"]
    assert [m["subject"] for m in again] == ["s2", "s1"]
    assert len(made) == 2
