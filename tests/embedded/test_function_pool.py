"""A function of the local stack runs several invocations at once, each in a container of its own,
as Lambda scales a function out; past the pool they wait, and past the gateway's bound it is 503."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from local_stack.gateway import Gateway, Request, api_settings
from local_stack.runtime import Function, load_functions
from local_stack.template import Resolver, Template, api_routes, parameter_values

# The handler keeps the request in a module of its folder, as powertools' resolver keeps the
# current event: two invocations at once must each see their own.
APP = """
import pool_sync
import state

def handler(event, context):
    state.current = event["n"]
    pool_sync.meet()
    return {"n": state.current, "state": id(state)}
"""
STATE = "current = None\n"
WAIT_SECONDS = 30  # a bound for a broken pool, never reached by a working one


@pytest.fixture
def sync() -> Iterator[SimpleNamespace]:
    """What the handler's containers share, set by each test (the layer's role on Lambda)."""
    shared = SimpleNamespace(meet=lambda: None)
    sys.modules["pool_sync"] = shared  # type: ignore[assignment]
    yield shared
    del sys.modules["pool_sync"]
    for name in ("state",):
        sys.modules.pop(name, None)


def _function(tmp_path: Path, reserved: int | None = None, concurrency: int = 4, app: str = APP) -> Function:
    folder = tmp_path / "functions" / "pooled"
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(app)
    (folder / "state.py").write_text(STATE)
    props: dict[str, Any] = {"CodeUri": "functions/pooled/", "Handler": "app.handler", "Timeout": WAIT_SECONDS}
    if reserved is not None:
        props["ReservedConcurrentExecutions"] = reserved
    template: Template = {"Resources": {"Pooled": {"Type": "AWS::Serverless::Function", "Properties": props}}}
    return load_functions(template, "t", "us-east-1", "123456789012", root=tmp_path, concurrency=concurrency)["Pooled"]


def test_two_invocations_run_at_once_each_with_its_own_module_state(tmp_path: Path, sync: SimpleNamespace) -> None:
    # Both must be inside the handler together to pass the barrier: one at a time would break it.
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    sync.meet = barrier.wait
    function = _function(tmp_path)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda n: function.invoke({"n": n}), (1, 2)))

    assert [r["n"] for r in results] == [1, 2]  # neither saw the other's request
    assert results[0]["state"] != results[1]["state"]  # two copies of the folder's module
    assert (function.containers, function.busy_peak, function.invocations, function.errors) == (2, 2, 2, 0)


# A handler as ours are made: metrics added during the invocation, printed (EMF) when it ends.
METRICS_APP = """
import pool_sync
from frontdesk.function_metrics import function_metrics

metrics = function_metrics()

@metrics.log_metrics
def handler(event, context):
    metrics.add_metric(name="Seen", unit="Count", value=event["n"])
    pool_sync.meet()
    return {}
