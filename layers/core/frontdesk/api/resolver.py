"""The resolver both API functions start from: validation on, errors mapped, bodies bounded.

Before routing, a body must be at most ``max_body_bytes``, UTF-8, and sent as JSON (a body with any
other Content-Type is 415; none means JSON, as powertools reads it). Every route then parses it with
the one bounded parser (frontdesk.api.bounded_json): no body can reach a 5xx.

A function's feature routers can be included lazily (``include_lazily``): the module beside the
handler is imported, and its router included, when a request's path has the shape of one of its
routes, and before the OpenAPI document is made. A cold start then imports the models of the route
it serves, not those of every feature (ADR 0027). The shapes are read from the module's source, its
``@router.<method>("<path>")`` lines, so a route is declared once; tests/unit/test_cold_imports.py
checks that what is read is exactly what the router registers, so no route is ever unreachable.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.shared.json_encoder import Encoder

from frontdesk.api import bounded_json, errors
from frontdesk.domain.errors import ErrorCode
from frontdesk.i18n import message, negotiate


class BoundedResolver(APIGatewayRestResolver):
    """Refuses an oversized or non-UTF-8 body before anything parses it."""

    def __init__(self, max_body_bytes: int) -> None:
        # UTF-8 on the wire: Chinese stays readable in responses and logs.
        serializer = partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False)
        super().__init__(enable_validation=True, serializer=serializer, json_body_deserializer=bounded_json.loads)
        self.max_body_bytes = max_body_bytes
        errors.register(self)
        self._lazy: dict[str, tuple[Path, tuple[tuple[str, ...], ...]]] = {}

    def include_lazily(self, handler_module: str, handler_file: str, routers: Iterable[str]) -> None:
        """``routers``: the modules beside the handler (by name, each with a ``router``) to include
        when a request's path has the shape of one of their routes."""
        folder = Path(handler_file).parent
        for name in routers:
            file = folder / f"{name}.py"
            unique = f"{handler_module}.{name}"  # each container (local stack, test) its own copy, as on Lambda
            self._lazy[unique] = (file, _route_shapes(file.read_text(encoding="utf-8")))

    def lazy_routers(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The routers not included yet, and the shapes of their routes (for the test that checks them)."""
        return {name: shapes for name, (_, shapes) in self._lazy.items()}

    def include_all(self) -> None:
        for name in list(self._lazy):
            self._include(name)

    def _include_for(self, path: str) -> None:
        wanted = _segments(path)
        for name, (_, shapes) in list(self._lazy.items()):
            if any(_has_shape(wanted, shape) for shape in shapes):
                self._include(name)

    def _include(self, name: str) -> None:
        file, _ = self._lazy.pop(name)
        spec = importlib.util.spec_from_file_location(name, file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # pydantic resolves the routes' annotations through it
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        self.include_router(module.router)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        self.include_all()  # the document has every route
        return super().get_openapi_schema(**kwargs)

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        body = event.get("body") or ""
        if len(body.encode("utf-8")) > self.max_body_bytes:
            return self._refuse(event, 413, ErrorCode.BODY_TOO_LARGE, {"limit": self.max_body_bytes})
        if body and not _is_json(_headers(event).get("content-type")):
            return self._refuse(event, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, {}, field="Content-Type")
        if event.get("isBase64Encoded") and body:
            # API Gateway base64-encodes what is not text; our bodies are JSON, so it must be UTF-8.
            try:
                base64.b64decode(body, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return self._refuse(event, 400, ErrorCode.BODY_ENCODING, {})
        if self._lazy:
            self._include_for(str(event.get("path") or ""))
        return super().resolve(event, context)

    def _refuse(
        self, event: Mapping[str, Any], status: int, code: ErrorCode, params: dict[str, Any], field: str | None = None
    ) -> dict[str, Any]:
        """Answered before routing, so without the resolver's own response builder."""
        lang = negotiate(_headers(event).get("accept-language"))
        body = {"code": code, "message": message(code, lang, **params), "field": field}
        return {
            "statusCode": status,
            "headers": {"Content-Type": "application/json", "Content-Language": lang},
            "body": json.dumps(body, ensure_ascii=False),
            "isBase64Encoded": False,
        }


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


# A route's path as a module declares it: a decorator's first argument, or declare_post's second
# (an f-string there: its "{...}" segments are parameters too).
_ROUTE = re.compile(r'(?:@router\.(?:get|post|put|patch|delete)\(|declare_post\(\s*router,)\s*f?"([^"]+)"')


def _route_shapes(source: str) -> tuple[tuple[str, ...], ...]:
    """The segments of each path a router module declares routes on, "*" for each parameter."""
    shapes = (tuple("*" if "<" in s or "{" in s else s for s in _segments(path)) for path in _ROUTE.findall(source))
    return tuple(dict.fromkeys(shapes))


def _has_shape(path: tuple[str, ...], shape: tuple[str, ...]) -> bool:
    """Whether the path fits the shape, "*" matching any one segment."""
    return len(path) == len(shape) and all(p in ("*", s) for p, s in zip(shape, path, strict=True))


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


def _is_json(content_type: str | None) -> bool:
    """No Content-Type is read as JSON (powertools does); otherwise exactly application/json, any parameters."""
    if content_type is None or not content_type.strip():
        return True
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def make_resolver(max_body_bytes: int) -> BoundedResolver:
    return BoundedResolver(max_body_bytes)
