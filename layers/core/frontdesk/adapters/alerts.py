"""The escalation topic: short alerts for on-call subscribers (SMS, push). Ids and numbers only."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient


class SnsAlerts:
    def __init__(self, topic_arn: str, client: SNSClient | None = None) -> None:
        self._topic_arn = topic_arn
        self._given = client

    @cached_property
    def _client(self) -> SNSClient:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("sns")

    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        """Attributes (site_id, phase, level) let each site's subscribers filter their own alerts."""
        self._client.publish(
            TopicArn=self._topic_arn,
            Message=json.dumps(body, ensure_ascii=False, sort_keys=True),
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
