"""Every failure leaves as JSON with a code, the field and a message in the caller's language.

Nothing reaches the client as a stack trace: unexpected errors are logged and answered with a
generic 500 that says nothing was half-saved (writes are single transactions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.depends import DependencyResolutionError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from frontdesk.domain.errors import DomainError, ErrorCode
from frontdesk.i18n import message, negotiate

logger = Logger(child=True)


class BadIdempotencyKey(DomainError, code=ErrorCode.IDEMPOTENCY_KEY_INVALID, status=400): ...


class Unauthorized(DomainError, code=ErrorCode.UNAUTHORIZED, status=401): ...


def language(app: APIGatewayRestResolver) -> str:
    return language_of_headers(app.current_event.headers)


def language_of_headers(headers: Mapping[str, str]) -> str:
    return negotiate(headers.get("accept-language") or headers.get("Accept-Language"))


def error_response(
    lang: str,
    http_status: int,
    code: ErrorCode,
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
        first = fields[0] if fields else {"field": None, "code": ErrorCode.INVALID}
        if first["code"] == "json_invalid":
            return error_response(lang, 400, ErrorCode.JSON_INVALID, None)
        return error_response(lang, 400, ErrorCode.VALIDATION_FAILED, first["field"], errors=fields)

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported(_: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
        return error_response(language(app), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type")

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response[dict[str, Any]]:
        return error_response(language(app), error.status, error.code, error.field, params=error.params)

    @app.exception_handler(DependencyResolutionError)
    def _dependency(error: DependencyResolutionError) -> Response[dict[str, Any]]:
        # powertools wraps what a dependency raises: a refusal (no staff claims) is still a refusal
        cause = error.__cause__
        if isinstance(cause, DomainError):
            return error_response(language(app), cause.status, cause.code, cause.field, params=cause.params)
        logger.exception("a dependency failed")
        return error_response(language(app), HTTPStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL)

    @app.exception_handler(IdempotencyValidationError)
    def _reused(_: IdempotencyValidationError) -> Response[dict[str, Any]]:
        return error_response(language(app), 422, ErrorCode.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key")

    @app.exception_handler(IdempotencyAlreadyInProgressError)
    def _in_progress(_: IdempotencyAlreadyInProgressError) -> Response[dict[str, Any]]:
        return error_response(language(app), 409, ErrorCode.IDEMPOTENCY_IN_PROGRESS, "Idempotency-Key")

    @app.not_found
    def _not_found(_: Exception) -> Response[dict[str, Any]]:
        return error_response(language(app), 404, ErrorCode.NOT_FOUND)

    @app.exception_handler(Exception)
    def _unexpected(_: Exception) -> Response[dict[str, Any]]:
        logger.exception("unhandled error")
        return error_response(language(app), HTTPStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL)
