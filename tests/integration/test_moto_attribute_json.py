"""moto's DynamoDB and DynamoDB Streams responses with the AttributeValue short-cut
(local_stack.moto_attribute_json): byte for byte what moto's own serialiser writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.core.serialize import XFormedAttributePicker, get_serializer_class
from moto.core.utils import get_service_model

from local_stack import moto_attribute_json

from .attribute_samples import EVERY_TYPE, TEXT_TYPES


def _serialise(service: str, operation: str, result: dict[str, Any]) -> str:
    operation_model = get_service_model(service).operation_model(operation)
    serializer = get_serializer_class(service, "json")(
        operation_model=operation_model, pretty_print=False, value_picker=XFormedAttributePicker()
    )
    return str(serializer.serialize(result)["body"])


def _record(image: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventID": "1",
        "eventName": "MODIFY",
        "eventSource": "aws:dynamodb",
        "eventVersion": "1.0",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 12, 3, tzinfo=UTC),
            "Keys": {"PK": image["PK"], "SK": image["SK"]},
            "NewImage": image,
            "OldImage": {**image, "version": {"N": "2"}},
            "SequenceNumber": "7",
            "SizeBytes": 100,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


CASES = [
    (
        "dynamodbstreams",
        "GetRecords",
        {"Records": [_record(TEXT_TYPES), _record(EVERY_TYPE)], "NextShardIterator": "x"},
    ),
    ("dynamodb", "Query", {"Items": [TEXT_TYPES, EVERY_TYPE], "Count": 2, "ScannedCount": 2}),
    ("dynamodb", "GetItem", {"Item": TEXT_TYPES}),
    ("dynamodb", "UpdateItem", {"Attributes": {"n": {"N": "5"}}}),
]


@pytest.fixture
def moto_as_released() -> Iterator[None]:
    was_installed = moto_attribute_json.installed()
    moto_attribute_json.uninstall()
    yield
    if was_installed:
        moto_attribute_json.install()


@pytest.mark.parametrize(("service", "operation", "result"), CASES)
def test_short_cut_writes_what_moto_writes(
    service: str, operation: str, result: dict[str, Any], moto_as_released: None
) -> None:
    released = _serialise(service, operation, result)
    moto_attribute_json.install()
    try:
        short = _serialise(service, operation, result)
    finally:
        moto_attribute_json.uninstall()
    assert short == released


def test_a_wire_form_value_is_put_in_as_it_is(moto_as_released: None) -> None:
    service_model = get_service_model("dynamodb")
    serializer = get_serializer_class("dynamodb", "json")(
        operation_model=service_model.operation_model("GetItem"),
        pretty_print=False,
        value_picker=XFormedAttributePicker(),
    )
    shape = service_model.shape_for("AttributeValue")
    moto_attribute_json.install()
    try:
        out: dict[str, Any] = {}
        serializer._serialize(out, TEXT_TYPES["contact"], shape, "contact")  # type: ignore[arg-type]  # botocore's Shape
    finally:
        moto_attribute_json.uninstall()
    assert out["contact"] is TEXT_TYPES["contact"]  # not walked member by member


def test_only_wire_form_values_are_short_cut() -> None:
    assert moto_attribute_json.in_wire_form(TEXT_TYPES["contact"])
    assert not moto_attribute_json.in_wire_form(EVERY_TYPE["photo"])
    assert not moto_attribute_json.in_wire_form({"L": [{"B": b"x"}]})
    assert not moto_attribute_json.in_wire_form({"N": 3})
    assert not moto_attribute_json.in_wire_form({"S": "a", "N": "1"})
    assert not moto_attribute_json.in_wire_form({})
