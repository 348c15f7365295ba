"""A local API Gateway (REST, Lambda proxy integration) for the template's Api events.

`Gateway.handle` is the whole gateway as a function of a request: it routes by the template's
routes (the most literal path wins, as on API Gateway), runs the Cognito authorizer where a route
names one, builds a real-shaped proxy event, invokes the function in-process and turns the proxy
result into the HTTP response. Errors the gateway itself produces (no route, 401, a failed or
malformed integration) are rendered from the API's `GatewayResponses` as API Gateway renders them.
`serve` puts it on a threaded HTTP server; paths under /local/ go to the local stack's own pages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from local_stack.authorizer import AuthorizerUnavailableError, CognitoAuthorizer, gateway_claims
from local_stack.runtime import Function, FunctionError
from local_stack.template import Resolver, Route, Template, TemplateError, match_route, references, resources

log = logging.getLogger("local_stack.gateway")

MAX_PAYLOAD_BYTES: Final = 10 * 1024 * 1024  # API Gateway's limit
# socketserver listens with a backlog of 5: a burst of clients got connection resets (issue 14).
# API Gateway queues them; the kernel caps this at net.core.somaxconn.
LISTEN_BACKLOG: Final = 1024
LOCAL_PREFIX: Final = "/local/"
# Requests the gateway holds at once, running or waiting for a free container of their function.
# A burst past the functions' pools queues here; past this it is truly overloaded: 503, at once.
MAX_IN_FLIGHT: Final = 128

# Gateway response types the local gateway can produce: default status and message.
_GATEWAY_ERRORS: Final[Mapping[str, tuple[int, str, str]]] = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
    "UNAUTHORIZED": (401, "Unauthorized", "UnauthorizedException"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "Internal server error", "AuthorizerConfigurationException"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", "RequestTooLongException"),
    "THROTTLED": (429, "Too Many Requests", "TooManyRequestsException"),
    # A request the API's WAF web ACL blocks (here: its rate-based rule, with --waf).
    "WAF_FILTERED": (403, "Forbidden", "ForbiddenException"),
    # A function error or a malformed proxy result: API Gateway answers 502 from DEFAULT_5XX.
    "DEFAULT_5XX": (502, "Internal server error", "InternalServerErrorException"),
    # Local only: more requests held than MAX_IN_FLIGHT. Rendered by DEFAULT_5XX, the API's shape.
    "OVERLOADED": (503, "Service Unavailable", "ServiceUnavailableException"),
}
_CONTEXT_VARIABLE: Final = re.compile(r"\$(?:\{context\.([A-Za-z.]+)\}|context\.([A-Za-z.]+))")


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query, as on the request line
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    client_ip: str = "127.0.0.1"

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.target).path) or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
        body = json.dumps(payload, ensure_ascii=False, indent=1).encode()
        return cls(status, [("Content-Type", "application/json; charset=utf-8"), *headers], body)

    @classmethod
    def html(cls, status: int, text: str) -> Response:
        return cls(status, [("Content-Type", "text/html; charset=utf-8")], text.encode())

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


LocalHandler = Callable[[Request], Response]


# ------------------------------------------------------------------------------------------- API settings


@dataclass(frozen=True)
class ApiSettings:
    """What the gateway needs from an AWS::Serverless::Api: stage, CORS, gateway responses."""

    stage: str = "Prod"
    cors: dict[str, str] | None = None
    gateway_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    throttle: tuple[float, int] | None = None  # the stage's (rate per second, burst) for "/*" "*"
    rate_rules: tuple[RateRule, ...] = ()  # the rate-based rules of the WAF web ACL associated with it


@dataclass(frozen=True)
class RateRule:
    """A WAF rate-based rule keyed on the client's IP, scoped down to a URI-path byte match."""

    name: str
    limit: int  # requests per key within the window
    window_seconds: int
    search: str = ""  # "" = every path
    position: str = "CONTAINS"

    def applies(self, path: str) -> bool:
        if not self.search:
            return True
        return {
            "CONTAINS": self.search in path,
            "STARTS_WITH": path.startswith(self.search),
            "ENDS_WITH": path.endswith(self.search),
            "EXACTLY": path == self.search,
        }[self.position]


_BYTE_MATCH_POSITIONS: Final = frozenset({"CONTAINS", "STARTS_WITH", "ENDS_WITH", "EXACTLY"})


