"""Routes of one shape declared once: a factory builds the handler, this gives it its signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter, Router


def new_router() -> Router:
    """A router for one desk's routes, which its function's resolver includes."""
    return Router()  # type: ignore[no-untyped-call]  # powertools leaves Router.__init__ unannotated


def declare_post(
    router: BaseRouter, path: str, summary: str, route: Callable[..., Any], name: str, returns: type, **parameters: Any
) -> None:
    """``POST path`` served by ``route``, a function called ``name`` (the OpenAPI operationId);
    powertools reads its parameters and what it returns from its annotations."""
    route.__name__ = name
    route.__annotations__ = {**parameters, "return": returns}
    router.post(path, summary=summary)(route)


def summary_of(command: type) -> str:
    """What a command's own docstring says it does, on one line: a route's summary (a base class's
    docstring is not inherited, so a command that says nothing is refused at import)."""
    doc = command.__dict__.get("__doc__")
    if not doc:
        raise TypeError(f"{command.__name__} says nothing of what it does")
    return " ".join(str(doc).split()).removesuffix(".")
