"""`python -m local_stack` end to end: a repair through every role over HTTP, the authorizer,
stream delivery with nothing lost or doubled, a busy port, and a clean Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from moto.utilities.utils import load_resource

from deploy_tools import smoke

from .conftest import PHONE_REPAIR, RunningStack, free_port, launch, logged_errors, start_stack, until

pytestmark = pytest.mark.e2e

INTAKE = PHONE_REPAIR


def _walk_a_repair(stack: RunningStack) -> tuple[str, str]:
    """Operator intake and dispatch, engineer arrival and completion, the client accepts. (ticket id, token)"""
    operator, engineer = stack.token("operator"), stack.token("engineer")
    key = {"Idempotency-Key": f"e2e-{uuid.uuid4()}"}
    status, created = stack.call("POST", "/staff/tickets", INTAKE, token=operator, headers=key)
    assert status == 201, created
    assert created["status"] == "received" and created["number"].startswith("QL-")
    ticket_id, tracking = created["ticket_id"], created["tracking_token"]
    status, replay = stack.call("POST", "/staff/tickets", INTAKE, token=operator, headers=key)
    assert (status, replay["ticket_id"]) == (201, ticket_id)  # the same key opens no second ticket
    status, reused = stack.call("POST", "/staff/tickets", {**INTAKE, "unit": "3F-301"}, token=operator, headers=key)
    assert (status, reused["code"]) == (422, "idempotency_key_reused")

    for role in ("duty_manager", "manager"):
        status, seen = stack.call("GET", f"/staff/tickets/{ticket_id}", token=stack.token(role))
        assert status == 200 and seen["ticket"]["ticket_id"] == ticket_id
    status, queue = stack.call("GET", "/staff/tickets?site_id=demo", token=stack.token("duty_manager"))
    assert status == 200 and ticket_id in {t["ticket_id"] for t in queue["tickets"]}

    login = stack.logins["engineer"]["username"]
    status, dispatched = stack.call(
        "POST", f"/staff/tickets/{ticket_id}/dispatch", {"version": 1, "assignee": login}, token=operator
    )
    assert status == 200 and dispatched["ticket"]["status"] == "dispatched"
    assert dispatched["ticket"]["arrival_due"].endswith(".000Z")  # a true deadline, whole seconds

    status, refused = stack.call("POST", f"/staff/tickets/{ticket_id}/arrive", {"version": 2}, token=operator)
    assert (status, refused["code"]) == (403, "forbidden")  # arriving is the assigned engineer's

    status, arrived = stack.call(
        "POST", f"/staff/tickets/{ticket_id}/arrive", {"version": 2}, token=f"Bearer {engineer}"
    )
    assert status == 200 and arrived["ticket"]["status"] == "arrived"
    status, stale = stack.call("POST", f"/staff/tickets/{ticket_id}/arrive", {"version": 2}, token=engineer)
    assert (status, stale["code"]) == (409, "version_conflict")
    status, illegal = stack.call("POST", f"/staff/tickets/{ticket_id}/arrive", {"version": 3}, token=engineer)
    assert (status, illegal["code"]) == (409, "illegal_transition")

    status, completed = stack.call(
        "POST",
        f"/staff/tickets/{ticket_id}/complete",
        {"version": 3, "summary": "换了阀芯 / new cartridge"},
        token=engineer,
    )
    assert status == 200 and completed["ticket"]["status"] == "completed"

    status, tracked = stack.call("GET", f"/public/track/{tracking}")
    assert status == 200 and tracked["status"] == "completed"
    status, accepted = stack.call(
        "POST", f"/public/track/{tracking}/acceptance", {"version": 4, "satisfied": True, "rating": 5}
    )
    assert status == 200 and accepted["status"] == "closed", accepted
    return ticket_id, tracking


def test_a_repair_walks_through_every_role(local_stack: RunningStack) -> None:
    ticket_id, _ = _walk_a_repair(local_stack)
    status, final = local_stack.call("GET", f"/staff/tickets/{ticket_id}", token=local_stack.token("manager"))
    assert status == 200
    actions = [event["action"] for event in final["timeline"]]
    assert actions[1:] == ["dispatch", "arrive", "complete", "accept"]
    assert final["ticket"]["version"] == 5


def _moto_key() -> Any:
    return RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))


def _token(stack: RunningStack, key: Any, **overrides: Any) -> str:
    now = int(time.time())
    pool, client = stack.config["cognito"]["user_pool_id"], stack.config["cognito"]["client_id"]
    claims = {
        "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{pool}",
        "sub": str(uuid.uuid4()),
        "aud": client,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "cognito:username": "operator",
        "cognito:groups": ["operator"],
    }
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def test_staff_routes_refuse_missing_and_forged_tokens_like_api_gateway(local_stack: RunningStack) -> None:
    path = "/staff/tickets?site_id=demo"
    assert local_stack.call("GET", path, token=local_stack.token("operator"))[0] == 200
    moto_key = _moto_key()
    # signed with moto's own key and otherwise right: the checks below are what refuse the others
    assert local_stack.call("GET", path, token=_token(local_stack, moto_key))[0] == 200
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "no token": None,
        "garbage": "not-a-jwt",
        "forged signature": _token(local_stack, other_key),
        "expired": _token(local_stack, moto_key, exp=int(time.time()) - 5),
        "access token": _token(local_stack, moto_key, token_use="access"),
        "other client": _token(local_stack, moto_key, aud="someone-else"),
        "other pool": _token(local_stack, moto_key, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
        "tampered": local_stack.token("engineer")[:-4] + "AAAA",
    }
    for why, token in refused.items():
        status, body = local_stack.call("GET", path, token=token)
        assert (status, body["message"]) == (401, "Unauthorized"), why
    status, body = local_stack.call("GET", "/staff/nothing-here", token=local_stack.token("operator"))
    assert (status, body["message"]) == (403, "Missing Authentication Token")


def _stream_records(stack: RunningStack) -> list[dict[str, Any]]:
    """Every record in the ticket table's stream, read independently of the local stack's poller."""
    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    arn = stack.config["resources"]["Table"]["stream_arn"]
    records: list[Any] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while True:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            if not page["Records"]:
                break
            records.extend(page["Records"])
            iterator = page["NextShardIterator"]
    return records


def _written(stack: RunningStack) -> int:
    """Records the stream has had: those in it and those dropped once read. A trim between the two
    reads undercounts once; `caught_up` then sees two counts differ and asks again."""
    trimmed = sum(int(n) for n in stack.stats()["trimmed"].values())
    return len(_stream_records(stack)) + trimmed


def test_a_burst_of_one_keyed_intake_opens_one_ticket_while_invocations_run_at_once(
    local_stack: RunningStack,
) -> None:
    """The functions run several invocations at once (a pool of containers): a client that sends
    the same keyed request many times at once still gets one ticket (409 while the first runs)."""
    operator = local_stack.token("operator")
    key = {"Idempotency-Key": f"e2e-burst-{uuid.uuid4()}"}
    body = {**INTAKE, "description": f"burst {uuid.uuid4()}"}
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: local_stack.call("POST", "/staff/tickets", body, token=operator, headers=key), range(8))
        )

    assert {status for status, _ in answers} <= {201, 409}
    assert all(answer["code"] == "idempotency_in_progress" for status, answer in answers if status == 409)
    opened = {answer["ticket_id"] for status, answer in answers if status == 201}
    assert len(opened) == 1
    status, replay = local_stack.call("POST", "/staff/tickets", body, token=operator, headers=key)
    assert (status, replay["ticket_id"]) == (201, opened.pop())
    status, queue = local_stack.call("GET", "/staff/tickets?site_id=demo", token=operator)
    assert status == 200
    same = [t["ticket_id"] for t in queue["tickets"] if t["description"] == body["description"]]
    assert same == [replay["ticket_id"]]


def test_the_stream_handler_saw_every_change_once(local_stack: RunningStack) -> None:
    ticket_id, _ = _walk_a_repair(local_stack)
    mapping = "StreamRouterFunction.TableStream"

    settled: dict[str, Any] = {}

    def caught_up() -> bool:
        """Every record in the stream is done, and no new one came for a while (the router's own
        writes to the table come round once more). Records every poller has read may have left the
        stream: they count too (local_stack.stream_retention)."""
        count = _written(local_stack)
        time.sleep(1.5)
        stats = local_stack.stats()["streams"][mapping]
        done = int(stats["delivered"]) + int(stats["failed"]) + int(stats["filtered"])
        settled.update(stats=stats, count=count)
        return count == _written(local_stack) == done and int(stats["in_flight"]) == 0

    until(caught_up, "the stream poller to catch up")
    stats = settled["stats"]
    assert stats["received"] == stats["delivered"] + stats["filtered"] == settled["count"]
    assert (stats["failed"], stats["duplicates"], stats["failures"]) == (0, 0, [])
    records = _stream_records(local_stack)
    # the template's FilterCriteria: the router's own marker writes invoke nothing
    markers = [r for r in records if r["dynamodb"]["Keys"]["SK"]["S"].startswith("ROUTED#")]
    assert markers and stats["filtered"] >= len(markers)
    ticket_writes = [r for r in records if r["dynamodb"]["Keys"]["PK"]["S"] == f"TICKET#{ticket_id}"]
    assert len(ticket_writes) >= 10  # five versions of the ticket and five timeline events

    # the stream router published each timeline event of the ticket exactly once
    status, final = local_stack.call("GET", f"/staff/tickets/{ticket_id}", token=local_stack.token("operator"))
    assert status == 200
    expected = {(ticket_id, event["seq"]) for event in final["timeline"]}

    def published() -> list[tuple[str, int]]:
        outbox = local_stack.call("GET", "/local/outbox.json")[1]
        found = []
        for message in outbox:
            if message["channel"] == "sns" and ticket_id in message["body"]:
                body = json.loads(message["body"])
                found.append((body["ticket_id"], body["seq"]))
        return found

    until(lambda: set(published()) == expected, "every timeline event in the outbox")
    assert sorted(published()) == sorted(expected)


def test_the_outbox_page_and_config_describe_the_stack(local_stack: RunningStack) -> None:
    status, page = local_stack.call("GET", "/local/outbox")
    assert status == 200 and "发件箱 Outbox" in page
    config = local_stack.config
    assert config["time_scale"] == 60 and "x60" in config["time_scale_note"]
    assert {login["role"] for login in config["logins"]} == {"operator", "engineer", "duty_manager", "manager"}
    assert config["moto_endpoint"] == local_stack.moto_url
    status, sites = local_stack.call("GET", "/public/sites")
    (site,) = sites
    assert (site["site_id"], site["code"], site["timezone"]) == ("demo", "QL", "Asia/Shanghai")
    assert {b["building_class"] for b in site["buildings"]} == {"A", "B", "C"}
    assert "Ctrl-C" in local_stack.log_text() and "time scale x60" in local_stack.log_text()


@pytest.mark.parametrize(("flag", "env"), [("--port", "FRONTDESK_PORT"), ("--moto-port", "FRONTDESK_MOTO_PORT")])
def test_a_busy_port_is_named_with_the_way_to_choose_another(tmp_path: Path, flag: str, env: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        other = "--moto-port" if flag == "--port" else "--port"
        log = tmp_path / "busy.log"
        process = launch(flag, str(port), other, str(free_port()), log_path=log)
        assert process.wait(60) == 2
    output = log.read_text()
    assert f"port {port}" in output and "already in use" in output
    assert flag in output and env in output
    assert "Traceback" not in output


def test_ctrl_c_stops_everything_cleanly(tmp_path: Path) -> None:
    stack = start_stack("--no-demo", log_path=tmp_path / "stack.log")
    assert stack.call("GET", "/public/sites")[0] == 200
    assert stack.stop(signal.SIGINT) == 0  # one that does not stop in time is killed: -9
    output = stack.log_text()
    assert "stopped" in output and "Traceback" not in output
    for port in (stack.port, stack.moto_port):  # nothing listens there any more
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
            probe.listen()


def test_sigterm_stops_it_too(tmp_path: Path) -> None:
    stack = start_stack("--no-demo", log_path=tmp_path / "stack.log")
    assert stack.stop(signal.SIGTERM) == 0


def test_deadlines_stay_true_under_the_time_scale(local_stack: RunningStack) -> None:
    operator = local_stack.token("operator")
    status, created = local_stack.call(
        "POST", "/staff/tickets", {**INTAKE, "building_id": "expert", "unit": "1-101"}, token=operator
    )
    assert status == 201
    before = datetime.now(UTC)
    status, dispatched = local_stack.call(
        "POST",
        f"/staff/tickets/{created['ticket_id']}/dispatch",
        {"version": 1, "assignee": "engineer"},
        token=operator,
    )
    assert status == 200
    due = datetime.fromisoformat(dispatched["ticket"]["arrival_due"].replace("Z", "+00:00"))
    assert before + timedelta(minutes=15) <= due <= datetime.now(UTC) + timedelta(minutes=15, seconds=1)


def test_the_post_deploy_smoke_test_passes_against_the_local_stack(
    local_stack: RunningStack, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make smoke URL=…` is what an operator runs after a deploy; here it runs against the stack
    built from the same template, so a route it checks cannot silently disappear."""
    assert smoke.main([local_stack.base_url + "/"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("ok  ") == 6 and "FAIL" not in printed


def test_the_smoke_test_fails_loudly_on_a_stack_that_is_not_there() -> None:
    closed = free_port()
    assert smoke.main([f"http://127.0.0.1:{closed}/"]) != 0


def test_a_failed_tests_report_carries_the_stacks_errors_and_their_tracebacks() -> None:
    log = "\n".join(
        [
            "2026-12-03 19:12:39,833 INFO local_stack.gateway: POST /public/tickets -> 201 (131 ms)",
            '{"_aws":{"Timestamp":1796325159934},"service":"frontdesk","TicketsOpened":[1.0]}',
            "2026-12-03 19:12:39,942 ERROR local_stack: PublicApiFunction failed:",
            "Traceback (most recent call last):",
            "SchemaValidationError: Must contain at least one metric.",
            "2026-12-03 19:12:39,942 INFO local_stack.gateway: POST /public/tickets -> 502 (105 ms)",
        ]
    )
    assert logged_errors(log).splitlines() == [
        "2026-12-03 19:12:39,942 ERROR local_stack: PublicApiFunction failed:",
        "Traceback (most recent call last):",
        "SchemaValidationError: Must contain at least one metric.",
    ]
    assert logged_errors(log, most_lines=1) == "SchemaValidationError: Must contain at least one metric."
