"""The bases of every model (stored records, values, API inputs and outputs), and how a view is cut
from a record."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

View = TypeVar("View", bound=BaseModel)

# pydantic 2.13 builds a deferred model without a lock (pydantic#13419, fixed upstream by #13438):
# Lambda runs one invocation per process, but the local stack's containers are threads of one
# process, and two first requests could build one model at once and read it half-built.
_BUILDING = threading.RLock()


class Model(BaseModel):
    """The base of every model of the layer: its validator is built on first use, not at import.

    Every function imports every model (the wiring reaches every use case), but one invocation
    uses a few of them: building all of them at import was most of a cold start after boto3
    (ADR 0027). A model's schema, validation errors and OpenAPI document are the same either way."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        """pydantic's first build of a deferred model, one at a time across threads."""
        with _BUILDING:
            return super().model_rebuild(
                force=force,
                raise_errors=raise_errors,
                # this frame is one more between pydantic's caller and its namespace
                _parent_namespace_depth=_parent_namespace_depth + 1 if _parent_namespace_depth > 0 else 0,
                _types_namespace=_types_namespace,
            )


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
