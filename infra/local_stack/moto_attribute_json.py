"""moto's JSON responses carry DynamoDB attribute values as they are, without walking their shape.

moto 5.2.5 serialises every response by walking the operation's output shape member by member,
guessing each member's key spelling (`XFormedAttributePicker`): a DynamoDB item of 20 attributes
costs about a hundred shape steps, a stream record (keys, new and old image) three times that.
Measured on the local stack under intake load, GetRecords took 12 ms of CPU a call and moto's
serialiser a fifth of every ticket's CPU, all under the one GIL the gateway and the functions share.

An `AttributeValue` whose value is already in wire form (``{"S": "x"}``, ``{"N": "1"}``, SS, NS,
BOOL, NULL, and M/L of such) serialises to itself, so it is put in the response as it is. Anything
else (a binary value, which moto base64-encodes here; an unknown or empty member) goes through
moto's own walk, so the bytes on the wire are moto's either way (tests/unit/test_moto_attribute_json.py
compares them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

from local_stack.method_patch import MethodPatch

SERVICES: Final = frozenset({"dynamodb", "dynamodbstreams"})
_STRING_SETS: Final = ("SS", "NS")


def in_wire_form(value: Any) -> bool:
    """True when `value` is an AttributeValue moto's serialiser would emit unchanged."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in ("S", "N"):
        return type(inner) is str
    if kind in ("BOOL", "NULL"):
        return type(inner) is bool
    if kind in _STRING_SETS:
        return type(inner) is list and all(type(member) is str for member in inner)
    if kind == "M":
        return isinstance(inner, Mapping) and all(
            type(name) is str and in_wire_form(member) for name, member in inner.items()
        )
    if kind == "L":
        return type(inner) is list and all(in_wire_form(member) for member in inner)
    return False  # B and BS (moto base64-encodes them), or no AttributeValue member at all


def _serializer() -> type:
    from moto.core.serialize import BaseJSONSerializer

    return BaseJSONSerializer


_patch = MethodPatch(_serializer, "_serialize_type_structure")


def installed() -> bool:
    return _patch.installed


def _short_cut(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (
            key
            and shape.name == "AttributeValue"
            and self.operation_model.service_model.service_name in SERVICES
            and in_wire_form(value)
        ):
            serialized[shape.serialization.get("name", key)] = value
            return
        original(self, serialized, value, shape, key)

    return serialize_structure


def install() -> None:
    """Short-cut AttributeValue structures of DynamoDB and DynamoDB Streams JSON responses."""
    _patch.install(_short_cut)


def uninstall() -> None:
    _patch.uninstall()
