"""What 10,000 tickets cost on AWS, from the calls the local stack counted, at list prices.

Two runs of `python -m local_stack` on 127.0.0.1 (the demo site), each driven through its real HTTP
API as the console and the tracking page drive it:

    happy path   the web form (with an e-mail: the acknowledgement is mailed), dispatched, arrived
                 and completed in time, accepted by the tenant      (time scale 1)
    escalated    the same, but the engineer never comes: both arrival rungs are mailed; he arrives,
                 completes after the completion deadline (its rungs mailed too), then accepted
                 (time scale 3600: 24 h pass in 24 s; the deadlines stored stay true)

Counted, before and after, from /local/stats.json: Lambda invocations and billed milliseconds per
function (× its memory: GB-s), the AWS calls each function made (local_stack/calls.py, with the
DynamoDB request units of each call), and from moto the Step Functions executions' states entered.
API Gateway requests and X-Ray traces are the requests the bench made and the invocations no
request started. Not counted: CloudWatch Logs ingestion and metrics, the stream's reads (free for a
Lambda trigger), Cognito (billed per monthly active user, not per ticket), storage.

Durations are this machine's (moto over HTTP, two busy cores): on AWS a DynamoDB call is slower and
the CPU faster. The GB-s line is therefore an estimate; every other line is counted.

    .venv/bin/python bench/cost.py [--tickets 10] [--escalated 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "layers" / "core")]
from intake import TICKET, Stack  # noqa: E402

from frontdesk.adapters.dynamodb import TICKET_SK  # noqa: E402
from frontdesk.models.clock import ClockKind  # noqa: E402
from frontdesk.models.escalation import DEFAULT_LADDER  # noqa: E402

# us-east-1 list prices (USD), December 2026, beyond the free tiers.
PRICES: Mapping[str, tuple[float, str]] = {
    "lambda_requests": (0.20 / 1e6, "Lambda requests"),
    "lambda_gb_s": (0.0000133334, "Lambda GB-s (arm64)"),
    "dynamodb_write_units": (0.625 / 1e6, "DynamoDB write request units (on demand)"),
    "dynamodb_read_units": (0.125 / 1e6, "DynamoDB read request units (on demand)"),
    "sfn_transitions": (0.025 / 1e3, "Step Functions state transitions (standard)"),
    "ses_mails": (0.10 / 1e3, "SES mails (per recipient)"),
    "sns_publishes": (0.50 / 1e6, "SNS publishes"),
    "api_requests": (3.50 / 1e6, "API Gateway REST requests"),
    "xray_traces": (5.00 / 1e6, "X-Ray traces recorded"),
}
PER = 10_000


class Driver:
    """The calls a tenant, an operator and an engineer make, through the gateway."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.requests = 0
        self.logins = {login["role"]: login for login in stack.config["logins"]}
        self.tokens: dict[str, str] = {}

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = token
        if method == "POST" and path in ("/public/tickets",):
            headers["Idempotency-Key"] = f"cost-{time.monotonic_ns()}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.stack.base + path, data=data, headers=headers, method=method)
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # 127.0.0.1 only
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {path} -> {error.code}: {error.read().decode()[:400]}") from None

    def token(self, role: str) -> str:
        if role not in self.tokens:
            login = self.logins[role]
            reply = self._local_login(login["username"], login["password"])
            self.tokens[role] = reply["id_token"]
        return self.tokens[role]

    def _local_login(self, username: str, password: str) -> Any:
        request = urllib.request.Request(
            f"{self.stack.base}/local/login",
            data=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # not an API request: not counted
            return json.load(response)

    def open_and_dispatch(self) -> tuple[str, str]:
        created = self.call("POST", "/public/tickets", {**TICKET, "contact_email": "tenant@example.com"})
        ticket_id = self._staff_id(created["number"])
        engineer = self.logins["engineer"]["username"]
        self.act(ticket_id, "dispatch", {"version": 1, "assignee": engineer}, "operator")
        return ticket_id, created["tracking_token"]

    def _staff_id(self, number: str) -> str:
        found = self.call("GET", f"/staff/tickets/search?site_id=demo&q={number}", token=self.token("operator"))
        return str(found["tickets"][0]["ticket_id"])

    def act(self, ticket_id: str, action: str, body: dict[str, Any], role: str) -> Any:
        return self.call("POST", f"/staff/tickets/{ticket_id}/{action}", body, token=self.token(role))

    def finish(self, ticket_id: str, tracking: str) -> None:
        self.act(ticket_id, "arrive", {"version": 2}, "engineer")
        self.act(ticket_id, "complete", {"version": 3, "summary": "换了阀芯"}, "engineer")
        version = self.read(ticket_id)["version"]
        self.call("POST", f"/public/track/{tracking}/acceptance", {"version": version, "satisfied": True})

    def read(self, ticket_id: str) -> Any:
        """The ticket as stored, read from moto directly: the bench's waiting is not the desk's cost."""
        item = self.stack.dynamodb.get_item(
            TableName=self.stack.table, Key={"PK": {"S": f"TICKET#{ticket_id}"}, "SK": {"S": TICKET_SK}}
        )["Item"]
        return _plain(item)


def _plain(value: Any) -> Any:
    """DynamoDB JSON to plain values (the few shapes a ticket item has)."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "S" or tag == "BOOL":
            return inner
        if tag == "N":
            return float(inner) if "." in inner else int(inner)
        if tag == "M":
            return {k: _plain(v) for k, v in inner.items()}
        if tag == "L":
            return [_plain(v) for v in inner]
        if tag == "NULL":
            return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def stats(stack: Stack) -> dict[str, Any]:
    with urllib.request.urlopen(f"{stack.base}/local/stats.json", timeout=60) as response:
        return dict(json.load(response))


def settled(stack: Stack, bound_seconds: float = 300) -> dict[str, Any]:
    """The stats once the streams have nothing in flight twice in a row (bounded)."""
    deadline = time.monotonic() + bound_seconds
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        now = stats(stack)
        streams = now["streams"].values()
        quiet = all(int(s["in_flight"]) == 0 for s in streams)
        if quiet and last and _invocations(now) == _invocations(last):
            return now
        last = now
        time.sleep(2)
    print("  (the streams had not settled; counting anyway)", flush=True)
    return last


def _invocations(snapshot: Mapping[str, Any]) -> int:
    return sum(int(f["invocations"]) for f in snapshot["functions"].values())


def transitions(stack: Stack) -> int:
    """States entered by every execution the stack has run (Step Functions bills each)."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    sfn = session.client("stepfunctions", endpoint_url=f"http://127.0.0.1:{stack.moto_port}", region_name="us-east-1")
    total = 0
    for machine in sfn.list_state_machines()["stateMachines"]:
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine["stateMachineArn"]):
            for execution in page["executions"]:
                history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)
                total += sum(1 for event in history["events"] if event["type"].endswith("StateEntered"))
    return total


