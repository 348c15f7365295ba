"""events/*.json are shaped as API Gateway and DynamoDB Streams send them, and match template.yaml's wiring."""

from __future__ import annotations

import json
from typing import Any

import pytest

from local_stack.template import Template, api_routes, match_route, resources

from .conftest import EVENTS, load_event

API_EVENTS = sorted(p.name for p in EVENTS.glob("*.json") if p.name.startswith(("public_", "staff_")))
FUNCTION_OF = {"public_": "PublicApiFunction", "staff_": "StaffApiFunction"}


def test_the_samples_are_there() -> None:
    assert set(API_EVENTS) >= {
        "public_create_ticket.json",
        "public_track_ticket.json",
        "public_acceptance.json",
        "staff_create_ticket.json",
        "staff_list_queue.json",
        "staff_dispatch.json",
        "staff_arrive.json",
    }
    assert (EVENTS / "stream_ticket_dispatched.json").is_file()


@pytest.mark.parametrize("name", API_EVENTS)
def test_api_event_is_a_rest_proxy_event_of_a_template_route(name: str, template: Template) -> None:
    event = load_event(name)
    routed = match_route(api_routes(template), event["httpMethod"], event["path"])
    assert routed is not None, f"{event['httpMethod']} {event['path']} is not a route of template.yaml"
    route, params = routed

    assert route.path == event["resource"] == event["requestContext"]["resourcePath"]
    assert route.function == next(fn for prefix, fn in FUNCTION_OF.items() if name.startswith(prefix))
    assert (event["pathParameters"] or {}) == params
    assert event["requestContext"]["httpMethod"] == event["httpMethod"]
    assert event["requestContext"]["path"] == f"/{event['requestContext']['stage']}{event['path']}"
    assert event["isBase64Encoded"] is False
    assert event["multiValueHeaders"] == {k: [v] for k, v in event["headers"].items()}
    query: dict[str, str] = event["queryStringParameters"] or {}
    assert (event["multiValueQueryStringParameters"] or {}) == {k: [v] for k, v in query.items()}

    claims: dict[str, Any] = event["requestContext"].get("authorizer", {}).get("claims", {})
    assert route.requires_cognito_auth == bool(claims)
    if claims:
        assert claims["token_use"] == "id"
        assert claims["cognito:username"] and claims["cognito:groups"]
        assert all(isinstance(value, str) for value in claims.values()), "REST API passes claims as strings"

    if event["body"] is None:
        assert event["httpMethod"] == "GET"
    else:
        assert isinstance(event["body"], str)
        assert isinstance(json.loads(event["body"]), dict)
        assert event["headers"]["Content-Length"] == str(len(event["body"].encode("utf-8")))


def test_stream_event_matches_the_table_stream(template: Template) -> None:
    table = resources(template)["Table"]["Properties"]
    sample = load_event("stream_ticket_dispatched.json")
    assert [r["eventName"] for r in sample["Records"]] == ["MODIFY", "INSERT"]
    for record in sample["Records"]:
        assert record["eventSource"] == "aws:dynamodb"
        assert record["eventSourceARN"].startswith(
            "arn:aws:dynamodb:us-east-1:123456789012:table/frontdesk-Table/stream/"
        )
        assert record["dynamodb"]["StreamViewType"] == table["StreamSpecification"]["StreamViewType"]
        keys = record["dynamodb"]["Keys"]
        assert set(keys) == {a["AttributeName"] for a in table["KeySchema"]}
        assert {k: v for k, v in record["dynamodb"]["NewImage"].items() if k in keys} == keys
