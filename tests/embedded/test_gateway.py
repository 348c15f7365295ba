"""The local gateway answers as API Gateway (REST, Lambda proxy) does for the template's API."""

from __future__ import annotations

import base64
import json
import logging
import socket
from pathlib import Path
from typing import Any

import pytest

from local_stack.authorizer import CognitoAuthorizer, gateway_claims, token_from_header
from local_stack.gateway import (
    LISTEN_BACKLOG,
    ApiSettings,
    Gateway,
    GatewayServer,
    Request,
    Response,
    api_settings,
    proxy_response,
)
from local_stack.runtime import Function, FunctionError, FunctionMissingError, load_functions
from local_stack.template import Handler, Resolver, Template, api_routes, parameter_values

from .recorder import Recorder

CLAIMS = {
    "sub": "5b0d",
    "cognito:username": "operator",
    "cognito:groups": ["operator", "manager"],
    "token_use": "id",
    "exp": 1795357117,
    "iat": 1795353517,
    "auth_time": 1795353517,
}


class Authorizer(CognitoAuthorizer):
    def __init__(self) -> None:
        super().__init__("http://unused", "us-east-1", "us-east-1_pool", ["client"])

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        return CLAIMS if token_from_header(authorization) == "good" else None


OK = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


def _gateway(
    template: Template,
    public: Any = OK,
    staff: Any = OK,
    parameters: dict[str, str] | None = None,
    **options: Any,
) -> tuple[Gateway, Recorder, Recorder]:
    public_fn = Recorder("PublicApiFunction", public, stack="frontdesk")
    staff_fn = Recorder("StaffApiFunction", staff, stack="frontdesk")
    resolver = Resolver(
        parameters=parameter_values(template, parameters), physical={"UserPool": {"Ref": "p", "Arn": "a"}}
    )
    gateway = Gateway(
        api_routes(template),
        {"PublicApiFunction": public_fn, "StaffApiFunction": staff_fn},
        apis=api_settings(template, resolver),
        authorizers={"CognitoAuthorizer": Authorizer()},
        account_id="123456789012",
        **options,
    )
    return gateway, public_fn, staff_fn


def _request(
    method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None, client_ip: str = "127.0.0.1"
) -> Request:
    pairs = tuple((headers or {}).items())
    return Request(method, target, (("Host", "127.0.0.1:3000"), *pairs), body, client_ip=client_ip)


def test_api_settings_come_from_the_template(template: Template) -> None:
    settings = api_settings(template, Resolver(parameters=parameter_values(template)))
    api = settings["Api"]
    assert api.stage == "prod"
    assert api.cors is not None and api.cors["AllowOrigin"] == "*"
    assert "DEFAULT_4XX" in api.gateway_responses


