"""The local stack as one object: moto, the template provisioned in it, the gateway and the pollers.

`LocalStack.start()` brings everything up in order (busy ports are found before anything
starts); `stop()` takes it down in reverse and joins every thread it started. `python -m
local_stack` is the command line around it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import boto3

from frontdesk.domain.duty_roster import roster_month
from frontdesk.domain.months import next_month
from local_stack import (
    cognito_revoke,
    cognito_srp,
    moto_direct,
    moto_dispatch,
    moto_fixes,
    moto_scheduler,
    powertools_threads,
    timescale,
    timestamps,
)
from local_stack.authorizer import CognitoAuthorizer
from local_stack.calls import CallCounter
from local_stack.demo import (
    DEMO_SITE,
    Login,
    create_logins,
    fill_canned_replies,
    fill_duty_roster,
    fill_mailing_lists,
    seed_site,
    seed_staff,
)
from local_stack.events import (
    S3Poller,
    Scheduler,
    async_policy,
    s3_mappings,
    schedule_mappings,
    subscribe_s3,
    undelivered_events,
)
from local_stack.gateway import (
    Gateway,
    GatewayServer,
    Request,
    Response,
    api_settings,
)
from local_stack.heap import FrozenSurvivors
from local_stack.outbox import Outbox, page
from local_stack.provision import Stack, provision
from local_stack.runtime import DEFAULT_CONCURRENCY, Function, load_functions
from local_stack.stream_retention import StreamRetention
from local_stack.streams import StreamPoller, start_pollers, stream_mappings
from local_stack.template import (
    TEMPLATE_PATH,
    Route,
    Template,
    api_routes,
    load_template,
    match_route,
    resources,
)

log = logging.getLogger("local_stack")

REGION: Final = "us-east-1"
FAKE_CREDENTIALS: Final = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
JOIN_TIMEOUT_SECONDS: Final = 10.0
API_PREFIXES: Final = ("/public/", "/staff/")


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 3000
    moto_port: int = 5000
    time_scale: float = 60.0
    demo: bool = True
    template_path: Path = TEMPLATE_PATH
    stack_name: str = "frontdesk"
    throttle: bool = False  # the API stage's throttle (429 past rate/burst), as on AWS
    waf: bool = False  # the WAF web ACL's rate-based rule per IP (403 past its limit), as on AWS
    # The template's ManagerMfa. Locally "optional" unless asked: the demo's managers have no
    # authenticator app, and a newcomer should see the console before setting one up.
    manager_mfa: str = "optional"
    concurrency: int = DEFAULT_CONCURRENCY  # warm containers per function, as Lambda scales out
    # The stack's own calls handed to moto's application in this process (local_stack.moto_direct);
    # False sends them over the socket, as before (for a side-by-side bench).
    moto_in_process: bool = True
    # Freeze what survives each full garbage collection (local_stack.heap). Off in a process that
    # only embeds the stack (the tests); `python -m local_stack` turns it on.
    freeze_survivors: bool = False


class PortBusyError(Exception):
    """A port the local stack needs is taken; the message says how to choose another."""

    def __init__(self, host: str, port: int, what: str, flag: str, env: str) -> None:
        super().__init__(
            f"port {port} on {host} ({what}) is already in use.\n"
            f"Choose another with {flag} <port> or {env}=<port>, e.g. `make run {env}={port + 1}`."
        )
        self.port = port


def _ensure_free(host: str, port: int, what: str, flag: str, env: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortBusyError(host, port, what, flag, env) from error


class _MotoServer:
    """moto's ThreadedMotoServer, with a failed bind reported instead of hanging `start()`."""

    def __init__(self, host: str, port: int) -> None:
        from moto.server import ThreadedMotoServer

        outer = self
        self.error: BaseException | None = None

        class Server(ThreadedMotoServer):
            def _server_entry(self) -> None:
                try:
                    super()._server_entry()
                except BaseException as error:  # werkzeug may sys.exit() on a busy port
                    outer.error = error
                    self._server_ready_event.set()

        self._server = Server(ip_address=host, port=port, verbose=False)

    def start(self) -> None:
        self._server.start()
        if self.error is not None:
            raise OSError(f"moto could not start: {self.error}")

    def stop(self) -> None:
        self._server.stop()

    @property
    def app(self) -> Any:
        """The WSGI application the server runs."""
        server = self._server._server
        assert server is not None, "start() first"
        return server.app


