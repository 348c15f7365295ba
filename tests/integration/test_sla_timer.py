"""The SLA timer executed for real by moto, time compressed: deadlines are seconds away and the
test ladder's second arrival rung comes 2 s after the first (sla_support.FAST_LADDER).

The stream router is fed from the table's stream, so each case runs the whole path:
dispatch → timer started → wait → conditional escalation on the ticket → timeline event, alert, mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest

from frontdesk.clock import parse_iso
from frontdesk.models.ticket import Ticket
from local_stack.template import Template

from .sla_support import GAP_SECONDS, MEMBERS, TENANT_EMAIL, Harness, sla_harness

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")

DUTY = sorted(MEMBERS["engineer_and_duty_manager"])
CENTRE = sorted(MEMBERS["centre_manager"])
MANAGERS = sorted(MEMBERS["department_and_engineering_managers"])


@pytest.fixture
def sla(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        yield harness


def _escalations(sla: Harness, ticket: Ticket) -> list[tuple[str, str, str]]:
    return [
        (e.detail["phase"], e.detail["level"], e.at)
        for e in sla.tickets.timeline(ticket.ticket_id)
        if e.action == "escalate"
    ]


def _level(sla: Harness, ticket: Ticket, phase: str, level: int) -> bool:
    escalation = sla.ticket(ticket).escalation
    return (escalation.phase, escalation.level) == (phase, level)


def _routed(sla: Harness, ticket: Ticket, phase: str, level: int) -> bool:
    """The router has recorded (and notified) this rung: its event is on the ticket's timeline."""
    return any((p, lvl) == (phase, str(level)) for p, lvl, _ in _escalations(sla, ticket))


def _staff_recipients(sla: Harness) -> list[list[str]]:
    return [sorted(m.to) for m in sla.mail() if m.to != [TENANT_EMAIL]]


def test_arrival_before_the_deadline_escalates_nothing(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=1)
    sla.stream.pump()  # the timer starts
    arrived = sla.arrive(ticket)
    assert arrived.arrived_on_time is True

    due = parse_iso(arrived.arrival_due or "")
    sla.settle((due - parse_iso(arrived.arrived_at or "")).total_seconds() + 1)

    assert sla.ticket(ticket).escalation.level == 0
    assert _escalations(sla, ticket) == []
    assert sla.mail() == [] and sla.alerts() == []
    (execution,) = sla.executions("RUNNING")  # now waiting for the completion deadline
    assert sla.states_entered(execution["name"])[-2:] == ["ToCompletion", "CompletionWait"]
    assert sla.stream.failures == []


def test_arrival_after_the_deadline_is_one_escalation_at_the_first_rung(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=1)
    sla.wait_for(lambda: _routed(sla, ticket, "arrival", 1), what="the first rung")
    arrived = sla.arrive(ticket)
    assert arrived.arrived_on_time is False

    sla.settle(GAP_SECONDS + 0.5)  # past the time the second rung would have come

    assert _level(sla, ticket, "arrival", 1)
    ((phase, level, at),) = _escalations(sla, ticket)
    assert (phase, level) == ("arrival", "1")
    assert parse_iso(at) >= parse_iso(arrived.arrival_due or "")
    assert _staff_recipients(sla) == [DUTY]
    assert [m.to for m in sla.mail() if m.to == [TENANT_EMAIL]] == [[TENANT_EMAIL]]
    assert [(a["body"]["phase"], a["body"]["level"]) for a in sla.alerts()] == [("arrival", 1)]
    assert sla.stream.failures == []


