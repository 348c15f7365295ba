"""The same-day reply to a complaint or inquiry (000 §3.3f) on the real state machine, on a virtual
clock: breached at the end of the site-local day and never before; moved by a time agreed with the
client; met by a recorded reply, the reply thread's too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.clock import parse_iso
from frontdesk.domain.errors import IllegalTransition
from frontdesk.models import commands as cmd
from frontdesk.models.clock import ClockState
from frontdesk.models.ticket import Kind

from .lambda_support import OPERATOR
from .sla_support import ONE_SECOND, Harness, site_harness

h = site_harness


def test_a_complaint_not_replied_by_the_end_of_the_day_escalates_and_never_early(h: Harness) -> None:
    ticket = h.open(Kind.COMPLAINT)
    h.settle()
    due = h.due(ticket, "reply")
    assert due == parse_iso("2026-11-23T16:00:00Z")  # midnight in Shanghai, the day it came in
    h.advance_to(due - ONE_SECOND)
    assert h.escalations(ticket) == []
    h.advance_to(due)
    h.wait_for(lambda: len(h.escalations(ticket)) == 1, "the reply clock's first rung")
    (first,) = h.escalations(ticket)
    assert (first["phase"], first["mailing_list"]) == ("reply", "duty_manager")
    assert parse_iso(first["deadline"]) == due


def test_an_agreed_reply_time_moves_the_clock(h: Harness) -> None:
    ticket = h.open(Kind.COMPLAINT)
    h.settle()
    old_due = h.due(ticket, "reply")
    h.advance_to(old_due - timedelta(hours=3))
    agreed = old_due + timedelta(hours=10)  # tomorrow morning, as the client asked
    command = cmd.AgreeReply(
        version=h.ticket(ticket).version, reply_by=agreed, agreed_with="张三", contact_method="phone"
    )
    moved = h.desk.act(ticket.ticket_id, "agree_reply", command, OPERATOR)
    assert parse_iso(moved.reply_due or "") == agreed
    clock = h.clock(ticket, "reply")
    assert (parse_iso(clock.due), clock.gen) == (agreed, 2)
    (event,) = [e for e in h.tickets.timeline(ticket.ticket_id) if e.action == "agree_reply"]
    assert event.detail["previous_due"] == "2026-11-23T16:00:00.000Z" and event.detail["agreed_with"] == "张三"

    h.advance_to(old_due + timedelta(hours=1))  # the old time passes: nothing
    h.advance_to(agreed - ONE_SECOND)
    assert h.escalations(ticket) == []
    h.advance_to(agreed)
    h.wait_for(lambda: len(h.escalations(ticket)) == 1, "the agreed time's rung")


def test_a_reply_on_the_thread_meets_the_clock(h: Harness) -> None:
    ticket = h.open(Kind.COMPLAINT)
    h.settle()
    h.advance_to(h.time.now() + timedelta(hours=2))
    said = h.desk.say(
        ticket.ticket_id, "message", cmd.Said(version=h.ticket(ticket).version, text="已核实，明日整改"), OPERATOR
    )
    assert said.replied_at is not None and said.status.value == "received"
    clock = h.clock(ticket, "reply")
    assert clock.state is ClockState.MET and (clock.early_seconds or 0) > 0
    h.advance_to(parse_iso(clock.due) + timedelta(hours=2))
    assert h.escalations(ticket) == []
    # too late to move a reply already made
    late = cmd.AgreeReply(
        version=h.ticket(ticket).version,
        reply_by=h.time.now() + timedelta(hours=1),
        agreed_with="张三",
        contact_method="phone",
    )
    with pytest.raises(IllegalTransition) as refused:
        h.desk.act(ticket.ticket_id, "agree_reply", late, OPERATOR)
    assert refused.value.code == "already_replied"
