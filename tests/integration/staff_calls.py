"""Any staff route called through the whole staff API function, by path, as a signed-in role; and the
API Gateway event such a call is, built on a sample event."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from .conftest import Api, Reply, load_event, set_header, with_body, with_query


def api_event(
    event: dict[str, Any],
    method: str,
    path: str,
    body: Any = None,
    *,
    user: str | None,
    groups: str,
    language: str,
    headers: dict[str, str] | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """``event`` (a sample, changed in place) as ``method path?query`` with ``body`` as JSON, signed in as
    ``user`` in ``groups`` (with ``email`` when given; no authorizer at all for no user)."""
    path, _, query = path.partition("?")
    event.update(httpMethod=method, path=path, resource=path, pathParameters=None, body=None)
    with_query(event, **dict(parse_qsl(query)))
    for name, value in {"Accept-Language": language, **(headers or {})}.items():
        set_header(event, name, value)
    event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
    if user is None:
        event["requestContext"].pop("authorizer", None)
    else:
        claims = event["requestContext"].setdefault("authorizer", {}).setdefault("claims", {})
        claims.update({"cognito:username": user, "cognito:groups": groups})
        if email is not None:
            claims["email"] = email
    return event if body is None else with_body(event, body)


def call(
    staff: Api,
    method: str,
    path: str,
    body: Any = None,
    user: str = "dm1",
    groups: str = "duty_manager",
    language: str = "en",
) -> Reply:
    event = load_event("staff_list_queue.json")
    return staff(
        api_event(event, method, path, body, user=user, groups=groups, language=language, email=f"{user}@example.com")
    )
