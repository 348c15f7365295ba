"""Decoding DynamoDB stream images into domain models (boto3 TypeDeserializer lives here, at the edge)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from frontdesk.models.ticket import TimelineEvent

_deserializer = TypeDeserializer()


def from_image(image: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in image.items()}


def timeline_event(event_name: str, new_image: dict[str, Any] | None) -> TimelineEvent | None:
    """A newly appended timeline event, or None for every other kind of write."""
    if event_name != "INSERT" or not new_image:
        return None
    item = from_image(new_image)
    if item.get("type") != "event":
        return None
    fields = {k: v for k, v in item.items() if k not in {"PK", "SK", "type"}}
    return TimelineEvent.model_validate(fields)