"""


def test_two_invocations_at_once_each_print_only_their_own_metrics(
    tmp_path: Path, sync: SimpleNamespace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With powertools' process-wide metric set the first to finish printed both values and the
    # other's flush found its set emptied (once, mid-serialisation: a 502 for a tenant's report).
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "frontdesk")
    sync.meet = threading.Barrier(2, timeout=WAIT_SECONDS).wait  # both have added before either prints
    function = _function(tmp_path, app=METRICS_APP)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda n: function.invoke({"n": n}), (1, 2)))

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert sorted(blob["Seen"] for blob in printed) == [[1.0], [2.0]]
    assert function.errors == 0


def test_past_the_pool_an_invocation_waits_for_a_free_container(tmp_path: Path, sync: SimpleNamespace) -> None:
    inside = threading.Semaphore(0)
    go = threading.Event()

    def meet() -> None:
        inside.release()
        assert go.wait(WAIT_SECONDS)

    sync.meet = meet
    function = _function(tmp_path, concurrency=2)
    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(function.invoke, {"n": n}) for n in range(5)]
        for _ in range(2):
            assert inside.acquire(timeout=WAIT_SECONDS)
        assert not inside.acquire(timeout=0.2)  # the other three wait (a bound, not a timing)
        go.set()
        assert sorted(f.result()["n"] for f in futures) == [0, 1, 2, 3, 4]
    assert (function.containers, function.busy_peak, function.errors) == (2, 2, 0)


def test_the_templates_reserved_concurrency_caps_the_pool(tmp_path: Path) -> None:
    assert _function(tmp_path, reserved=1).concurrency == 1
    assert _function(tmp_path / "other", concurrency=3).concurrency == 3


class Blocking(Function):
    """A function whose invocations wait for the test to let them go."""

    def __init__(self) -> None:
        from local_stack.template import Handler

        super().__init__("PublicApiFunction", "t-PublicApiFunction", "arn", Handler("P", "x", "x/app.py", "h"), 15, 512)
        self.entered = threading.Semaphore(0)
        self.go = threading.Event()

    def invoke(self, event: Any) -> Any:
        self.entered.release()
        assert self.go.wait(WAIT_SECONDS)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


def test_past_its_bound_the_gateway_answers_503_in_the_apis_error_shape(template: Template) -> None:
    function = Blocking()
    resolver = Resolver(parameters=parameter_values(template, None), physical={"UserPool": {"Ref": "p", "Arn": "a"}})
    gateway = Gateway(
        api_routes(template),
        {"PublicApiFunction": function},
        apis=api_settings(template, resolver),
        authorizers={},
        account_id="123456789012",
        max_in_flight=2,
    )
    request = Request("GET", "/public/sites", (("Host", "127.0.0.1:3000"),))
    with ThreadPoolExecutor(2) as pool:
        held = [pool.submit(gateway.handle, request) for _ in range(2)]
        for _ in range(2):
            assert function.entered.acquire(timeout=WAIT_SECONDS)

        refused = gateway.handle(request)

        function.go.set()
        assert [f.result().status for f in held] == [200, 200]
    assert refused.status == 503
    assert refused.header("Retry-After") == "1"
    body = json.loads(refused.body)
    assert body == {
        "code": "OVERLOADED",
        "message": "Service Unavailable",
        "field": None,
        "errors": [],
        "request_id": refused.header("x-amzn-RequestId"),
    }
    assert gateway.handle(request).status == 200  # the bound is of requests held, not a count


def test_the_command_line_sets_the_pool_and_refuses_an_empty_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from local_stack.__main__ import parse

    monkeypatch.delenv("FRONTDESK_CONCURRENCY", raising=False)
    assert parse([]).concurrency == 4
    assert parse(["--concurrency", "1"]).concurrency == 1
    monkeypatch.setenv("FRONTDESK_CONCURRENCY", "8")
    assert parse([]).concurrency == 8
    with pytest.raises(SystemExit):
        parse(["--concurrency", "0"])


# The layer's services, as a handler asks for them: built once per container, never shared by two.
WIRED_APP = """
import pool_sync
from frontdesk import wiring

def handler(event, context):
    built = id(wiring.clock())
    pool_sync.meet()
    return {"built": built, "again": id(wiring.clock())}
"""


def test_each_container_builds_the_layers_services_for_itself(tmp_path: Path, sync: SimpleNamespace) -> None:
    # A boto3 resource shared by two containers numbered the placeholders of two queries in one
    # counter: "Query condition missed key schema element: PK", a 500, under load.
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    sync.meet = barrier.wait
    function = _function(tmp_path, app=WIRED_APP)

    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(lambda n: function.invoke({"n": n}), (1, 2)))
    sync.meet = lambda: None
    later = function.invoke({"n": 3})

    assert together[0]["built"] != together[1]["built"]
    assert all(r["built"] == r["again"] for r in together)  # cached within a container
    assert later["built"] in {r["built"] for r in together}  # a warm container keeps what it built