def test_never_arriving_climbs_every_rung_in_order_each_mailed_to_its_list(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=1, completion_in=4)
    sla.wait_for(lambda: _routed(sla, ticket, "completion", 1), timeout=20, what="the completion rung")

    escalations = _escalations(sla, ticket)
    assert [(p, lvl) for p, lvl, _ in escalations] == [("arrival", "1"), ("arrival", "2"), ("completion", "1")]
    first, second, overdue = (parse_iso(at) for _, _, at in escalations)
    current = sla.ticket(ticket)
    assert first >= parse_iso(current.arrival_due or "")  # never early
    assert second >= first + timedelta(seconds=GAP_SECONDS)
    assert overdue >= parse_iso(current.completion_due or "")
    assert _staff_recipients(sla) == [DUTY, CENTRE, MANAGERS]
    subjects = [m.subject for m in sla.mail() if m.to != [TENANT_EMAIL]]
    assert all(current.number in s and "/ [Escalation level" in s for s in subjects)
    assert [m.to for m in sla.mail()].count([TENANT_EMAIL]) == 2  # once per phase
    assert [(a["body"]["phase"], a["body"]["level"]) for a in sla.alerts()] == [
        ("arrival", 1),
        ("arrival", 2),
        ("completion", 1),
    ]
    sla.wait_for(lambda: sla.executions()[0]["status"] == "SUCCEEDED", what="the timer to end")
    assert sla.states_entered(sla.executions()[0]["name"])[-1] == "LadderDone"
    assert sla.stream.failures == []


def test_a_reschedule_agreed_in_time_moves_the_wait(sla: Harness) -> None:
    ticket = sla.dispatch(sla.open(), arrival_in=1)
    sla.stream.pump()  # the timer starts
    moved = sla.reschedule(ticket, to_in=3)
    first_due, new_due = parse_iso(ticket.arrival_due or ""), parse_iso(moved.arrival_due or "")
    assert new_due > first_due

    sla.sleep_until(first_due + timedelta(seconds=1))
    sla.stream.pump()  # the original deadline has passed
    assert sla.ticket(ticket).escalation.level == 0
    assert sla.mail() == []

    sla.wait_for(lambda: _routed(sla, ticket, "arrival", 1), what="the rescheduled deadline's rung")
    ((_, _, at),) = _escalations(sla, ticket)
    assert parse_iso(at) >= new_due
    assert _staff_recipients(sla) == [DUTY]


def test_work_open_past_the_completion_deadline_mails_the_department_and_engineering_managers(
    sla: Harness,
) -> None:
    ticket = sla.dispatch(sla.open(email=TENANT_EMAIL, language="en"), arrival_in=1)
    sla.stream.pump()  # the timer starts
    assert sla.arrive(ticket, completion_in=2.5).arrived_on_time is True

    sla.wait_for(lambda: _routed(sla, ticket, "completion", 1), what="the completion rung")

    assert [(p, lvl) for p, lvl, _ in _escalations(sla, ticket)] == [("completion", "1")]
    assert _staff_recipients(sla) == [MANAGERS]
    (staff_mail,) = [m for m in sla.mail() if m.to == MANAGERS]
    assert "维修超过期限仍未完成" in staff_mail.body and "the work is overdue" in staff_mail.body
    assert f"staff#ticket={ticket.ticket_id}" in staff_mail.body
    (notice,) = [m for m in sla.mail() if m.to == [TENANT_EMAIL]]
    assert notice.subject == f"About your request {ticket.number}"
    for private in ("张三", "13800138000"):
        assert private not in staff_mail.body and private not in str(sla.alerts())


def test_an_arrival_racing_the_deadline_is_on_time_or_escalated_never_both(sla: Harness) -> None:
    tickets = [sla.dispatch(sla.open(email=""), arrival_in=1.5) for _ in range(5)]
    sla.wait_for(lambda: len(sla.executions("RUNNING")) == len(tickets), what="the timers to start")
    for index, ticket in enumerate(tickets):
        # the engineers check in around the deadline: from 0.3 s before it to 0.3 s after it
        sla.sleep_until(parse_iso(ticket.arrival_due or "") + timedelta(seconds=-0.3 + 0.15 * index))
        sla.arrive(ticket, retry_on_conflict=True)
    sla.settle(1)

    for ticket in tickets:
        current = sla.ticket(ticket)
        escalations = _escalations(sla, ticket)
        assert len(escalations) <= 1
        assert not (current.arrived_on_time and escalations), current
        if escalations:  # the timer won the race: the arrival came after the escalation, late
            assert parse_iso(current.arrived_at or "") > parse_iso(escalations[0][2])
    assert sla.stream.failures == []
