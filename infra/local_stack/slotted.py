"""A library's class replaced, for the rest of the process, by a copy of it whose instances have
`__slots__` instead of a `__dict__`.

CPython 3.11 keeps an ordinary instance's attributes in a values array of its own beside the
object: 96 bytes for a two-attribute object, 48 with slots. The copy has the same methods (the same
function objects, so their globals are the library's module) and the same name; every module that
holds the class under its name gets the copy, so the library's own `type(x) is C` and
`isinstance(x, C)` tests see the copy from then on.

An instance of the old class would then fail those tests, so the swap is refused while one is
alive, and it is never undone: one class for the whole life of the process.
"""

from __future__ import annotations

import gc
import sys
from typing import Any


def slotted_copy(cls: type, slots: tuple[str, ...]) -> type:
    namespace: dict[str, Any] = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = slots
    copy = type(cls.__name__, cls.__bases__, namespace)
    copy.__qualname__ = cls.__qualname__
    return copy


def alive(cls: type) -> bool:
    return any(type(obj) is cls for obj in gc.get_objects())


def replace_class(module_name: str, name: str, slots: tuple[str, ...]) -> bool:
    """Give every module holding `module_name.name` a slotted copy of it. False when refused: an
    instance of the class is alive. True when the copy is in place (now or by an earlier call)."""
    module = sys.modules[module_name]
    old = getattr(module, name)
    if "__slots__" in vars(old):
        return True
    if alive(old):
        return False
    new = slotted_copy(old, slots)
    for holder in list(sys.modules.values()):
        if getattr(holder, name, None) is old:
            setattr(holder, name, new)
    return True
