"""The bases of every model (stored records, values, API inputs and outputs), and how a view is cut
from a record."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

View = TypeVar("View", bound=BaseModel)


class Model(BaseModel):
    """The base of every model of the layer: its validator is built on first use, not at import.

    Every function imports every model (the wiring reaches every use case), but one invocation
    uses a few of them: building all of them at import was most of a cold start after boto3
    (ADR 0027). A model's schema, validation errors and OpenAPI document are the same either way."""

    model_config = ConfigDict(defer_build=True)


class Frozen(Model):
    """Immutable once built: a change is a new, validated copy."""

    model_config = ConfigDict(frozen=True)


def project(source: BaseModel, view: type[View], /, **values: Any) -> View:
    """``view`` built from the fields it shares by name with ``source``, then ``values``.

    The view's own fields are the allowlist: a field added to the record is not shown until the
    view declares it (and a value of the wrong type is refused by the view's validation).
    """
    shared = {name: getattr(source, name) for name in view.model_fields if name in type(source).model_fields}
    return view.model_validate({**shared, **values})
