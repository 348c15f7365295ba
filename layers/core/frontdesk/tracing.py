"""X-Ray only when tracing is on (docs/decisions/0027).

powertools' ``Tracer()`` imports ``aws_xray_sdk.core`` (botocore patchers and all: ~150 ms of a cold
start) even when tracing is off, as it is outside Lambda, locally and in tests. ``tracer()`` gives
the real one where powertools would trace, and otherwise a stand-in that imports nothing and leaves
each handler as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Tracer

from frontdesk.settings import settings


def tracing_on() -> bool:
    """powertools' own rule: in Lambda (not SAM local or Chalice), unless POWERTOOLS_TRACE_DISABLED."""
    return settings().tracing_on


class Untraced(Tracer):
    """A tracer that is off: no provider, nothing of X-Ray imported, handlers returned unwrapped."""

    def __init__(self) -> None:  # not Tracer's: its __init__ is what imports the X-Ray SDK
        self.disabled = True

    def capture_lambda_handler(
        self, lambda_handler: Any = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Callable[..., Any]:
        return lambda_handler if lambda_handler is not None else _unchanged

    def capture_method(
        self, method: Any = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Any:
        return method if method is not None else _unchanged

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        return None

    def patch(self, modules: Any = None) -> None:
        return None


def _unchanged(function: Callable[..., Any]) -> Callable[..., Any]:
    return function


def tracer() -> Tracer:
    """The function's tracer: powertools' when tracing is on, else one that costs nothing."""
    return Tracer() if tracing_on() else Untraced()