def counted(before: Mapping[str, Any], after: Mapping[str, Any], requests: int, states: int) -> defaultdict[str, float]:
    """The billable quantities between two snapshots."""
    quantities: defaultdict[str, float] = defaultdict(float)
    for name, function in after["functions"].items():
        invocations = int(function["invocations"]) - int(before["functions"][name]["invocations"])
        billed = int(function["billed_ms"]) - int(before["functions"][name]["billed_ms"])
        quantities["lambda_requests"] += invocations
        quantities["lambda_gb_s"] += billed / 1000 * int(function["memory_mb"]) / 1024
        if name != "PublicApiFunction" and name != "StaffApiFunction":
            quantities["xray_traces"] += invocations  # a trace of its own (a request's trace covers its function)
    calls: Counter[str] = Counter(after["aws"]["calls"])
    calls.subtract(before["aws"]["calls"])
    for key, count in calls.items():
        operation = key.split(" ", 1)[1]
        if operation == "ses.SendEmail":
            quantities["ses_mails"] += count  # one recipient per message (docs/decisions/0013)
        elif operation == "sns.Publish":
            quantities["sns_publishes"] += count
    units_after, units_before = after["aws"]["dynamodb_units"], before["aws"]["dynamodb_units"]
    quantities["dynamodb_write_units"] += units_after["write"] - units_before["write"]
    quantities["dynamodb_read_units"] += units_after["read"] - units_before["read"]
    quantities["sfn_transitions"] += states
    quantities["api_requests"] += requests
    quantities["xray_traces"] += requests
    return quantities


