"""moto's Item.size as the local stack counts it (local_stack.moto_item_size): moto's own number."""

from __future__ import annotations

from moto.dynamodb.models.dynamo_type import DynamoType, Item

from local_stack import moto_item_size

from .attribute_samples import EVERY_TYPE


def test_the_size_is_motos() -> None:
    item = Item(DynamoType({"S": "TICKET#1"}), DynamoType({"S": "TICKET"}), EVERY_TYPE)
    original = moto_item_size.moto_own() or Item.size
    assert moto_item_size.item_size(item) == original(item) > 0
    for name, value in EVERY_TYPE.items():
        one = Item(DynamoType({"S": "k"}), None, {name: value})
        assert moto_item_size.item_size(one) == original(one), name
