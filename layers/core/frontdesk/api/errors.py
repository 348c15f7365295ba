"""Every failure leaves as JSON with a code, the field and a message in the caller's language.

Nothing reaches the client as a stack trace: unexpected errors are logged and answered with a
generic 500 that says nothing was half-saved (writes are single transactions).
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from frontdesk.domain.errors import DomainError
from frontdesk.i18n import message, negotiate

logger = Logger(child=True)


class BadIdempotencyKey(DomainError):
    status = 400
    code = "idempotency_key_invalid"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def language(app: APIGatewayRestResolver) -> str:
    return negotiate(
        app.current_event.headers.get("accept-language") or app.current_event.headers.get("Accept-Language")
    )


def error_response(
    lang: str,
    http_status: int,
    code: str,
    field: str | None = None,
    errors: Sequence[dict[str, Any]] = (),
    params: dict[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"code": code, "message": message(code, lang, **(params or {})), "field": field}
    if errors:
        body["errors"] = list(errors)
    return Response(
        status_code=http_status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers={"Content-Language": lang},
    )


def _field_errors(lang: str, errors: Sequence[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
        kind = str(error.get("type", "invalid"))
        ctx = dict(error.get("ctx") or {})
        if kind == "value_error" and "error" in ctx:
            kind = str(ctx["error"])
        out.append({"field": ".".join(loc) or None, "code": kind, "message": message(kind, lang, **ctx)})
    return out


def register(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[dict[str, Any]]:
        lang = language(app)
        fields = _field_errors(lang, error.errors())
        first = fields[0] if fields else {"field": None, "code": "invalid"}
        if first["code"] == "json_invalid":
            return error_response(lang, 400, "json_invalid", None)
        return error_response(lang, 400, "validation_failed", first["field"], errors=fields)

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported(_: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
        return error_response(language(app), 415, "unsupported_media_type", "Content-Type")

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response[dict[str, Any]]:
        return error_response(language(app), error.status, error.code, error.field, params=error.params)

    @app.exception_handler(IdempotencyValidationError)
    def _reused(_: IdempotencyValidationError) -> Response[dict[str, Any]]:
        return error_response(language(app), 422, "idempotency_key_reused", "Idempotency-Key")

    @app.exception_handler(IdempotencyAlreadyInProgressError)
    def _in_progress(_: IdempotencyAlreadyInProgressError) -> Response[dict[str, Any]]:
        return error_response(language(app), 409, "idempotency_in_progress", "Idempotency-Key")

    @app.not_found
    def _not_found(_: Exception) -> Response[dict[str, Any]]:
        return error_response(language(app), 404, "not_found")

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[dict[str, Any]]:
        logger.exception("unhandled error")
        return error_response(language(app), HTTPStatus.INTERNAL_SERVER_ERROR, "internal")
