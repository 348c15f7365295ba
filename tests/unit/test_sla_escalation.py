"""The SLA timer's Python-side rules: names, inputs, what counts as a dispatch or an escalation."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from frontdesk.clock import to_iso
from frontdesk.domain.escalation import (
    ESCALATE,
    MAX_TIMER_ATTEMPTS,
    RETRY_SECONDS,
    TIMER,
    check_timer,
    dispatched,
    escalated,
    escalation_event,
    execution_name,
    late_seconds,
    needs_timer,
    timer_input,
    timer_names,
)
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder, Phase, Rung
from frontdesk.models.ticket import Escalation, Kind, Status, Ticket

from .builders import T0, TICKET_ID, Walk

LADDER = Ladder(
    arrival=(Rung(mailing_list="duty"), Rung(mailing_list="centre", after_seconds=300)),
    completion=(Rung(mailing_list="managers"),),
)


def dispatched_ticket() -> Ticket:
    return Walk().run("dispatch")


def with_escalation(ticket: Ticket, phase: str, level: int, at: str, version_up: int = 1) -> Ticket:
    return ticket.model_copy(
        update={"escalation": Escalation(phase=phase, level=level, at=at), "version": ticket.version + version_up}
    )


# ------------------------------------------------------------------------------------------ names


def test_a_timer_is_named_after_the_ticket_and_its_dispatch() -> None:
    ticket = dispatched_ticket()
    name = execution_name(ticket)

    assert name == f"{TICKET_ID}-20261122T020000000Z"
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name)  # what Step Functions accepts
    assert execution_name(ticket, 2) == f"{name}-r2"
    assert timer_names(ticket) == [name, f"{name}-r2", f"{name}-r3"][:MAX_TIMER_ATTEMPTS]
    assert all(len(n) <= 80 for n in timer_names(ticket))


def test_a_second_dispatch_gets_a_timer_of_its_own() -> None:
    walk = Walk()
    first = walk.run("dispatch")
    walk.clock.advance(minutes=3)
    walk.run("arrive")
    walk.clock.advance(hours=1)
    walk.run("complete")
    walk.do("accept", satisfied=False, rating=None)
    walk.clock.advance(minutes=5)
    second = walk.run("dispatch")

    assert execution_name(first) != execution_name(second)
    with pytest.raises(ValueError, match="dispatch"):
        execution_name(Walk().ticket)


# ------------------------------------------------------------------------------------------ input


def test_the_input_carries_ids_deadlines_and_the_ladder_shape_only() -> None:
    ticket = dispatched_ticket()
    payload = timer_input(ticket, LADDER)

    assert payload["ticket_id"] == ticket.ticket_id
    assert payload["dispatched_at"] == ticket.dispatched_at
    assert payload["retry_seconds"] == RETRY_SECONDS
    assert payload["step"] == {"deadline": ticket.arrival_due, "rung": payload["arrival"][0]}
    assert payload["arrival"] == [
        {"mailing_list": "duty", "level": "1", "prev": "0", "next": 1, "after_seconds": 0, "last": False},
        {"mailing_list": "centre", "level": "2", "prev": "1", "next": 2, "after_seconds": 300, "last": True},
    ]
    assert payload["completion"] == [
        {"mailing_list": "managers", "level": "1", "prev": "0", "next": 1, "after_seconds": 0, "last": True}
    ]
    text = json.dumps(payload, ensure_ascii=False)
    for private in ("张三", "13800138000", "卫生间漏水", "101"):
        assert private not in text
    assert ticket.arrival_due is not None and ticket.arrival_due.endswith(".000Z")


def test_timers_belong_to_work_under_way() -> None:
    walk = Walk()
    assert not needs_timer(walk.ticket)
    assert needs_timer(walk.run("dispatch"))
    assert needs_timer(walk.run("arrive"))
    assert needs_timer(walk.run("unfinished"))
    assert not needs_timer(walk.run("complete"))
    assert not needs_timer(Walk(kind=Kind.COMPLAINT).ticket)
    with pytest.raises(ValueError, match="dispatch"):
        timer_input(Walk().ticket, LADDER)


# ------------------------------------------------------------------------------------------ changes


def test_a_dispatch_is_recognised_once() -> None:
    walk = Walk()
    received = walk.ticket
    first = walk.run("dispatch")
    moved = walk.do(
        "reschedule", new_arrival=T0 + timedelta(minutes=30), agreed_with="张三", contact_method="phone"
    ).ticket

    assert dispatched(received, first)
    assert dispatched(None, first)
    assert not dispatched(first, first)  # a later write of a dispatched ticket is not a dispatch
    assert not dispatched(first, moved)  # a reschedule moves the wait; the running timer sees it
    assert not dispatched(received, received)


def test_an_escalation_is_a_new_phase_and_level_on_the_ticket() -> None:
    ticket = dispatched_ticket()
    at = to_iso(T0 + timedelta(minutes=5, seconds=1))
    first = with_escalation(ticket, "arrival", 1, at)
    second = with_escalation(first, "arrival", 2, at)

    assert escalated(ticket, first) == first.escalation
    assert escalated(None, first) == first.escalation
    assert escalated(first, second) == second.escalation
    assert escalated(first, first.model_copy(update={"version": first.version + 1})) is None  # another change
    assert escalated(None, ticket) is None  # level 0: reset by the dispatch
    assert escalated(None, with_escalation(ticket, "nonsense", 1, at)) is None


@pytest.mark.parametrize(
    "entered",
    [
        "2026-11-22T02:05:03.250Z",  # Step Functions on AWS
        "2026-11-22T02:05:03.250123+00:00",  # moto
    ],
)
def test_lateness_is_measured_from_the_phase_deadline(entered: str) -> None:
    ticket = dispatched_ticket()
    assert ticket.arrival_due == "2026-11-22T02:05:00.000Z"
    assert late_seconds(ticket, Escalation(phase="arrival", level=1, at=entered)) == 3
    assert late_seconds(ticket, Escalation(phase="arrival", level=1, at="2026-11-22T02:04:00Z")) == 0
    assert late_seconds(ticket, Escalation(phase="completion", level=1, at=entered)) == 0


def test_the_escalation_event_is_the_timers_and_takes_the_version_it_wrote() -> None:
    ticket = with_escalation(dispatched_ticket(), "arrival", 2, "2026-11-22T02:10:00.512345+00:00")
    event = escalation_event(ticket, LADDER)

    assert (event.ticket_id, event.seq, event.action, event.actor) == (
        ticket.ticket_id,
        ticket.version,
        ESCALATE,
        TIMER,
    )
    assert event.at == "2026-11-22T02:10:00.512Z"
    assert event.from_status is event.to_status is Status.DISPATCHED
    assert event.detail == {
        "phase": "arrival",
        "level": "2",
        "mailing_list": "centre",
        "deadline": "2026-11-22T02:05:00.000Z",
        "late_seconds": "300",
    }


def test_a_level_past_a_shortened_ladder_uses_its_top_rung() -> None:
    assert LADDER.rung(Phase.ARRIVAL, 5).mailing_list == "centre"
    assert LADDER.rung(Phase.COMPLETION, 1).mailing_list == "managers"
    assert DEFAULT_LADDER.rung(Phase.ARRIVAL, 2).after_seconds == 600


# ------------------------------------------------------------------------------------------ reconciler


@pytest.mark.parametrize(
    ("statuses", "start", "ok"),
    [
        ({}, "", False),  # never started: start it
        ({"": "RUNNING"}, None, True),
        ({"": "SUCCEEDED"}, None, True),  # ended normally (completed, ladder done)
        ({"": "FAILED"}, "-r2", False),
        ({"": "ABORTED", "-r2": "TIMED_OUT"}, "-r3", False),
        ({"": "ABORTED", "-r2": "RUNNING"}, None, True),
        ({"": "FAILED", "-r2": "FAILED", "-r3": "FAILED"}, None, False),  # give up, alert a person
    ],
)
def test_the_reconciler_starts_only_missing_timers(statuses: dict[str, str], start: str | None, ok: bool) -> None:
    ticket = dispatched_ticket()
    base = execution_name(ticket)
    check = check_timer(ticket, set(), lambda name: statuses.get(name.removeprefix(base)))

    assert check.ok is ok
    assert check.start == (None if start is None else base + start)


def test_the_reconciler_trusts_the_running_list_and_skips_untimed_tickets() -> None:
    ticket = dispatched_ticket()

    def never(name: str) -> str | None:
        raise AssertionError("no lookup needed")

    assert check_timer(ticket, {execution_name(ticket, 2)}, never).ok
    assert check_timer(Walk().ticket, set(), never).ok
