"""Every model of the layer builds its validator on first use, not at import (ADR 0027).

Every function imports every model through the wiring; building them all at import was most of a
cold start after boto3. A model that does not derive from `frontdesk.models.frozen.Model` (or
`Frozen`) would be built at import again, by every function."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError
from pydantic._internal import _model_construction

import frontdesk
from frontdesk.models.frozen import Frozen
from frontdesk.settings import Settings

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


def test_threads_that_first_use_a_model_at_once_build_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local stack's containers are threads: their first requests may reach one model together."""

    class Late(Frozen):
        name: str = Field(min_length=1)

    builds: list[type[BaseModel]] = []
    complete = _model_construction.complete_model_class

    def counted(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool:
        builds.append(cls)
        return complete(cls, *args, **kwargs)

    monkeypatch.setattr(_model_construction, "complete_model_class", counted)
    assert not Late.__pydantic_complete__
    start = threading.Barrier(8)

    def first_use(index: int) -> str:
        start.wait()
        return Late.model_validate({"name": f"n{index}"}).name

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch within a build, as a loaded machine makes them
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            names = list(pool.map(first_use, range(8)))
    finally:
        sys.setswitchinterval(switch)

    assert names == [f"n{index}" for index in range(8)]
    assert builds.count(Late) == 1
    with pytest.raises(ValidationError):
        Late.model_validate({"name": ""})
