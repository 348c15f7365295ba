"""The embedded local stack started for real: `python -m local_stack` as a separate process.

    def test_something(local_stack: RunningStack) -> None:
        status, body = local_stack.call("GET", "/public/sites")
        token = local_stack.token("operator")            # a real Cognito id token (moto)
        local_stack.call("GET", "/staff/tickets?site_id=demo", token=token)

- `local_stack` (session): one stack on free ports for the whole session, with the demo data;
  stopped with SIGINT at the end. Its output goes to a log file (`local_stack.log_text()`).
- `start_stack(*args)` / `RunningStack.stop()`: a stack of your own (other flags, its own
  lifetime), e.g. to test start-up and shutdown.
`RunningStack.config` is /local/config.json (logins, Cognito ids, time scale, moto endpoint).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig
from playwright.sync_api import APIResponse, Browser, Page, Route, ViewportSize, expect, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 60.0  # bounded: a hung stack still fails; a busy machine does not
POLL_BOUND_SECONDS = 120.0  # far beyond what the stream router needs, so a busy machine cannot break it
# How long an expect() waits for the page (Playwright's default is 5 s): a bound far above what a
# page needs, so that a machine with every core busy cannot break a test that would pass; a test
# that fails waits this long once.
EXPECT_BOUND_MS = 30_000
expect.set_options(timeout=EXPECT_BOUND_MS)


def until(found: Callable[[], Any], what: str, bound_seconds: float = POLL_BOUND_SECONDS) -> Any:
    """``found()``'s first truthy value, asked every half second for at most ``bound_seconds``."""
    deadline = time.monotonic() + bound_seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {bound_seconds:.0f} s: {what}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without anything that could point the stack at AWS or fix its ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FRONTDESK_", "MOTO_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def logged_errors(log: str, most_lines: int = 120) -> str:
    """A stack log's ERROR records with their tracebacks (the last `most_lines` lines of them)."""
    kept: list[str] = []
    inside = False
    for line in log.splitlines():
        if LOG_RECORD.match(line) or line.startswith("{"):  # a record starts: the logger's or powertools' JSON
            inside = " ERROR " in line
        if inside:
            kept.append(line)
    return "\n".join(kept[-most_lines:])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    port: int
    moto_port: int
    log_path: Path
    config: dict[str, Any] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def cognito(self) -> Any:
        """A boto3 client of the stack's Cognito (moto itself), one attempt per call."""
        return self._cognito_at(self.moto_url)

    def cognito_via_gateway(self) -> Any:
        """A boto3 client of the Cognito endpoint the console signs in at (SRP checked, flows enforced)."""
        return self._cognito_at(self.url("/local/cognito"))

    def _cognito_at(self, endpoint: str) -> Any:
        return boto3.client(
            "cognito-idp",
            region_name=self.config["cognito"]["region"],
            endpoint_url=endpoint,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=BotoConfig(retries={"max_attempts": 1}),
        )

    @property
    def logins(self) -> dict[str, dict[str, str]]:
        """Role -> {"username", "password", "role"}."""
        return {login["role"]: login for login in self.config.get("logins", [])}

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        """One HTTP request to the gateway: (status, JSON body or text)."""
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = token
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.url(path), data=data, headers=sent, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode("utf-8", errors="replace")

    def token(self, role: str) -> str:
        """A real Cognito id token of the demo login for `role` (cached)."""
        if role not in self._tokens:
            login = self.logins[role]
            status, body = self.call(
                "POST", "/local/login", {"username": login["username"], "password": login["password"]}
            )
            assert status == 200, body
            self._tokens[role] = body["id_token"]
        return self._tokens[role]

    def stats(self) -> dict[str, Any]:
        status, body = self.call("GET", "/local/stats.json")
        assert status == 200, body
        return dict(body)

    def stop(self, sig: int = signal.SIGINT, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """Signal the stack and wait for it; its exit code (killed and -9 if it does not stop)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def launch(*args: str, log_path: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`python -m local_stack <args>` with output to `log_path` (not waited for)."""
    log = log_path.open("wb")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "local_stack", *args],
            cwd=REPO_ROOT,
            env=clean_environment(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()


def start_stack(*args: str, log_path: Path, env: Mapping[str, str] | None = None) -> RunningStack:
    """Start a stack on free ports (unless `args` choose them) and wait until it serves."""
    port, moto_port = free_port(), free_port()
    chosen = list(args)
    if "--port" not in chosen:
        chosen += ["--port", str(port)]
    else:
        port = int(chosen[chosen.index("--port") + 1])
    if "--moto-port" not in chosen:
        chosen += ["--moto-port", str(moto_port)]
    else:
        moto_port = int(chosen[chosen.index("--moto-port") + 1])
    stack = RunningStack(launch(*chosen, log_path=log_path, env=env), port, moto_port, log_path)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {stack.process.returncode}:\n{stack.log_text()}")
        status, body = (0, None)
        with contextlib.suppress(OSError):
            status, body = stack.call("GET", "/local/config.json")
        if status == 200 and isinstance(body, dict):
            stack.config = body
            return stack
        if time.monotonic() > deadline:
            stack.stop()
            raise RuntimeError(f"the local stack did not start in {START_TIMEOUT_SECONDS}s:\n{stack.log_text()}")
        time.sleep(0.2)


# A repair taken by phone at the demo site: what the API tests open and vary.
PHONE_REPAIR: dict[str, str] = {
    "site_id": "demo",
    "building_id": "library",
    "unit": "2F-201",
    "kind": "repair",
    "category": "plumbing",
    "channel": "phone",
    "description": "洗手间水龙头漏水 / the tap in the washroom leaks",
    "contact_name": "李老师",
    "contact_phone": "13800000000",
}


@contextlib.contextmanager
def stack_of_its_own(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[RunningStack]:
    """A local stack (demo data, default time scale), stopped however the block ends."""
    stack = start_stack(log_path=tmp_path_factory.mktemp(name) / "local_stack.log")
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One local stack for the session."""
    with stack_of_its_own(tmp_path_factory, "local_stack") as stack:
        yield stack


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used the stack carries the stack's logged errors: a 502's cause is in CI's output."""
    report: pytest.TestReport = yield
    stack = getattr(item, "funcargs", {}).get("local_stack")
    if report.failed and isinstance(stack, RunningStack) and stack.log_path.exists():
        report.sections.append(("local stack: logged errors", logged_errors(stack.log_text()) or "(none)"))
    return report


# ------------------------------------------------------------------ the browser

HOLD_WAIT_SECONDS = 30.0  # a bound for a busy machine, not a timing assertion
SETTLE_MS = 1000  # the page's handling of a released answer; a slow page can only hide a bug


def hold_next_read(page: Page, pattern: str, ask: Callable[[], None]) -> Callable[[], None]:
    """Has the page GET `pattern` again (``ask()``, repeated until a GET reaches the route: a read
    already under way may answer the first ask), the API's answer fetched now but handed to the page
    only when the returned function is called; it then waits for the page to have handled it."""
    held: list[tuple[Route, APIResponse]] = []

    def hold(route: Route) -> None:
        if route.request.method == "GET" and not held:
            held.append((route, route.fetch()))
        else:
            route.fallback()

    page.route(pattern, hold)
    deadline = time.monotonic() + HOLD_WAIT_SECONDS
    while not held:
        assert time.monotonic() < deadline, f"the page did not read {pattern}"
        ask()
        for _ in range(20):  # the route's handler runs when Playwright next dispatches events
            if held:
                break
            page.wait_for_timeout(50)

    def release() -> None:
        route, answer = held[0]
        with page.expect_event("requestfinished"):
            route.fulfill(response=answer)
        page.unroute(pattern, hold)
        page.wait_for_timeout(SETTLE_MS)

    return release


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # An English, UTC browser: Chinese and Beijing time must come from the pages, not the machine.
    context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="UTC")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield opened
    context.close()
    assert not problems, problems
