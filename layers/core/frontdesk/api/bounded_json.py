"""The one JSON parser of both APIs: bounded, so no body can make it fail with anything but a 400.

Python's own parser has three ways to fail that are not a ``JSONDecodeError``: nesting deeper than
the interpreter's recursion limit (``RecursionError``), an integer longer than 4,300 digits
(``ValueError``), and it accepts ``NaN`` and ``Infinity``, which JSON does not have. Every body
the resolver reads goes through :func:`loads`: nesting is counted before parsing, numbers are
bounded while parsing, and each refusal is a :class:`DomainError` the error handler answers.
"""

from __future__ import annotations

import json
from typing import Any

from frontdesk.domain.errors import ErrorCode, InvalidInput

MAX_DEPTH = 32  # our deepest body (a quote's lines) is three levels
MAX_NUMBER_CHARS = 30  # amounts are at most 100,000,000 cents


class JsonTooDeep(InvalidInput, code=ErrorCode.JSON_TOO_DEEP): ...


class JsonNumberTooLong(InvalidInput, code=ErrorCode.JSON_NUMBER_TOO_LONG): ...


class JsonInvalid(InvalidInput, code=ErrorCode.JSON_INVALID): ...


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects, brackets inside strings not counted."""
    deepest = level = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonNumberTooLong(field="body", limit=MAX_NUMBER_CHARS)
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonNumberTooLong(field="body", limit=MAX_NUMBER_CHARS)
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JsonNumberTooLong(field="body", limit=MAX_NUMBER_CHARS)
    return value


def _constant(name: str) -> Any:
    """NaN, Infinity and -Infinity are not JSON."""
    raise JsonInvalid(field="body")


def loads(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if depth(text) > MAX_DEPTH:
        raise JsonTooDeep(field="body", limit=MAX_DEPTH)
    return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
