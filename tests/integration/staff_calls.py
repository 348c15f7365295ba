"""Any staff route called through the whole staff API function, by path, as a signed-in role."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from .conftest import Api, Reply, load_event


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
    path, _, query = path.partition("?")
    params = dict(parse_qsl(query))
    event.update(
        httpMethod=method,
        path=path,
        resource=path,
        pathParameters=None,
        body=None,
        queryStringParameters=params or None,
        multiValueQueryStringParameters={k: [v] for k, v in params.items()} or None,
    )
    event["headers"]["Accept-Language"] = language
    event["multiValueHeaders"]["Accept-Language"] = [language]
    event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
    claims = event["requestContext"].setdefault("authorizer", {}).setdefault("claims", {})
    claims.update({"cognito:username": user, "cognito:groups": groups, "email": f"{user}@example.com"})
    if body is not None:
        event["body"] = json.dumps(body, ensure_ascii=False)
        event["headers"]["Content-Length"] = str(len(event["body"].encode()))
    return staff(event)
