"""Lambda event filtering (an event source mapping's `FilterCriteria`) for the local pollers.

A record is delivered when any filter's pattern matches it; the others are dropped before
batching, as Lambda drops them. Patterns are Lambda's JSON syntax: nested objects select fields,
a list holds the accepted values or comparisons. Supported: exact values, `prefix`,
`anything-but` (a value or a list) and `exists`. Other comparisons are refused when the template
is read, so a pattern is never half applied. As on Lambda, every comparison but
`{"exists": false}` needs the field to be there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

OPERATORS = frozenset({"prefix", "anything-but", "exists"})


class FilterError(ValueError):
    """A FilterCriteria pattern the local stack cannot apply."""


_MISSING = object()


def _check(pattern: Any, where: str) -> None:
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            _check(value, f"{where}.{key}")
        return
    if not isinstance(pattern, list) or not pattern:
        raise FilterError(f"{where}: a pattern's leaves are non-empty lists, not {pattern!r}")
    for rule in pattern:
        if isinstance(rule, dict) and (len(rule) != 1 or next(iter(rule)) not in OPERATORS):
            raise FilterError(f"{where}: {rule!r} is not supported locally (only {sorted(OPERATORS)})")


def _matches_rule(rule: Any, value: Any) -> bool:
    if not isinstance(rule, dict):
        return value is not _MISSING and value == rule
    operator, argument = next(iter(rule.items()))
    if operator == "exists":
        return (value is not _MISSING) == bool(argument)
    if value is _MISSING:
        return False
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(str(argument))
    excluded = argument if isinstance(argument, list) else [argument]
    return value not in excluded


def _matches(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, dict):
        if not isinstance(value, Mapping):
            value = {}
        return all(_matches(sub, value.get(key, _MISSING)) for key, sub in pattern.items())
    values = value if isinstance(value, list) else [value]
    return any(_matches_rule(rule, item) for rule in pattern for item in values)


@dataclass(frozen=True)
class EventFilter:
    """The parsed `FilterCriteria` of one mapping: it keeps a record if any pattern matches."""

    patterns: tuple[dict[str, Any], ...]

    def keeps(self, record: Mapping[str, Any]) -> bool:
        return not self.patterns or any(_matches(pattern, record) for pattern in self.patterns)


def event_filter(criteria: Mapping[str, Any] | None) -> EventFilter:
    """`FilterCriteria` as the template gives it ({"Filters": [{"Pattern": "<json>"}]})."""
    filters: Sequence[Mapping[str, Any]] = (criteria or {}).get("Filters") or []
    patterns: list[dict[str, Any]] = []
    for n, entry in enumerate(filters):
        try:
            pattern = json.loads(str(entry["Pattern"]))
        except (KeyError, ValueError) as error:
            raise FilterError(f"Filters[{n}]: the Pattern is not JSON: {error}") from error
        if not isinstance(pattern, dict):
            raise FilterError(f"Filters[{n}]: a Pattern is a JSON object")
        _check(pattern, f"Filters[{n}]")
        patterns.append(pattern)
    return EventFilter(tuple(patterns))
