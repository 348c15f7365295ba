"""The resolver both API functions start from: validation on, errors mapped, bodies bounded.

Before routing, a body must be at most ``max_body_bytes``, UTF-8, and sent as JSON (a body with any
other Content-Type is 415; none means JSON, as powertools reads it). Every route then parses it with
the one bounded parser (frontdesk.api.bounded_json): no body can reach a 5xx.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import partial
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


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}


def _is_json(content_type: str | None) -> bool:
    """No Content-Type is read as JSON (powertools does); otherwise exactly application/json, any parameters."""
    if content_type is None or not content_type.strip():
        return True
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def make_resolver(max_body_bytes: int) -> BoundedResolver:
    return BoundedResolver(max_body_bytes)
