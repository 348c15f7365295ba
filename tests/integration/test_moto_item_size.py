"""moto's Item.size as the local stack counts it (local_stack.moto_item_size): moto's own number."""

from __future__ import annotations

from moto.dynamodb.models.dynamo_type import DynamoType, Item

from local_stack import moto_item_size

ATTRS = {
    "PK": {"S": "TICKET#1"},
    "描述": {"S": "卫生间水龙头一直滴水。"},
    "empty": {"S": ""},
    "version": {"N": "12"},
    "ratio": {"N": "-0.125"},
    "urgent": {"BOOL": True},
    "note": {"NULL": True},
    "tags": {"SS": ["a", "水"]},
    "scores": {"NS": ["1", "2.5"]},
    "contact": {"M": {"name": {"S": "王老师"}, "phones": {"L": [{"S": "13800138000"}, {"N": "7"}]}}},
    "photo": {"B": b"\x89PNG\r\n"},
    "thumbs": {"BS": [b"\x00", b"\x01\x02"]},
}


def test_the_size_is_motos() -> None:
    item = Item(DynamoType({"S": "TICKET#1"}), DynamoType({"S": "TICKET"}), ATTRS)
    original = moto_item_size.moto_own() or Item.size
    assert moto_item_size.item_size(item) == original(item) > 0
    for name, value in ATTRS.items():
        one = Item(DynamoType({"S": "k"}), None, {name: value})
        assert moto_item_size.item_size(one) == original(one), name
