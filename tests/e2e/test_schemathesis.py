"""Schemathesis against the local stack, both OpenAPI documents, every check: no 5xx, no status the
document does not state, no answer that breaks its schema (issue 15).

The run is bounded by examples, not by time: a fixed seed, deterministic generation, a few examples
per operation (the public API also gets the coverage phase: its boundary values and odd methods). It
runs on a stack of its own: it writes canned replies, mailing lists and ladders of the demo site,
which the other e2e tests read.

Not checked: `unsupported_method` expects 405 for a method no route declares, where API Gateway
(and so the local gateway) answers 403 Missing Authentication Token: that 403 is tested below.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PHONE_REPAIR, REPO_ROOT, RunningStack, stack_of_its_own

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
RUN_TIMEOUT_SECONDS = 600  # a bound for a hung run; the examples, not the clock, bound a normal one


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own: the examples change the demo data other tests read."""
    with stack_of_its_own(tmp_path_factory, "schemathesis") as own:
        yield own


def _run(stack: RunningStack, document: str, *args: str, ticket_id: str = "none") -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        str(REPO_ROOT / "docs" / "openapi" / document),
        "--url",
        stack.base_url,
        "--checks",
        "all",
        "--exclude-checks",
        "unsupported_method",
        "--continue-on-failure",
        "--no-shrink",
        *args,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FRONTDESK_"))}
    env.update(ST_SITE_ID="demo", ST_TICKET_ID=ticket_id)
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
    )


def _assert_clean(run: subprocess.CompletedProcess[str]) -> None:
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20000:]
    assert "passed" in report and "failure" not in report.split("SUMMARY")[-1], report[-4000:]


def test_the_public_api_answers_as_its_document_says(stack: RunningStack) -> None:
    _assert_clean(_run(stack, "public.json", "--max-examples", "10"))


def test_the_staff_api_answers_as_its_document_says(stack: RunningStack) -> None:
    token = stack.token("manager")
    status, created = stack.call(
        "POST",
        "/staff/tickets",
        {**PHONE_REPAIR, "description": "schemathesis", "contact_name": "Schemathesis"},
        token=token,
        headers={"Idempotency-Key": f"st-{uuid.uuid4()}"},
    )
    assert status == 201, created
    run = _run(
        stack,
        "staff.json",
        "--header",
        f"Authorization: {token}",
        "--max-examples",
        "5",
        "--phases",
        "examples,fuzzing",
        ticket_id=created["ticket_id"],
    )
    _assert_clean(run)


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "DELETE"])
def test_a_method_no_route_declares_is_refused_as_api_gateway_does(stack: RunningStack, method: str) -> None:
    status, body = stack.call(method, "/public/sites")
    assert status == 403, body
    assert body["code"] == "MISSING_AUTHENTICATION_TOKEN"
