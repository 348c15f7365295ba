"""The resolver both API functions start from: validation on, errors mapped, bodies bounded."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.json_encoder import Encoder

from frontdesk.api import errors


def make_resolver(max_body_bytes: int) -> APIGatewayRestResolver:
    # UTF-8 on the wire: Chinese stays readable in responses and logs.
    serializer = partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False)
    app = APIGatewayRestResolver(enable_validation=True, serializer=serializer)
    errors.register(app)

    def bounded_body(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        body = app.current_event.body or ""
        if len(body.encode("utf-8")) > max_body_bytes:
            return errors.error_response(errors.language(app), 413, "body_too_large", params={"limit": max_body_bytes})
        return next_middleware(app)

    middlewares: list[Callable[..., Response[Any]]] = [bounded_body]
    app.use(middlewares)
    return app
