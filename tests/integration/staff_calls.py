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


def sealed_key(staff: Api, unit: str = "101", seal: str = "S-0001") -> dict[str, Any]:
    """The key of ql/admin/``unit`` put in the cabinet under ``seal`` by the caller (the duty manager): the key."""
    body = {"site_id": "ql", "building_id": "admin", "unit": unit, "seal_number": seal, "sealed_with": "张老师"}
    sealed = call(staff, "POST", "/staff/emergency-keys", body)
    assert sealed.status == 201, sealed.raw
    key: dict[str, Any] = sealed.body["key"]
    return key


def key_taken_after_hours(staff: Api) -> dict[str, Any]:
    """The key of 101 sealed (S-1) and taken out of hours for a leak upstairs (override: water): the
    take's answer, with the key and its use."""
    key = sealed_key(staff, seal="S-1")
    after_hours = {"authorisation": "A-1", "escort": "op1"}
    take = {"version": 1, "reason": "楼上漏水", "override": "water", "after_hours": after_hours}
    taken = call(staff, "POST", f"/staff/emergency-keys/{key['key_id']}/take", take)
    assert taken.status == 200, taken.raw
    answer: dict[str, Any] = taken.body
    return answer
