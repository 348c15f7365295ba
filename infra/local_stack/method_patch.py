"""One method of a class from a library (moto) replaced by a wrapper around it, and put back.

The local stack's moto patches install when the stack starts and uninstall when it stops; tests
install and uninstall them around a comparison with moto as released. Installing twice wraps once.
The class is found when the patch installs, so a module that declares a patch imports no moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class MethodPatch:
    def __init__(self, owner: Callable[[], type], name: str) -> None:
        self._owner = owner
        self._name = name
        self._original: Callable[..., Any] | None = None

    @property
    def installed(self) -> bool:
        return self._original is not None

    @property
    def original(self) -> Callable[..., Any] | None:
        """The library's own method while the patch is in place (to compare with it)."""
        return self._original

    def install(self, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        """The method becomes ``wrap(original)``, unless this patch is already in place."""
        if self._original is not None:
            return
        owner = self._owner()
        self._original = getattr(owner, self._name)
        setattr(owner, self._name, wrap(self._original))

    def uninstall(self) -> None:
        if self._original is None:
            return
        setattr(self._owner(), self._name, self._original)
        self._original = None