def test_a_staff_request_becomes_a_proxy_event_with_the_authorizers_claims(template: Template) -> None:
    gateway, _, staff = _gateway(template)
    request = _request(
        "POST",
        "/staff/tickets/abc123/dispatch?x=1&x=2&y=%E4%B8%AD",
        b'{"version": 1}',
        {"Authorization": "Bearer good", "Content-Type": "application/json", "Idempotency-Key": "k-1"},
    )
    response = gateway.handle(request)
    assert response.status == 200
    (event,) = staff.events
    assert event["resource"] == "/staff/tickets/{ticket_id}/{action}"
    assert event["path"] == "/staff/tickets/abc123/dispatch"
    assert event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"ticket_id": "abc123", "action": "dispatch"}
    assert event["queryStringParameters"] == {"x": "2", "y": "中"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": ["中"]}
    assert event["headers"]["Idempotency-Key"] == "k-1"
    assert event["multiValueHeaders"]["Idempotency-Key"] == ["k-1"]
    assert event["body"] == '{"version": 1}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "prod" and context["path"] == "/prod/staff/tickets/abc123/dispatch"
    assert context["resourcePath"] == event["resource"] and context["httpMethod"] == "POST"
    assert context["requestId"] == response.header("x-amzn-RequestId")
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    claims = context["authorizer"]["claims"]
    assert claims["cognito:username"] == "operator"
    assert claims["cognito:groups"] == "[operator manager]"
    assert claims["exp"] == "Sun Nov 22 14:18:37 UTC 2026"
    assert all(isinstance(value, str) for value in claims.values())


def test_public_routes_need_no_token_and_carry_no_authorizer(template: Template) -> None:
    gateway, public, _ = _gateway(template)
    assert gateway.handle(_request("GET", "/public/track/abcdefghijklmnop")).status == 200
    (event,) = public.events
    assert event["pathParameters"] == {"token": "abcdefghijklmnop"}
    assert "authorizer" not in event["requestContext"]
    assert event["queryStringParameters"] is None and event["body"] is None


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer bad", "bad"])
def test_staff_routes_without_a_good_token_get_401_like_api_gateway(
    template: Template, authorization: str | None
) -> None:
    gateway, _, staff = _gateway(template)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = gateway.handle(_request("GET", "/staff/tickets?site_id=demo", headers=headers))
    assert response.status == 401
    body = json.loads(response.body)
    assert body["message"] == "Unauthorized" and body["code"] == "UNAUTHORIZED"  # the template's DEFAULT_4XX
    assert body["request_id"] == response.header("x-amzn-RequestId")
    assert response.header("x-amzn-ErrorType") == "UnauthorizedException"
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert staff.events == []


def test_unknown_routes_and_methods_get_missing_authentication_token(template: Template) -> None:
    gateway, public, staff = _gateway(template)
    for method, path in [("GET", "/nothing"), ("DELETE", "/public/sites"), ("GET", "/staff/tickets/a/b/c")]:
        response = gateway.handle(_request(method, path))
        assert response.status == 403
        assert json.loads(response.body)["message"] == "Missing Authentication Token"
    assert public.events == staff.events == []


def test_function_errors_and_malformed_results_are_502(template: Template) -> None:
    for answer in [FunctionError("PublicApiFunction", "ValueError", "boom"), {"statusCode": "x"}, "text", None]:
        gateway, _, _ = _gateway(template, public=answer)
        response = gateway.handle(_request("GET", "/public/sites"))
        assert response.status == 502
        assert json.loads(response.body)["message"] == "Internal server error"


def test_proxy_results_become_responses() -> None:
    response = proxy_response(
        {
            "statusCode": 201,
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "headers": {"X-One": "1"},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )
    assert isinstance(response, Response)
    assert response.status == 201 and response.body == b"\x89PNG"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.header("Content-Type") == "application/json"  # API Gateway's default
    assert proxy_response({"statusCode": 200, "extra": 1}) is None
    assert proxy_response({"statusCode": 200, "body": {"not": "a string"}}) is None


def test_cors_preflight_is_answered_from_the_templates_cors(template: Template) -> None:
    gateway, public, staff = _gateway(template)
    response = gateway.handle(_request("OPTIONS", "/staff/tickets"))
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == "*"
    assert "Idempotency-Key" in (response.header("Access-Control-Allow-Headers") or "")
    assert public.events == staff.events == []


def test_claims_are_strings_as_api_gateway_passes_them() -> None:
    claims = gateway_claims({"cognito:groups": ["engineer"], "email_verified": True, "auth_time": 5})
    assert claims == {"cognito:groups": "engineer", "email_verified": "true", "auth_time": "5"}
    assert token_from_header("Bearer  abc ") == "abc" and token_from_header("abc") == "abc"
    assert token_from_header(None) is None and token_from_header("  ") is None


def test_gateway_responses_without_customisation_are_api_gateways_defaults(template: Template) -> None:
    gateway, _, _ = _gateway(template)
    response = gateway.gateway_error("UNAUTHORIZED", _request("GET", "/x"), "rid", ApiSettings())
    assert response.status == 401 and json.loads(response.body) == {"message": "Unauthorized"}


def test_functions_run_from_the_template_file_with_a_lambda_context(tmp_path: Path) -> None:
    code = tmp_path / "functions" / "echo"
    code.mkdir(parents=True)
    (code / "helper.py").write_text("PREFIX = 'echo:'\n")
    (code / "app.py").write_text(
        "import time\n"
        "import helper\n"
        "def handler(event, context):\n"
        "    time.sleep(event.get('sleep', 0))\n"
        "    if event.get('fail'):\n"
        "        raise ValueError('asked to fail')\n"
        "    return {'said': helper.PREFIX + event['say'], 'name': context.function_name,\n"
        "            'left': context.get_remaining_time_in_millis()}\n"
    )
    template: Template = {
        "Resources": {
            "Echo": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"CodeUri": "functions/echo/", "Handler": "app.handler", "Timeout": 1},
            }
        }
    }
    echo = load_functions(template, "t", "us-east-1", "123456789012", root=tmp_path)["Echo"]
    result = echo.invoke({"say": "hi"})
    assert result["said"] == "echo:hi" and result["name"] == "t-Echo" and 0 < result["left"] <= 1000
    with pytest.raises(FunctionError, match="asked to fail"):
        echo.invoke({"fail": True})
    with pytest.raises(FunctionError, match="timed out"):
        echo.invoke({"say": "slow", "sleep": 1.1})
    assert (echo.invocations, echo.errors) == (3, 2)
    missing = Function("Gone", "t-Gone", "arn", Handler("Gone", "x", "x/app.py", "handler"), 3, 128, root=tmp_path)
    assert not missing.exists()
    with pytest.raises(FunctionMissingError):
        missing.invoke({})


