"""Publishing ticket changes. Bodies carry ids and states only: no names, phones or text (no PII)."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING

import boto3

from frontdesk.models.ticket import TimelineEvent

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient


class SnsTopic:
    """An SNS topic an adapter publishes to, with string message attributes subscribers filter on."""

    def __init__(self, topic_arn: str, client: SNSClient | None = None) -> None:
        self._topic_arn = topic_arn
        self._given = client

    @cached_property
    def _client(self) -> SNSClient:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("sns")

    def _publish(self, message: str, attributes: dict[str, str]) -> None:
        self._client.publish(
            TopicArn=self._topic_arn,
            Message=message,
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )


class ChangePublisher(SnsTopic):
    def publish(self, event: TimelineEvent) -> None:
        body = {
            "ticket_id": event.ticket_id,
            "seq": event.seq,
            "action": event.action,
            "from_status": event.from_status.value if event.from_status else None,
            "to_status": event.to_status.value,
            "at": event.at,
        }
        # Subscribers filter on these (e.g. an on-call SMS only for "dispatch").
        self._publish(json.dumps(body), {"action": event.action, "to_status": event.to_status.value})
