"""An item with every DynamoDB attribute type, for the tests that compare the local stack's moto
short-cuts with moto's own answers (local_stack.moto_attribute_json, local_stack.moto_item_size)."""

from __future__ import annotations

from typing import Any

# Every type but the binary ones, which the wire carries base64-encoded.
TEXT_TYPES: dict[str, Any] = {
    "PK": {"S": "TICKET#1"},
    "SK": {"S": "TICKET"},
    "描述": {"S": "卫生间水龙头一直滴水。"},
    "empty": {"S": ""},
    "version": {"N": "12"},
    "ratio": {"N": "-0.125"},
    "urgent": {"BOOL": True},
    "note": {"NULL": True},
    "tags": {"SS": ["a", "水"]},
    "scores": {"NS": ["1", "2.5"]},
    "contact": {"M": {"name": {"S": "王老师"}, "phones": {"L": [{"S": "13800138000"}, {"N": "7"}]}}},
    "history": {"L": []},
}
EVERY_TYPE: dict[str, Any] = {**TEXT_TYPES, "photo": {"B": b"\x89PNG\r\n"}, "thumbs": {"BS": [b"\x00", b"\x01\x02"]}}