def test_a_burst_of_connections_waits_in_the_listen_queue(template: Template) -> None:
    """Python's default backlog of 5 drops the 7th connection while the server is busy; API Gateway queues it."""
    gateway, _, _ = _gateway(template)
    server = GatewayServer(gateway, "127.0.0.1", 0)  # bound and listening, not accepting yet: all handlers busy
    clients: list[socket.socket] = []
    try:
        for _ in range(64):
            # a dropped SYN would leave connect() waiting for this timeout (no timing is measured)
            clients.append(socket.create_connection(server.address, timeout=10))
        assert len(clients) == 64 <= LISTEN_BACKLOG
    finally:
        for client in clients:
            client.close()
        server.stop()


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_stage_throttle_answers_429_past_the_burst_and_refills_at_the_rate(template: Template) -> None:
    settings = [s for key, s in api_settings(template, Resolver(parameters=parameter_values(template))).items() if key]
    assert [s.throttle for s in settings] == [(20.0, 50)]  # the template's MethodSettings
    clock = ManualClock()
    gateway, public, _ = _gateway(template, throttle=True, clock=clock)
    statuses = [gateway.handle(_request("GET", "/public/sites")).status for _ in range(51)]
    assert statuses == [200] * 50 + [429]
    refused = gateway.handle(_request("GET", "/public/sites"))
    assert json.loads(refused.body)["code"] == "THROTTLED"  # the API's error shape
    assert refused.header("Access-Control-Allow-Origin") == "*"
    clock.now += 0.5  # 10 tokens at 20/s
    assert [gateway.handle(_request("GET", "/public/sites")).status for _ in range(11)] == [200] * 10 + [429]
    assert len(public.events) == 60


def test_without_the_flag_there_is_no_throttle(template: Template) -> None:
    gateway, _, _ = _gateway(template, clock=ManualClock())
    assert {gateway.handle(_request("GET", "/public/sites")).status for _ in range(60)} == {200}


def test_the_web_acls_rate_rule_comes_from_the_template(template: Template) -> None:
    resolver = Resolver(parameters=parameter_values(template, {"PublicRateLimit": "25"}))
    (rule,) = api_settings(template, resolver)["Api"].rate_rules
    assert (rule.limit, rule.window_seconds) == (25, 300)
    assert rule.applies("/public/tickets") and rule.applies("/prod/public/sites")
    assert not rule.applies("/staff/tickets") and not rule.applies("/")


def test_a_client_over_the_rate_limit_is_refused_while_another_ip_is_not(template: Template) -> None:
    clock = ManualClock()
    gateway, public, staff = _gateway(template, parameters={"PublicRateLimit": "10"}, waf=True, clock=clock)
    flood = [gateway.handle(_request("GET", "/public/sites", client_ip="203.0.113.7")) for _ in range(11)]
    assert [r.status for r in flood] == [200] * 10 + [403]
    refused = flood[-1]
    assert json.loads(refused.body)["code"] == "WAF_FILTERED"  # API Gateway's response, the API's shape
    assert refused.header("x-amzn-ErrorType") == "ForbiddenException"
    assert gateway.handle(_request("POST", "/public/tickets", b"{}", client_ip="203.0.113.7")).status == 403
    # another client, and the staff routes (out of the rule's scope), are served meanwhile
    assert gateway.handle(_request("GET", "/public/sites", client_ip="198.51.100.20")).status == 200
    staff_call = _request("GET", "/staff/tickets", headers={"Authorization": "good"}, client_ip="203.0.113.7")
    assert gateway.handle(staff_call).status == 200
    assert (len(public.events), len(staff.events)) == (11, 1)
    clock.now += 300  # the window has passed: its requests no longer count
    assert gateway.handle(_request("GET", "/public/sites", client_ip="203.0.113.7")).status == 200


def test_without_the_waf_flag_no_client_is_limited(template: Template) -> None:
    gateway, _, _ = _gateway(template, parameters={"PublicRateLimit": "10"}, clock=ManualClock())
    assert {gateway.handle(_request("GET", "/public/sites")).status for _ in range(30)} == {200}


def test_a_client_that_hangs_up_mid_answer_is_one_line_and_other_errors_keep_their_traceback(
    template: Template, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO, logger="local_stack.gateway")
    gateway, _, _ = _gateway(template)
    server = GatewayServer(gateway, "127.0.0.1", 0)
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset"), KeyError("bug")):
            try:
                raise error
            except Exception:  # as socketserver calls handle_error: inside the except block
                server._server.handle_error(None, ("127.0.0.1", 41654))
    finally:
        server.stop()
    assert [r.getMessage() for r in caplog.records] == [
        "127.0.0.1:41654 closed the connection before its answer was written"
    ] * 2
    printed = capsys.readouterr().err
    assert "KeyError: 'bug'" in printed and "BrokenPipeError" not in printed and "ConnectionReset" not in printed