def _rate_rule(rule: Mapping[str, Any]) -> RateRule | None:
    """The rule as the local gateway emulates it; None for rules it does not (managed rule groups)."""
    statement = rule.get("Statement", {}).get("RateBasedStatement")
    if statement is None:
        return None
    if statement.get("AggregateKeyType", "IP") != "IP":
        raise TemplateError(f"WAF rule {rule.get('Name')}: only AggregateKeyType IP is emulated locally")
    search, position = "", "CONTAINS"
    scope = statement.get("ScopeDownStatement")
    if scope is not None:
        match = scope.get("ByteMatchStatement")
        if match is None or set(match.get("FieldToMatch", {})) != {"UriPath"}:
            raise TemplateError(f"WAF rule {rule.get('Name')}: only a UriPath byte match is emulated locally")
        search, position = str(match["SearchString"]), str(match["PositionalConstraint"])
        if position not in _BYTE_MATCH_POSITIONS:
            raise TemplateError(f"WAF rule {rule.get('Name')}: positional constraint {position} is not emulated")
    return RateRule(
        name=str(rule.get("Name", "")),
        limit=int(statement["Limit"]),
        window_seconds=int(statement.get("EvaluationWindowSec", 300)),
        search=search,
        position=position,
    )


def web_acl_rules(template: Template, resolver: Resolver) -> dict[str, tuple[RateRule, ...]]:
    """API logical id -> the rate-based rules of the web ACL a WebACLAssociation gives it."""
    acls = resources(template, "AWS::WAFv2::WebACL")
    apis = resources(template, "AWS::Serverless::Api", "AWS::ApiGateway::RestApi")
    found: dict[str, tuple[RateRule, ...]] = {}
    for association in resources(template, "AWS::WAFv2::WebACLAssociation").values():
        props = association.get("Properties", {})
        for acl_id in references(props.get("WebACLArn")) & set(acls):
            rules = resolver.resolve(acls[acl_id].get("Properties", {}).get("Rules", []))
            emulated = tuple(rule for rule in (_rate_rule(r) for r in rules) if rule is not None)
            for api_id in references(props.get("ResourceArn")) & set(apis):
                found[api_id] = found.get(api_id, ()) + emulated
    return found


class RateCounter:
    """WAF's count of one rule: the requests each IP made within the trailing window.

    A request over the limit is refused and still counted, so a client that keeps sending stays
    refused until its rate falls below the limit (AWS evaluates its counts every few seconds; this
    counts exactly, which only makes tests exact)."""

    def __init__(self, rule: RateRule, clock: Callable[[], float] = time.monotonic) -> None:
        self.rule, self._clock = rule, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client_ip: str) -> bool:
        with self._lock:
            now = self._clock()
            seen = self._seen.setdefault(client_ip, deque())
            while seen and seen[0] <= now - self.rule.window_seconds:
                seen.popleft()
            seen.append(now)
            return len(seen) <= self.rule.limit


