"""Every model of the layer builds its validator on first use, not at import (ADR 0027).

Every function imports every model through the wiring; building them all at import was most of a
cold start after boto3. A model that does not derive from `frontdesk.models.frozen.Model` (or
`Frozen`) would be built at import again, by every function."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import frontdesk
from frontdesk.settings import Settings
from pydantic import BaseModel

# Settings is validated from the environment when the layer is imported: deferring it saves nothing.
BUILT_AT_IMPORT = {Settings}


def _subclasses(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_model_of_the_layer_defers_its_validator() -> None:
    for module in pkgutil.walk_packages(frontdesk.__path__, "frontdesk."):
        importlib.import_module(module.name)
    ours = {model for model in _subclasses(BaseModel) if model.__module__.startswith("frontdesk.")}

    assert len(ours) > 100  # the walk found the models
    built_at_import = sorted(
        f"{model.__module__}.{model.__qualname__}"
        for model in ours - BUILT_AT_IMPORT
        if not model.model_config.get("defer_build")
    )
    assert built_at_import == [], "derive these from frontdesk.models.frozen.Model (or Frozen)"