def scenario(name: str, time_scale: float, tickets: int, walk: Callable[[Driver], None], log: Path) -> dict[str, Any]:
    stack = Stack(log, time_scale=time_scale)
    try:
        driver = Driver(stack)
        driver.token("operator"), driver.token("engineer"), driver.token("manager")
        before, states_before = settled(stack), transitions(stack)
        requests_before = driver.requests
        for _ in range(tickets):
            walk(driver)
        after = settled(stack)
        quantities = counted(before, after, driver.requests - requests_before, transitions(stack) - states_before)
        calls: Counter[str] = Counter(after["aws"]["calls"])
        calls.subtract(before["aws"]["calls"])
        return {"name": name, "tickets": tickets, "quantities": quantities, "calls": +calls}
    finally:
        stack.stop()


def happy(driver: Driver) -> None:
    ticket_id, tracking = driver.open_and_dispatch()
    driver.finish(ticket_id, tracking)


def escalated(driver: Driver) -> None:
    ticket_id, tracking = driver.open_and_dispatch()
    _wait(lambda: _climbed(driver.read(ticket_id), ClockKind.ARRIVAL), "every arrival rung")
    driver.act(ticket_id, "arrive", {"version": driver.read(ticket_id)["version"]}, "engineer")
    _wait(lambda: _climbed(driver.read(ticket_id), ClockKind.COMPLETION), "every completion rung")
    driver.act(ticket_id, "complete", {"version": driver.read(ticket_id)["version"], "summary": "换了阀芯"}, "engineer")
    version = driver.read(ticket_id)["version"]
    driver.call("POST", f"/public/track/{tracking}/acceptance", {"version": version, "satisfied": True})


def _climbed(ticket: Mapping[str, Any], kind: ClockKind) -> bool:
    """The ticket has reached the top rung of the demo site's (default) ladder for this clock."""
    escalation = ticket.get("escalation") or {}
    return escalation.get("phase") == kind.value and escalation.get("level", 0) >= len(DEFAULT_LADDER.rungs(kind))


def _wait(condition: Callable[[], bool], what: str, bound_seconds: float = 180) -> None:
    deadline = time.monotonic() + bound_seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(1)


def report(result: Mapping[str, Any]) -> float:
    quantities: defaultdict[str, float] = result["quantities"]
    n = result["tickets"]
    print(f"\n{result['name']} ({n} tickets, scaled to {PER:,}):")
    lines = []
    for key, (price, label) in PRICES.items():
        per = quantities[key] / n * PER
        lines.append((per * price, label, per))
    total = sum(cost for cost, _, _ in lines)
    for cost, label, per in sorted(lines, reverse=True):
        print(f"  {label:<48} {per:>14,.1f}   ${cost:8.3f}")
    dominant = max(lines)
    print(f"  {'total':<48} {'':>14}   ${total:8.3f}   (dominant: {dominant[1]}, {dominant[0] / total:.0%})")
    top = sorted(result["calls"].items(), key=lambda kv: -kv[1])[:8]
    print("  calls per ticket: " + ", ".join(f"{k} {v / n:.1f}" for k, v in top))
    return float(total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10, help="happy-path tickets (bounded: at most 200)")
    parser.add_argument("--escalated", type=int, default=3, help="fully escalated tickets (at most 20)")
    args = parser.parse_args(argv)
    logs = ROOT / "build"
    logs.mkdir(exist_ok=True)
    results = [
        scenario("happy path", 1, min(args.tickets, 200), happy, logs / "bench-cost-happy.log"),
        scenario("escalated", 3600, min(args.escalated, 20), escalated, logs / "bench-cost-escalated.log"),
    ]
    totals = [report(result) for result in results]
    print(f"\nescalated / happy path: {totals[1] / totals[0]:.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
