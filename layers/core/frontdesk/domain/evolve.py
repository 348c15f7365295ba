"""A frozen model with some fields changed, validated like a new one.

pydantic's ``model_copy(update=…)`` skips validation: a misspelled field is silently added and a
wrong type is kept. Every transition in the domain goes through ``evolve`` instead, so a rule that
writes ``compleed_at`` or a number where a time belongs fails at once, in the test that runs it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class UnknownField(TypeError):
    """A rule changed a field its model does not have (a bug, not bad input)."""


def evolve(model: M, changes: dict[str, Any]) -> M:
    unknown = set(changes) - set(type(model).model_fields)
    if unknown:
        raise UnknownField(f"{type(model).__name__} has no field {', '.join(sorted(unknown))}")
    # shallow: nested models stay instances and are re-checked, not rebuilt from dicts
    fields = {name: getattr(model, name) for name in type(model).model_fields}
    return type(model).model_validate({**fields, **changes})