def aws_environment(moto_url: str, moto_port: int) -> dict[str, str]:
    """Everything boto3 in this process needs to talk to moto and never to AWS."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_PORT": str(moto_port),
        # moto checks TOTP codes for real (RFC 6238 against its one fixed secret) instead of taking
        # any six digits: a sign-in or set-up with a wrong code is refused as on AWS
        "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
        # no X-Ray daemon locally
        "POWERTOOLS_TRACE_DISABLED": "true",
    }


@dataclass
class LocalStack:
    config: Config
    template: Template = field(default_factory=dict)
    stack: Stack | None = None
    functions: dict[str, Function] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    mailing_lists: list[str] = field(default_factory=list)
    user_pool_id: str | None = None
    client_id: str | None = None
    outbox: Outbox | None = None
    stream_pollers: list[StreamPoller] = field(default_factory=list)
    stream_retention: StreamRetention | None = None
    s3_pollers: list[S3Poller] = field(default_factory=list)
    scheduler: Scheduler | None = None
    gateway: Gateway | None = None
    heap: FrozenSurvivors | None = None
    calls: CallCounter = field(default_factory=CallCounter)  # what the functions ask of AWS (/local/stats.json)
    _moto: _MotoServer | None = None
    _server: GatewayServer | None = None
    _session: boto3.session.Session | None = None
    _session_lock: threading.Lock = field(default_factory=threading.Lock)
    _srp_sign_in: cognito_srp.SrpSignIn | None = None

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.config.moto_port}"

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.config.host in ("0.0.0.0", "") else self.config.host  # noqa: S104
        port = self._server.address[1] if self._server else self.config.port
        return f"http://{host}:{port}"

    def client(self, service: str) -> Any:
        # One session for the stack: a new session parses the service models again (~0.2 s a
        # client, a second of the start). Its clients are thread-safe; making them is not: the lock.
        with self._session_lock:
            if self._session is None:
                self._session = boto3.session.Session(
                    aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                    region_name=REGION,
                )
                timestamps.install(self._session)  # the stream poller parses one per record
                self._hand_to_moto(self._session.events)
            return self._session.client(service, endpoint_url=self.moto_url)  # type: ignore[call-overload]

    # ------------------------------------------------------------------------------------- start

    def start(self) -> None:
        config = self.config
        _ensure_free(config.host, config.port, "the local API gateway", "--port", "FRONTDESK_PORT")
        _ensure_free("127.0.0.1", config.moto_port, "moto, the local AWS", "--moto-port", "FRONTDESK_MOTO_PORT")
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.update(aws_environment(self.moto_url, config.moto_port))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        moto_dispatch.install()  # the server finds each host's backend once

        self._moto = _MotoServer("127.0.0.1", config.moto_port)
        try:
            self._moto.start()
        except OSError as error:
            self._moto = None
            raise PortBusyError(
                "127.0.0.1", config.moto_port, "moto, the local AWS", "--moto-port", "FRONTDESK_MOTO_PORT"
            ) from error
        self._configure_moto()
        moto_fixes.install()
        powertools_threads.install()  # the function pool's containers are threads of this process
        timescale.install(config.time_scale)
        moto_scheduler.install()  # waiting clocks hold no thread each

        self.template = load_template(config.template_path)
        # Mail carries absolute links to the pages: here, this gateway's own address.
        parameters = {"ManagerMfa": config.manager_mfa}
        if config.port:
            parameters["PublicBaseUrl"] = self.base_url
        self.stack = stack = provision(
            self.client, self.template, config.stack_name, parameters=parameters, base_dir=config.template_path.parent
        )
        os.environ.update(stack.env)
        self._srp_sign_in = cognito_srp.SrpSignIn(stack.account_id, stack.region)
        # The staff console signs in through the gateway's same-origin Cognito pass-through (CSP stays self-only),
        # and states the demo's time scale.
        os.environ.setdefault("COGNITO_ENDPOINT", "/local/cognito")
        os.environ["TIME_SCALE"] = f"{config.time_scale:g}"
        boto3.setup_default_session()  # once, here: the functions' threads share it as Lambda's container would
        # before any function makes a client: a client copies the session's handlers when it is made
        self.calls.install(boto3._get_default_session().events)
        self._hand_to_moto(boto3._get_default_session().events)
        self.functions = load_functions(
            self.template,
            config.stack_name,
            stack.region,
            stack.account_id,
            root=config.template_path.parent,
            concurrency=config.concurrency,
        )
        for function in self.functions.values():
            if not function.exists():
                log.warning("%s: %s does not exist yet", function.logical_id, function.handler.path)
                continue
            try:
                function.warm()
            except Exception:
                log.exception("%s: importing %s failed", function.logical_id, function.handler.path)
        self.routes = api_routes(self.template)
        authorizers = self._authorizers()
        if config.demo:
            seed_site(stack.env["TABLE_NAME"])
        if self.user_pool_id:
            groups = [
                info["name"]
                for info in stack.resources.values()
                if info["type"] == "AWS::Cognito::UserPoolGroup" and info["name"]
            ]
            self.logins = create_logins(self.client("cognito-idp"), self.user_pool_id, groups)
            if config.demo:
                seed_staff(self.client("cognito-idp"), self.user_pool_id)

        self.outbox = Outbox(stack.account_id, stack.region)
        self.outbox.start()
        resolver = stack.resolver()
        mappings = stream_mappings(self.template, resolver)
        self.stream_pollers = start_pollers(mappings, self.functions, self.client, stack.region)
        if moto_fixes.size_fixes_wanted():  # off: moto keeps every record, as released
            self.stream_retention = StreamRetention(mappings, self.stream_pollers)
        self._start_s3(resolver)
        self._start_scheduler(resolver)
        for description in undelivered_events(self.template):
            log.warning("%s is not delivered locally", description)

        self.gateway = Gateway(
            self.routes,
            self.functions,
            apis=api_settings(self.template, resolver),
            authorizers=authorizers,
            account_id=stack.account_id,
            local=self.local,
            throttle=config.throttle,
            waf=config.waf,
        )
        if config.demo:
            self._fill_demo_mailing_lists()
        try:
            self._server = GatewayServer(self.gateway, config.host, config.port)
        except OSError as error:
            raise PortBusyError(
                config.host, config.port, "the local API gateway", "--port", "FRONTDESK_PORT"
            ) from error
        self._server.start()
        self._freeze_survivors()  # last: what starting loaded is frozen at once

    def _freeze_survivors(self) -> None:
        if self.config.freeze_survivors:
            self.heap = FrozenSurvivors()
            self.heap.install()

    def _hand_to_moto(self, events: Any) -> None:
        if self.config.moto_in_process and self._moto is not None:
            moto_direct.install(events, self._moto.app, self.config.moto_port)

    def _fill_demo_mailing_lists(self) -> None:
        """Through the gateway as the demo manager, if the template has the mailing-list routes."""
        manager = next((login for login in self.logins if login.role == "manager"), None)
        routes_there = match_route(self.routes, "GET", f"/staff/sites/{DEMO_SITE.site_id}/mailing-lists")
        if manager is None or routes_there is None or self.gateway is None or not self.client_id:
            return
        gateway = self.gateway
        token = self.client("cognito-idp").initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": manager.username, "PASSWORD": manager.password},
        )["AuthenticationResult"]["IdToken"]

        def call(method: str, path: str, body: Any, id_token: str) -> tuple[int, Any]:
            headers = (("Authorization", id_token), ("Content-Type", "application/json"), ("Host", "localhost"))
            data = b"" if body is None else json.dumps(body).encode()
            response = gateway.handle(Request(method, path, headers, data))
            return response.status, json.loads(response.body or b"null")

        self.mailing_lists = fill_mailing_lists(call, token)
        fill_canned_replies(call, token)
        now = datetime.now(UTC)
        this_month = roster_month(DEMO_SITE, now)
        fill_duty_roster(call, token, (this_month, next_month(this_month)))

    def _configure_moto(self) -> None:
        """Switch on Step Functions execution (before any state machine is created)."""
        request = urllib.request.Request(  # noqa: S310 (our own moto)
            f"{self.moto_url}/moto-api/config",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()

    def _authorizers(self) -> dict[str, CognitoAuthorizer]:
        assert self.stack is not None
        found: dict[str, CognitoAuthorizer] = {}
        clients = resources(self.template, "AWS::Cognito::UserPoolClient")
        for route in self.routes:
            if not route.requires_cognito_auth or not route.authorizer or route.authorizer in found:
                continue
            if route.user_pool is None or route.user_pool not in self.stack.physical:
                log.error("authorizer %s: its user pool is not provisioned locally", route.authorizer)
                continue
            pool_id = self.stack.physical[route.user_pool]["Ref"]
            client_ids = [
                self.stack.physical[lid]["Ref"]
                for lid, client in clients.items()
                if client.get("Properties", {}).get("UserPoolId") == {"Ref": route.user_pool}
                and lid in self.stack.physical
            ]
            found[route.authorizer] = CognitoAuthorizer(
                f"{self.moto_url}/{pool_id}/.well-known/jwks.json", self.stack.region, pool_id, client_ids
            )
            if self.user_pool_id is None:
                self.user_pool_id = pool_id
                self.client_id = client_ids[0] if client_ids else None
        return found

    def _start_s3(self, resolver: Any) -> None:
        assert self.stack is not None
        mappings = [m for m in s3_mappings(self.template, resolver) if self._deliverable(m.function, m.name)]
        if not mappings:
            return
        urls = subscribe_s3(mappings, self.client, self.config.stack_name)
        for mapping in mappings:
            poller = S3Poller(
                mapping,
                self.functions[mapping.function],
                urls[mapping.name],
                async_policy(self.template, mapping.function, resolver),
                self.client,
            )
            poller.start()
            self.s3_pollers.append(poller)

    def _start_scheduler(self, resolver: Any) -> None:
        assert self.stack is not None
        mappings = [
            m
            for m in schedule_mappings(self.template, resolver, self.config.stack_name)
            if self._deliverable(m.function, m.name)
        ]
        if not mappings:
            return
        policies = {m.function: async_policy(self.template, m.function, resolver) for m in mappings}
        self.scheduler = Scheduler(
            mappings, self.functions, policies, self.client, self.stack.account_id, self.stack.region
        )
        self.scheduler.start()

    def _deliverable(self, function: str, name: str) -> bool:
        found = self.functions.get(function)
        if found is None or not found.exists():
            log.warning("%s: the function's code does not exist yet; its events are NOT delivered", name)
            return False
        return True

    # ------------------------------------------------------------------------------------- stop

    def stop(self) -> None:
        """Stop everything that was started, in reverse order, joining every thread."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        threads: list[Any] = [*self.stream_pollers, *self.s3_pollers]
        if self.scheduler is not None:
            threads.append(self.scheduler)
        for thread in threads:
            thread.stop()
        for thread in threads:
            thread.join(JOIN_TIMEOUT_SECONDS)
            if thread.is_alive():
                log.warning("%s is still running a function after %ss; leaving it", thread.name, JOIN_TIMEOUT_SECONDS)
        self.stream_pollers, self.s3_pollers, self.scheduler = [], [], None
        if self.outbox is not None:
            self.outbox.stop()
            self.outbox = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        moto_scheduler.uninstall()
        timescale.uninstall()
        if self.heap is not None:
            self.heap.uninstall()
            self.heap = None
        moto_fixes.uninstall()
        moto_dispatch.uninstall()

    # ------------------------------------------------------------------------------------- /local/

    def config_document(self, base_url: str) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "time_scale": self.config.time_scale,
            "time_scale_note": timescale.describe(self.config.time_scale),
            "region": REGION,
            "moto_endpoint": self.moto_url,
            "cognito": {
                "region": REGION,
                "user_pool_id": self.user_pool_id,
                "client_id": self.client_id,
                # speaks Cognito's JSON API (X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth)
                "endpoint": f"{base_url}/local/cognito",
            },
            "logins": [login.as_dict() for login in self.logins],
            "demo_site_id": DEMO_SITE.site_id if self.config.demo else None,
            # what the functions see: TABLE_NAME, EVENTS_TOPIC_ARN, … (local names, no secrets)
            "environment": self.stack.env if self.stack else {},
            "resources": dict(self.stack.resources) if self.stack else {},
            "web_pages": self.web_pages(),
        }

    def web_pages(self) -> list[str]:
        return sorted(
            {
                route.path
                for route in self.routes
                if route.method in ("GET", "ANY")
                and not route.path.startswith(API_PREFIXES)
                and "{" not in route.path
                and not route.path.endswith(".json")
            }
        )

    def stats(self) -> dict[str, Any]:
        return {
            "streams": {p.mapping.name: p.stats.snapshot() for p in self.stream_pollers},
            # records dropped from each stream once every poller had read them (local_stack.stream_retention)
            "trimmed": dict(self.stream_retention.trimmed) if self.stream_retention else {},
            "s3": {p.mapping.name: p.stats.snapshot() for p in self.s3_pollers},
            "schedules": (
                {
                    name: {
                        **stats.snapshot(),
                        "expression": self.scheduler.mappings[name].expression,
                        "next": (when.isoformat() if (when := self.scheduler.next_times.get(name)) else None),
                    }
                    for name, stats in self.scheduler.stats.items()
                }
                if self.scheduler
                else {}
            ),
            "gateway": self.gateway.stats.snapshot() if self.gateway else {},
            # full garbage collections, those that scanned everything, objects frozen (local_stack.heap)
            "heap": self.heap.snapshot() if self.heap else {},
            "functions": {
                lid: {
                    "invocations": f.invocations,
                    "errors": f.errors,
                    "loaded": f.exists(),
                    "billed_ms": f.billed_ms,
                    "memory_mb": f.memory,
                    "containers": f.containers,
                    "busy_peak": f.busy_peak,
                }
                for lid, f in self.functions.items()
            },
            "aws": self.calls.snapshot(),
        }

    def local(self, request: Request) -> Response:
        """The local stack's own pages under /local/ (not part of the API)."""
        base_url = f"http://{request.header('Host') or self.base_url.removeprefix('http://')}"
        path = request.path.rstrip("/")
        routes: dict[tuple[str, str], Callable[[], Response]] = {
            ("GET", "/local"): lambda: Response.html(200, _index()),
            ("GET", "/local/config.json"): lambda: Response.json(200, self.config_document(base_url)),
            ("GET", "/local/stats.json"): lambda: Response.json(200, self.stats()),
            ("GET", "/local/outbox.json"): lambda: Response.json(200, self.outbox.as_json() if self.outbox else []),
            ("GET", "/local/outbox"): lambda: Response.html(200, page(self.outbox.as_json() if self.outbox else [])),
            ("POST", "/local/login"): lambda: self._login(request),
            ("POST", "/local/cognito"): lambda: self._cognito(request),
        }
        handler = routes.get((request.method, path))
        if handler is not None:
            return handler()
        if request.method == "POST" and path.startswith("/local/schedules/") and path.endswith("/fire"):
            return self._fire(path.removeprefix("/local/schedules/").removesuffix("/fire"))
        return Response.json(404, {"message": "Not Found"})

    def _login(self, request: Request) -> Response:
        """Username + password -> Cognito tokens, for scripts and tests: InitiateAuth USER_PASSWORD_AUTH
        asked of moto itself, which ignores the client's flows. The console and every client of the
        Cognito endpoint (/local/cognito) sign in with SRP, checked for real (cognito_srp)."""
        try:
            body = json.loads(request.body or b"{}")
            username, password = str(body["username"]), str(body["password"])
        except (ValueError, KeyError, TypeError):
            return Response.json(400, {"message": "send JSON {username, password}"})
        if not self.client_id:
            return Response.json(404, {"message": "the template has no Cognito user pool client"})
        cognito = self.client("cognito-idp")
        try:
            result = cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except cognito.exceptions.ClientError as error:
            return Response.json(401, {"message": error.response["Error"].get("Message", "Unauthorized")})
        tokens = result.get("AuthenticationResult")
        if not tokens:
            return Response.json(401, {"message": f"challenge {result.get('ChallengeName')} is not supported"})
        return Response.json(
            200,
            {
                "id_token": tokens["IdToken"],
                "access_token": tokens["AccessToken"],
                "refresh_token": tokens.get("RefreshToken"),
                "expires_in": tokens["ExpiresIn"],
                "token_type": tokens["TokenType"],
            },
        )

    def _cognito(self, request: Request) -> Response:
        """A Cognito user-pools JSON API call (e.g. InitiateAuth), forwarded to moto, with what moto
        leaves out done here: RevokeToken, each client's ExplicitAuthFlows, and SRP checked for real."""
        target = request.header("X-Amz-Target") or ""
        if not target.startswith("AWSCognitoIdentityProviderService."):
            return Response.json(400, {"message": "only Cognito user pool calls are forwarded"})
        if self.stack is None:
            return self._to_moto(target, request.body)
        if target == cognito_revoke.TARGET:  # moto has no RevokeToken
            return _amz_json(*cognito_revoke.revoke_token(request.body, self.stack.account_id, self.stack.region))
        if target not in (cognito_srp.INITIATE, cognito_srp.RESPOND):
            return self._to_moto(target, request.body)
        try:
            call = json.loads(request.body or b"{}")
        except ValueError:
            return self._to_moto(target, request.body)
        if not isinstance(call, dict):
            return self._to_moto(target, request.body)
        srp = self._srp_sign_in
        assert srp is not None  # made with the stack
        body = request.body
        if target == cognito_srp.INITIATE:
            refused = srp.refuse_flow(call)
            if refused is not None:
                return _amz_json(*refused)
        elif call.get("ChallengeName") == "PASSWORD_VERIFIER":
            checked = srp.check(call)
            if isinstance(checked, tuple):
                return _amz_json(*checked)
            body = json.dumps(checked).encode()
        answer = self._to_moto(target, body)
        if target == cognito_srp.INITIATE and call.get("AuthFlow") == "USER_SRP_AUTH" and answer.status == 200:
            try:
                return _amz_json(200, srp.challenge(call, json.loads(answer.body)))
            except ValueError:
                return _amz_json(400, {"__type": "InvalidParameterException", "message": "SRP_A is not valid"})
        return answer

    def _to_moto(self, target: str, body: bytes) -> Response:
        forwarded = urllib.request.Request(  # noqa: S310 (our own moto)
            f"{self.moto_url}/",
            data=body,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
            method="POST",
        )
        try:
            with urllib.request.urlopen(forwarded, timeout=10) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return Response(status, [("Content-Type", "application/x-amz-json-1.1")], body)

    def _fire(self, name: str) -> Response:
        if self.scheduler is None or name not in self.scheduler.mappings:
            return Response.json(404, {"message": f"no schedule {name}"})
        delivered = self.scheduler.fire(name)
        return Response.json(200, {"schedule": name, "delivered": delivered})

    # ------------------------------------------------------------------------------------- banner

    def banner(self) -> str:
        assert self.stack is not None
        base = self.base_url
        lines = [
            "=" * 88,
            " frontdesk - local stack (moto in this process; no Docker, no AWS account)",
            "",
        ]
        for path in self.web_pages():
            lines.append(f"   page          {base}{path}")
        lines += [
            f"   outbox        {base}/local/outbox      (every email and SNS message, newest first)",
            f"   stats         {base}/local/stats.json  (config: {base}/local/config.json)",
            f"   API           {base}/public/...  {base}/staff/...  ({len(self.routes)} routes from template.yaml)",
            f"   local AWS     {self.moto_url}  (moto; dashboard {self.moto_url}/moto-api/)",
        ]
        if self.logins:
            lines += ["", f" logins (Cognito user pool {self.user_pool_id}):"]
            lines += [f"   {login.role:<14} {login.username:<14} password {login.password}" for login in self.logins]
        if self.config.demo:
            buildings = ", ".join(f"{b.name} {b.name_en} ({b.building_class.value})" for b in DEMO_SITE.buildings)
            lines += ["", f" demo site {DEMO_SITE.name} {DEMO_SITE.name_en} (site_id {DEMO_SITE.site_id}): {buildings}"]
            if self.mailing_lists:
                lines.append(
                    f" demo mailing lists (escalation mail goes to the outbox): {', '.join(self.mailing_lists)}"
                )
        lines += [
            "",
            f" {timescale.describe(self.config.time_scale)}",
            " stop: Ctrl-C",
            "=" * 88,
        ]
        return "\n".join(lines)


def _amz_json(status: int, body: dict[str, Any]) -> Response:
    return Response(status, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(body).encode())


def _index() -> str:
    links = ["outbox", "outbox.json", "stats.json", "config.json"]
    items = "".join(f'<li><a href="/local/{name}">/local/{name}</a></li>' for name in links)
    head = "<!doctype html><meta charset='utf-8'><title>frontdesk local</title>"
    return f"{head}<h1>frontdesk local</h1><ul>{items}</ul>"
