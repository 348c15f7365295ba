"""A complaint's repair through the stack: written with the complaint, dispatched as any repair, and
its acceptance recorded on the complaint by the stream router once, however often it is delivered."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from frontdesk.app.tickets import CLIENT
from frontdesk.domain import lifecycle
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Kind, Status, Ticket
from local_stack.template import Template

from .lambda_support import OPERATOR
from .sla_support import SITE, TENANT_EMAIL, Harness, sla_harness


@pytest.fixture
def h(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        harness.stream.pump()
        yield harness


def _accept(h: Harness, repair: Ticket) -> None:
    current = h.ticket(repair)
    command = cmd.Acceptance(version=current.version, satisfied=True, rating=5)
    change = lifecycle.apply(current, "accept", command, CLIENT, SITE, h.time.now())
    h.tickets.save(change, current.version)


def test_a_complaints_repair_is_dispatched_and_its_acceptance_is_on_the_complaint_once(h: Harness) -> None:
    complaint = h.open(Kind.COMPLAINT)
    body = cmd.LinkedRepair(version=complaint.version, category="lighting", description="楼道灯不亮")
    complaint = h.desk.spawn_repair(complaint.ticket_id, body, OPERATOR)
    (repair_id,) = complaint.linked_repairs
    repair = h.ticket(repair_id)
    assert (repair.kind, repair.complaint_id, repair.contact.email) == (Kind.REPAIR, complaint.ticket_id, TENANT_EMAIL)
    h.settle()
    # the client is told the repair's number and gets its own tracking link
    assert any(repair.number in mail.subject for mail in h.acknowledgements())

    h.complete(h.arrive(h.dispatch(repair)))
    h.stream.pump()
    _accept(h, repair)
    accepted = [r for r in h.stream.read() if r["dynamodb"]["Keys"]["PK"]["S"] == f"TICKET#{repair_id}"]
    assert h.stream.deliver(accepted) == {"batchItemFailures": []}
    assert h.stream.deliver(accepted) == {"batchItemFailures": []}  # redelivered
    h.settle()

    assert h.ticket(repair).status is Status.CLOSED
    records = [e for e in h.tickets.timeline(complaint.ticket_id) if e.action == "repair_accepted"]
    assert [e.detail for e in records] == [{"repair": repair.number, "satisfied": "true"}]
    assert records[0].actor.kind.value == "system"
    (linked,) = h.desk.linked_repairs(h.ticket(complaint))
    assert (linked.status, linked.resolution) == (Status.CLOSED, "accepted")
    assert h.stream.failures == []
