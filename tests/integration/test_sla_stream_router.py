"""The stream router's SLA side with records as the stream delivers them: replays and poison."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from frontdesk.adapters.dynamodb import TICKET_SK
from frontdesk.clock import to_iso
from frontdesk.domain.escalation import execution_name
from local_stack.template import Template

from .sla_support import MEMBERS, TENANT_EMAIL, Harness, in_seconds, sla_harness

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")


@pytest.fixture
def sla(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        harness.stream.pump()  # the site's own records
        yield harness


def _ticket_records(records: list[dict[str, Any]], ticket_id: str) -> list[dict[str, Any]]:
    keys = {"PK": {"S": f"TICKET#{ticket_id}"}, "SK": {"S": TICKET_SK}}
    return [r for r in records if r["dynamodb"]["Keys"] == keys]


def test_the_same_dispatch_record_delivered_twice_starts_one_timer(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=60)
    batch = sla.stream.read()

    assert sla.stream.deliver(batch) == {"batchItemFailures": []}
    assert sla.stream.deliver(batch) == {"batchItemFailures": []}  # the event source mapping retries a batch

    (execution,) = sla.executions()
    assert execution["name"] == execution_name(sla.ticket(ticket))
    assert execution["status"] == "RUNNING"


def test_the_same_escalation_record_delivered_twice_is_recorded_and_mailed_once(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=60)
    sla.stream.pump()
    # what the timer's conditional update writes when the first rung is reached
    sla.table.update_item(
        Key={"PK": f"TICKET#{ticket.ticket_id}", "SK": TICKET_SK},
        UpdateExpression="SET escalation = :esc, version = version + :one",
        ExpressionAttributeValues={
            ":esc": {"phase": "arrival", "level": 1, "at": to_iso(in_seconds(61))},
            ":one": 1,
        },
    )
    (modify,) = _ticket_records(sla.stream.read(), ticket.ticket_id)

    assert sla.stream.deliver([modify]) == {"batchItemFailures": []}
    assert sla.stream.deliver([modify]) == {"batchItemFailures": []}
    sla.stream.pump()  # the escalation's own timeline INSERT: published to the events topic

    events = [e for e in sla.tickets.timeline(ticket.ticket_id) if e.action == "escalate"]
    assert [(e.seq, e.detail["phase"], e.detail["level"]) for e in events] == [(3, "arrival", "1")]
    assert events[0].actor.kind.value == "system"
    assert sorted(sorted(m.to) for m in sla.mail()) == [
        sorted(MEMBERS["engineer_and_duty_manager"]),
        [TENANT_EMAIL],
    ]
    assert len(sla.alerts()) == 1
    assert sla.stream.failures == []


def test_a_poison_record_is_reported_and_the_others_are_processed(sla: Harness) -> None:
    first = sla.dispatch(sla.open(), arrival_in=60)
    second = sla.dispatch(sla.open(), arrival_in=60)
    records = sla.stream.read()
    (dispatch_first,) = [r for r in _ticket_records(records, first.ticket_id) if r["eventName"] == "MODIFY"]
    poison = copy.deepcopy(dispatch_first)
    poison["eventID"] = "poison"
    poison["dynamodb"]["SequenceNumber"] = "9" * 21
    poison["dynamodb"]["NewImage"]["status"] = {"S": "exploded"}  # not a ticket this code can read
    batch = [*records[:1], poison, *records[1:]]

    result = sla.stream.deliver(batch)

    assert result == {"batchItemFailures": [{"itemIdentifier": "9" * 21}]}
    names = sorted(e["name"] for e in sla.executions())
    assert names == sorted([execution_name(sla.ticket(first)), execution_name(sla.ticket(second))])
    published = [e for e in sla.tickets.timeline(second.ticket_id) if e.action == "dispatch"]
    assert published and sla.table.get_item(
        Key={"PK": f"TICKET#{second.ticket_id}", "SK": f"ROUTED#{published[0].seq:06d}"}
    ).get("Item")
