"""A class replaced by a slotted copy of it (local_stack.slotted): the same behaviour for the
library's own code, smaller instances, and never two classes of one name alive at once."""

from __future__ import annotations

import sys
import tracemalloc
import types
from collections.abc import Iterator
from typing import Any

import pytest

from local_stack import slotted

LIBRARY = """
class Value:
    def __init__(self, kind, value):
        self.kind = kind
        self.value = value

    def copy(self):
        return Value(self.kind, self.value)

    def same(self, other):
        return type(other) is Value and other.kind == self.kind and other.value == self.value
"""


@pytest.fixture
def library() -> Iterator[types.ModuleType]:
    """A module defining `Value`, and a second module that imported it by name."""
    module = types.ModuleType("toy_library")
    exec(LIBRARY, module.__dict__)
    user = types.ModuleType("toy_user")
    user.Value = module.Value  # type: ignore[attr-defined]
    sys.modules.update(toy_library=module, toy_user=user)
    yield module
    del sys.modules["toy_library"], sys.modules["toy_user"]


def _bytes_each(make: Any, count: int = 2000) -> float:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [make() for _ in range(count)]
        return (tracemalloc.get_traced_memory()[0] - before) / len(kept)
    finally:
        tracemalloc.stop()


def test_the_copy_behaves_as_the_class_everywhere_it_was_named(library: types.ModuleType) -> None:
    old = library.Value
    old_size = _bytes_each(lambda: old("S", "x"))
    assert slotted.replace_class("toy_library", "Value", ("kind", "value"))
    new = library.Value
    assert new is not old and sys.modules["toy_user"].Value is new  # every holder of the name
    value = new("S", "x")
    assert not hasattr(value, "__dict__")
    assert value.same(value.copy())  # the library's `type(x) is Value` sees the copy
    assert new.__qualname__ == "Value" and new.__module__ == "toy_library"
    assert _bytes_each(lambda: new("S", "x")) < old_size - 24  # 96 → 48 bytes on CPython 3.11


def test_refused_while_an_instance_of_the_class_is_alive(library: types.ModuleType) -> None:
    held = library.Value("S", "x")
    assert not slotted.replace_class("toy_library", "Value", ("kind", "value"))
    assert type(held) is library.Value  # nothing replaced: the held value still passes the library's tests
    del held
    assert slotted.replace_class("toy_library", "Value", ("kind", "value"))


def test_replacing_twice_keeps_the_first_copy(library: types.ModuleType) -> None:
    assert slotted.replace_class("toy_library", "Value", ("kind", "value"))
    first = library.Value
    kept = first("S", "x")
    assert slotted.replace_class("toy_library", "Value", ("kind", "value"))
    assert library.Value is first and type(kept) is library.Value
