"""The stream router's SLA side with records as the stream delivers them: replays and poison."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from frontdesk.domain.clocks import execution_name
from frontdesk.models.clock import ClockKind
from local_stack.template import Template

from .sla_support import MEMBERS, TENANT_EMAIL, Harness, sla_harness


@pytest.fixture
def sla(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        harness.stream.pump()  # the site's own records
        yield harness


def _clock_records(records: list[dict[str, Any]], ticket_id: str, kind: ClockKind) -> list[dict[str, Any]]:
    keys = {"PK": {"S": f"TICKET#{ticket_id}"}, "SK": {"S": f"CLOCK#{kind.value}"}}
    return [r for r in records if r["dynamodb"]["Keys"] == keys]


def test_the_same_clock_record_delivered_twice_starts_one_execution(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open())
    batch = sla.stream.read()

    assert sla.stream.deliver(batch) == {"batchItemFailures": []}
    assert sla.stream.deliver(batch) == {"batchItemFailures": []}  # the event source mapping retries a batch

    names = sorted(e["name"] for e in sla.executions() if e["status"] == "RUNNING")
    assert names == sorted(execution_name(sla.clock(ticket, kind)) for kind in ("arrival", "completion"))


def test_the_same_rung_record_delivered_twice_is_recorded_and_mailed_once(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open())
    sla.stream.pump()
    clock = sla.clock(ticket, "arrival")
    # what the state machine's conditional update writes when the first rung is reached
    sla.table.update_item(
        Key={"PK": f"TICKET#{ticket.ticket_id}", "SK": "CLOCK#arrival"},
        UpdateExpression="SET #level = :one, escalated_at = :at, breached_at = :at",
        ExpressionAttributeNames={"#level": "level"},
        ExpressionAttributeValues={":one": 1, ":at": clock.rungs[0].at},
    )
    (modify,) = _clock_records(sla.stream.read(), ticket.ticket_id, ClockKind.ARRIVAL)

    assert sla.stream.deliver([modify]) == {"batchItemFailures": []}
    assert sla.stream.deliver([modify]) == {"batchItemFailures": []}
    sla.stream.pump()  # the escalation's own timeline INSERT: published to the events topic

    events = [e for e in sla.tickets.timeline(ticket.ticket_id) if e.action == "escalate"]
    assert [(e.seq, e.detail["phase"], e.detail["level"]) for e in events] == [(3, "arrival", "1")]
    assert events[0].actor.kind.value == "system" and sla.ticket(ticket).escalation.level == 1
    assert sorted(sorted(m.to) for m in sla.mail()) == [
        sorted(MEMBERS["engineer_and_duty_manager"]),
        [TENANT_EMAIL],
    ]
    assert len(sla.alerts()) == 1
    assert sla.stream.failures == []


def test_a_poison_record_is_reported_and_the_others_are_processed(sla: Harness) -> None:
    first = sla.dispatch(sla.open())
    second = sla.dispatch(sla.open())
    records = sla.stream.read()
    (arrival_first,) = _clock_records(records, first.ticket_id, ClockKind.ARRIVAL)
    poison = copy.deepcopy(arrival_first)
    poison["eventID"] = "poison"
    poison["dynamodb"]["SequenceNumber"] = "9" * 21
    poison["dynamodb"]["NewImage"]["state"] = {"S": "exploded"}  # not a clock this code can read
    batch = [*records[:1], poison, *records[1:]]

    result = sla.stream.deliver(batch)

    assert result == {"batchItemFailures": [{"itemIdentifier": "9" * 21}]}
    names = sorted(e["name"] for e in sla.executions())
    expected = [execution_name(sla.clock(t, kind)) for t in (first, second) for kind in ("arrival", "completion")]
    assert names == sorted(expected)
    published = [e for e in sla.tickets.timeline(second.ticket_id) if e.action == "dispatch"]
    assert published and sla.table.get_item(
        Key={"PK": f"TICKET#{second.ticket_id}", "SK": f"ROUTED#{published[0].seq:06d}"}
    ).get("Item")