def _unquote(value: Any) -> str:
    """SAM Cors / response header values are quoted literals: "'*'" -> "*"."""
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def api_settings(template: Template, resolver: Resolver) -> dict[str | None, ApiSettings]:
    """Settings of every AWS::Serverless::Api (by logical id); None is the implicit API's."""
    found: dict[str | None, ApiSettings] = {None: ApiSettings()}
    rate_rules = web_acl_rules(template, resolver)
    for logical_id, resource in resources(template, "AWS::Serverless::Api").items():
        props = resolver.resolve(
            {
                key: value
                for key, value in resource.get("Properties", {}).items()
                if key in ("StageName", "Cors", "GatewayResponses", "BinaryMediaTypes", "MethodSettings")
            }
        )
        cors_raw = props.get("Cors")
        cors: dict[str, str] | None = None
        if isinstance(cors_raw, str):
            cors = {"AllowOrigin": _unquote(cors_raw)}
        elif isinstance(cors_raw, dict):
            cors = {key: _unquote(value) for key, value in cors_raw.items()}
        found[logical_id] = ApiSettings(
            stage=str(props.get("StageName", "Prod")),
            cors=cors,
            gateway_responses=dict(props.get("GatewayResponses", {})),
            binary_media_types=tuple(str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes", [])),
            throttle=_stage_throttle(props.get("MethodSettings") or []),
            rate_rules=rate_rules.get(logical_id, ()),
        )
    return found


def _stage_throttle(method_settings: list[dict[str, Any]]) -> tuple[float, int] | None:
    """The stage-wide throttle (ResourcePath "/*", HttpMethod "*"); per-method limits are not emulated."""
    for setting in method_settings:
        stage_wide = setting.get("ResourcePath") == "/*" and setting.get("HttpMethod") == "*"
        if stage_wide and "ThrottlingRateLimit" in setting and "ThrottlingBurstLimit" in setting:
            return float(setting["ThrottlingRateLimit"]), int(setting["ThrottlingBurstLimit"])
    return None


class TokenBucket:
    """API Gateway's throttle: `burst` requests at once, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


# ------------------------------------------------------------------------------------------- events


def _header_maps(headers: Iterable[tuple[str, str]]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        existing = next((key for key in multi if key.lower() == name.lower()), name)
        multi.setdefault(existing, []).append(value)
        single[existing] = value
    return (single or None), (multi or None)


def _is_binary(content_type: str | None, binary_media_types: Iterable[str]) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    for pattern in binary_media_types:
        pattern = pattern.lower()
        if pattern == "*/*" or pattern == media or (pattern.endswith("/*") and media.startswith(pattern[:-1])):
            return True
    return False


def proxy_event(
    route: Route,
    request: Request,
    path_parameters: Mapping[str, str],
    *,
    stage: str,
    account_id: str,
    request_id: str,
    claims: Mapping[str, str] | None = None,
    binary_media_types: Iterable[str] = (),
    host: str = "localhost",
) -> dict[str, Any]:
    """The API Gateway REST proxy event (payload 1.0) Lambda gets for this request."""
    now = datetime.now(UTC)
    headers = [
        *request.headers,
        ("X-Forwarded-For", request.client_ip),
        ("X-Forwarded-Proto", "http"),
    ]
    single_headers, multi_headers = _header_maps(headers)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for key, value in request.query:
        query[key] = value
        multi_query.setdefault(key, []).append(value)
    body: str | None = None
    encoded = False
    if request.body:
        if _is_binary(request.header("Content-Type"), binary_media_types):
            body, encoded = base64.b64encode(request.body).decode(), True
        else:
            try:
                body = request.body.decode("utf-8")
            except UnicodeDecodeError:
                body, encoded = base64.b64encode(request.body).decode(), True
    request_context: dict[str, Any] = {
        "resourceId": hashlib.sha1(route.path.encode(), usedforsecurity=False).hexdigest()[:6],
        "resourcePath": route.path,
        "httpMethod": request.method,
        "extendedRequestId": base64.b64encode(uuid.uuid4().bytes).decode()[:16],
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "path": f"/{stage}{request.path}",
        "accountId": account_id,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "domainPrefix": host.split(".", 1)[0],
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "requestId": request_id,
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": request.client_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": request.header("User-Agent"),
            "user": None,
        },
        "domainName": host,
        "apiId": "local",
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": encoded,
    }


def proxy_response(result: Any) -> Response | None:
    """The HTTP response for a Lambda proxy result, or None if API Gateway would call it malformed."""
    if not isinstance(result, dict):
        return None
    allowed = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded", "cookies"}
    if set(result) - allowed:
        return None
    status = result.get("statusCode", 200)
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or not 100 <= status <= 599:
        return None
    headers: list[tuple[str, str]] = []
    single = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        return None
    for name, values in multi.items():
        if not isinstance(values, list):
            return None
        if name not in single:
            headers.extend((name, str(value)) for value in values)
    headers.extend((name, str(value)) for name, value in single.items())
    raw_body = result.get("body")
    if raw_body is None:
        body = b""
    elif not isinstance(raw_body, str):
        return None
    elif result.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw_body, validate=True)
        except ValueError:
            return None
    else:
        body = raw_body.encode("utf-8")
    response = Response(status, headers, body)
    if response.header("Content-Type") is None:
        response.headers.append(("Content-Type", "application/json"))
    return response


# ------------------------------------------------------------------------------------------- gateway


@dataclass
class GatewayStats:
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.by_status[status] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": self.requests, "by_status": {str(k): v for k, v in sorted(self.by_status.items())}}


class Gateway:
    """Routes requests to the template's functions the way API Gateway (REST, proxy) does."""

    def __init__(
        self,
        routes: Iterable[Route],
        functions: Mapping[str, Function],
        *,
        apis: Mapping[str | None, ApiSettings],
        authorizers: Mapping[str, CognitoAuthorizer],
        account_id: str,
        local: LocalHandler | None = None,
        throttle: bool = False,
        waf: bool = False,
        clock: Callable[[], float] = time.monotonic,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.routes = list(routes)
        self._in_flight = threading.BoundedSemaphore(max_in_flight)
        self.functions = functions
        self.apis = apis
        self.authorizers = authorizers
        self.account_id = account_id
        self.local = local
        self.stats = GatewayStats()
        # Off unless asked (`--throttle`): tests and the demo would otherwise see 429s in bursts.
        self._buckets = {
            id(settings): TokenBucket(*settings.throttle, clock=clock)
            for settings in apis.values()
            if throttle and settings.throttle is not None
        }
        # Off unless asked (`--waf`) for the same reason: every local client is one IP, 127.0.0.1.
        self._rate_counters = {
            id(settings): [RateCounter(rule, clock) for rule in settings.rate_rules]
            for settings in apis.values()
            if waf
        }

    # -- gateway responses

    def _api(self, route: Route | None) -> ApiSettings:
        if route is not None and route.api in self.apis:
            return self.apis[route.api]
        named = [settings for key, settings in self.apis.items() if key is not None]
        return named[0] if len(named) == 1 else self.apis.get(None, ApiSettings())

    def gateway_error(self, response_type: str, request: Request, request_id: str, api: ApiSettings) -> Response:
        status, message, error_type = _GATEWAY_ERRORS[response_type]
        family = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        spec = api.gateway_responses.get(response_type) or api.gateway_responses.get(family)
        headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error_type)]
        if not spec:
            return Response.json(status, {"message": message}, headers)
        status = int(spec.get("StatusCode", status))
        for name, value in (spec.get("ResponseParameters", {}).get("Headers") or {}).items():
            headers.append((name, self._mapped_value(str(value), request)))
        template = (spec.get("ResponseTemplates") or {}).get("application/json")
        if template is None:
            return Response.json(status, {"message": message}, headers)
        variables = {
            "error.messageString": json.dumps(message),
            "error.message": message,
            "error.responseType": response_type,
            "error.validationErrorString": "",
            "requestId": request_id,
        }

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            return variables.get(name, "")

        body = _CONTEXT_VARIABLE.sub(substitute, str(template)).encode()
        return Response(status, [("Content-Type", "application/json"), *headers], body)

    @staticmethod
    def _mapped_value(expression: str, request: Request) -> str:
        if expression.startswith("method.request.header."):
            return request.header(expression.removeprefix("method.request.header.")) or ""
        return _unquote(expression)

    def _cors_preflight(self, request: Request, request_id: str) -> Response | None:
        if request.method != "OPTIONS":
            return None
        matching = [
            r for r in self.routes if r.match(r.method if r.method != "ANY" else "GET", request.path) is not None
        ]
        cors = next((self._api(r).cors for r in matching if self._api(r).cors), None)
        if not matching or cors is None:
            return None
        headers = [("x-amzn-RequestId", request_id), ("Access-Control-Allow-Origin", cors.get("AllowOrigin", "*"))]
        for key, header in (
            ("AllowMethods", "Access-Control-Allow-Methods"),
            ("AllowHeaders", "Access-Control-Allow-Headers"),
            ("MaxAge", "Access-Control-Max-Age"),
            ("AllowCredentials", "Access-Control-Allow-Credentials"),
        ):
            if key in cors:
                headers.append((header, cors[key]))
        return Response(200, [("Content-Type", "application/json"), *headers], b"{}")

    # -- the request

    def _waf_refuses(self, request: Request, api: ApiSettings) -> bool:
        counters = [c for c in self._rate_counters.get(id(api), []) if c.rule.applies(request.path)]
        # every applicable rule counts the request, as WAF evaluates each rate-based rule
        verdicts = [counter.allow(request.client_ip) for counter in counters]
        return not all(verdicts)

    def handle(self, request: Request) -> Response:
        started = time.monotonic()
        response = self._handle(request)
        self.stats.count(response.status)
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info("%s %s -> %d (%.0f ms)", request.method, request.target, response.status, elapsed_ms)
        return response

    def _handle(self, request: Request) -> Response:
        if self.local is not None and (request.path + "/").startswith(LOCAL_PREFIX):
            return self.local(request)
        request_id = str(uuid.uuid4())
        preflight = self._cors_preflight(request, request_id)
        if preflight is not None:
            return preflight
        found = match_route(self.routes, request.method, request.path)
        # WAF sees the request before API Gateway routes it: an unknown path counts too.
        routed_api = self._api(found[0] if found else None)
        if self._waf_refuses(request, routed_api):
            return self.gateway_error("WAF_FILTERED", request, request_id, routed_api)
        if found is None:
            return self.gateway_error("MISSING_AUTHENTICATION_TOKEN", request, request_id, self._api(None))
        route, path_parameters = found
        api = self._api(route)
        bucket = self._buckets.get(id(api))
        if bucket is not None and not bucket.take():
            return self.gateway_error("THROTTLED", request, request_id, api)
        if len(request.body) > MAX_PAYLOAD_BYTES:
            return self.gateway_error("REQUEST_TOO_LARGE", request, request_id, api)
        claims: dict[str, str] | None = None
        if route.requires_cognito_auth:
            authorizer = self.authorizers.get(route.authorizer or "")
            if authorizer is None:
                log.error("%s %s: no local authorizer %s", route.method, route.path, route.authorizer)
                return self.gateway_error("AUTHORIZER_CONFIGURATION_ERROR", request, request_id, api)
            try:
                verified = authorizer.verify(request.header("Authorization"))
            except AuthorizerUnavailableError:
                return self.gateway_error("AUTHORIZER_CONFIGURATION_ERROR", request, request_id, api)
            if verified is None:
                return self.gateway_error("UNAUTHORIZED", request, request_id, api)
            claims = gateway_claims(verified)
        function = self.functions.get(route.function)
        if function is None:
            log.error("%s %s: function %s is not loaded", route.method, route.path, route.function)
            return self.gateway_error("DEFAULT_5XX", request, request_id, api)
        event = proxy_event(
            route,
            request,
            path_parameters,
            stage=api.stage,
            account_id=self.account_id,
            request_id=request_id,
            claims=claims,
            binary_media_types=api.binary_media_types,
            host=request.header("Host") or "localhost",
        )
        if not self._in_flight.acquire(blocking=False):
            log.warning("%s %s: overloaded, answered 503", route.method, route.path)
            overloaded = self.gateway_error("OVERLOADED", request, request_id, api)
            overloaded.headers.append(("Retry-After", "1"))
            return overloaded
        try:
            result = function.invoke(event)
        except FunctionError as error:
            log.error("%s %s: %s", route.method, route.path, error)
            return self.gateway_error("DEFAULT_5XX", request, request_id, api)
        finally:
            self._in_flight.release()
        response = proxy_response(result)
        if response is None:
            log.error("%s %s: malformed Lambda proxy response from %s", route.method, route.path, route.function)
            return self.gateway_error("DEFAULT_5XX", request, request_id, api)
        response.headers.append(("x-amzn-RequestId", request_id))
        return response


# ------------------------------------------------------------------------------------------- HTTP server


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD_BYTES + 1:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            target=self.path,
            headers=tuple((name, value) for name, value in self.headers.items()),
            body=body,
            client_ip=self.client_address[0],
        )
        try:
            response = self.server.gateway.handle(request)
        except Exception:
            log.exception("gateway failure on %s %s", self.command, self.path)
            response = Response.json(500, {"message": "Internal server error"})
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY …) reaches the gateway too: a method no route declares is
        # 403 Missing Authentication Token there, as on AWS, never http.server's HTML 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        return  # Gateway.handle logs each request


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        self.gateway = gateway
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: tuple[str, int]) -> None:
        # A browser that navigates away closes its connections mid-answer: one line, not a
        # traceback that buries the stack's real errors.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.info("%s:%s closed the connection before its answer was written", *client_address)
            return
        super().handle_error(request, client_address)


class GatewayServer:
    """The gateway on a socket. Binding happens in the constructor, so a busy port fails right away."""

    def __init__(self, gateway: Gateway, host: str, port: int) -> None:
        self._server = _Server((host, port), gateway)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
