"""Two invocations at once in the local stack's function pool (threads of one process) each resolve
their own request. powertools keeps the request on a class, one per process, which only a Lambda
process (one invocation at a time) can afford (local_stack/powertools_threads)."""

from __future__ import annotations

import json
import threading
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from local_stack import powertools_threads


def _event(path: str) -> dict[str, Any]:
    return {
        "resource": "/things/{name}",
        "path": path,
        "httpMethod": "GET",
        "headers": {"X-Caller": path},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"name": path.rsplit("/", 1)[-1]},
        "requestContext": {"resourcePath": "/things/{name}", "httpMethod": "GET", "path": path},
        "body": None,
        "isBase64Encoded": False,
    }


def _resolve_two_at_once() -> list[tuple[str, str, str]]:
    """Each of two "containers" (an app and a router of its own) answers what its request was, read
    after the other has started resolving its own."""
    both_inside = threading.Barrier(2, timeout=30)
    answers: list[tuple[str, str, str]] = []

    def container(path: str) -> None:
        app, router = APIGatewayRestResolver(), Router()  # type: ignore[no-untyped-call]

        @router.get("/things/<name>")
        def thing(name: str) -> dict[str, str]:
            both_inside.wait()  # the other request has been handed to powertools too
            return {"app": app.current_event.path, "router": router.current_event.headers["X-Caller"]}

        app.include_router(router)
        result = app.resolve(_event(path), LambdaContext())
        body = json.loads(result["body"])
        answers.append((path, body["app"], body["router"]))

    threads = [threading.Thread(target=container, args=(f"/things/{n}",)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_each_container_thread_resolves_its_own_request() -> None:
    powertools_threads.install()
    powertools_threads.install()  # twice: harmless
    answers = _resolve_two_at_once()
    assert sorted(answers) == [("/things/a", "/things/a", "/things/a"), ("/things/b", "/things/b", "/things/b")]
