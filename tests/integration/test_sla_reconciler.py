"""The reconciler on its schedule: every open ticket in timed work has its running timer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from frontdesk.domain.escalation import execution_name
from local_stack.template import Template

from .lambda_support import LambdaContext
from .sla_support import MEMBERS, TENANT_EMAIL, Harness, import_function, sla_harness

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

SCHEDULED = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-22T02:05:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/frontdesk-ReconcilerFunctionEvery5Minutes"],
    "detail": {},
}


@pytest.fixture
def sla(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        yield harness


def test_a_ticket_without_its_timer_gets_it_back_and_nothing_is_escalated_twice(sla: Harness) -> None:
    reconciler = import_function("reconciler")

    def reconcile() -> dict[str, Any]:
        result: dict[str, Any] = reconciler.lambda_handler(SCHEDULED, LambdaContext())
        return result

    ticket = sla.dispatch(sla.open(), arrival_in=1)
    idle = sla.dispatch(sla.open(), arrival_in=60)
    sla.stream.read()  # the dispatch records are lost (say, older than the stream keeps them)
    assert sla.executions() == []

    name = execution_name(sla.ticket(ticket))
    assert sorted(reconcile()["started"]) == sorted([name, execution_name(sla.ticket(idle))])
    assert reconcile() == {"checked": 2, "started": [], "gave_up": []}  # running: left alone

    sla.wait_for(lambda: _rungs(sla, ticket.ticket_id) == [("arrival", "1")], what="the first rung")
    sla.sfn.stop_execution(executionArn=sla.execution_arn(name))  # the timer dies before the second rung
    sla.wait_for(lambda: _status(sla, name) == "ABORTED", what="the timer to stop")

    assert reconcile()["started"] == [f"{name}-r2"]
    sla.wait_for(lambda: len(_rungs(sla, ticket.ticket_id)) == 2, what="the second rung")
    sla.settle(0.5)

    assert _rungs(sla, ticket.ticket_id) == [("arrival", "1"), ("arrival", "2")]
    staff = sorted(sorted(m.to) for m in sla.mail() if m.to != [TENANT_EMAIL])
    assert staff == sorted([sorted(MEMBERS["engineer_and_duty_manager"]), sorted(MEMBERS["centre_manager"])])
    assert sla.stream.failures == []


def _status(sla: Harness, name: str) -> str:
    return sla.sfn.describe_execution(executionArn=sla.execution_arn(name))["status"]


def _rungs(sla: Harness, ticket_id: str) -> list[tuple[str, str]]:
    return [(e.detail["phase"], e.detail["level"]) for e in sla.tickets.timeline(ticket_id) if e.action == "escalate"]
