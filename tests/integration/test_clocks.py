"""The clock engine end to end: the real state machine in moto on a virtual clock, the stream router
fed from the table's stream, tickets moved through the application. Every kind: met before the due
time with no escalation; breached with one escalation per rung, never before its time; paused and
resumed; rescheduled; cancelled when the subject closes; restored by the reconciler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.clock import ClockState
from frontdesk.models.escalation import Rung
from frontdesk.models.ticket import Kind

from .lambda_support import LambdaContext
from .sla_support import (
    ENGINEER,
    GAP_SECONDS,
    LADDER,
    MANAGER,
    ONE_SECOND,
    SITE,
    TENANT_EMAIL,
    Harness,
    import_function,
    site_harness,
)

h = site_harness


def test_arrival_before_the_due_time_is_met_and_escalates_nothing(h: Harness) -> None:
    ticket = h.dispatched()
    due = h.due(ticket, "arrival")
    # class A building: 5 minutes after dispatch, rounded up to the whole second
    assert due - parse_iso(h.ticket(ticket).dispatched_at or "") == timedelta(minutes=5, milliseconds=750)

    h.advance_to(due - ONE_SECOND)
    h.arrive(ticket)
    h.advance_to(due + timedelta(seconds=GAP_SECONDS * 2))

    clock = h.clock(ticket, "arrival")
    assert (clock.state, clock.level, clock.early_seconds) == (ClockState.MET, 0, 1)
    assert h.escalations(ticket) == []
    assert h.mail() == []


def test_a_missed_arrival_escalates_once_per_rung_never_before_its_time(h: Harness) -> None:
    ticket = h.dispatched()
    clock = h.clock(ticket, "arrival")
    first, second = (parse_iso(r.at) for r in clock.rungs)
    assert second - first == timedelta(seconds=GAP_SECONDS)

    h.advance_to(first - timedelta(milliseconds=1))
    assert h.clock(ticket, "arrival").level == 0

    h.advance_to(first)
    h.wait_for(lambda: len(h.escalations(ticket)) == 1, "the first rung")
    h.wait_for(lambda: len(h.mail()) == 2, "the list mail and the tenant notice")
    assert parse_iso(h.clock(ticket, "arrival").breached_at or "") >= first

    h.advance_to(second - ONE_SECOND)
    assert h.clock(ticket, "arrival").level == 1

    h.advance_to(second + timedelta(hours=1))
    h.wait_for(lambda: len(h.escalations(ticket)) == 2, "the second rung")
    h.settle()
    levels = [(e["phase"], e["level"], e["mailing_list"]) for e in h.escalations(ticket)]
    assert levels == [("arrival", "1", "engineer_and_duty_manager"), ("arrival", "2", "centre_manager")]
    recipients = sorted(address for m in h.mail() for address in m.to)
    assert recipients == [
        "centre.manager@example.com",
        "duty.manager@example.com",
        "eng.duty@example.com",
        TENANT_EMAIL,
    ]
    assert h.ticket(ticket).escalation.level == 2

    h.arrive(ticket)
    late = h.clock(ticket, "arrival")
    assert late.state is ClockState.BREACHED and late.late_seconds == int((h.time.now() - first).total_seconds())


def test_completion_pauses_while_the_client_decides_on_a_quote(h: Harness) -> None:
    ticket = h.dispatch(h.open())
    h.arrive(ticket)
    h.settle()
    due = h.due(ticket, "completion")
    assert due - h.time.now() == timedelta(hours=24, milliseconds=750)  # rounded up to the second

    h.act(ticket, "quote", ENGINEER, lines=[{"item": "阀门", "amount_cents": 5000}], tax_cents=0, labour_cents=0)
    assert h.clock(ticket, "completion").state is ClockState.PAUSED
    h.advance_to(due + timedelta(hours=2))  # past the old due time while paused: nothing
    assert h.escalations(ticket) == []

    resumed = h.client_act(ticket, "quote_decision", confirm=True)
    clock = h.clock(ticket, "completion")
    assert clock.state is ClockState.RUNNING and clock.paused_seconds >= 2 * 3600
    assert parse_iso(clock.due) >= due + timedelta(seconds=clock.paused_seconds)
    assert resumed.completion_due == clock.due
    actions = [
        (e.action, e.detail.get("clock_paused"), e.detail.get("clock_resumed"))
        for e in h.tickets.timeline(ticket.ticket_id)
    ]
    assert ("quote", "completion", None) in actions and ("quote_decision", None, "completion") in actions

    h.advance_to(parse_iso(clock.due) - ONE_SECOND)
    assert h.escalations(ticket) == []
    h.advance_to(parse_iso(clock.due))
    h.wait_for(lambda: [e["phase"] for e in h.escalations(ticket)] == ["completion"], "the completion rung")


def test_a_reschedule_agreed_before_the_due_time_moves_it(h: Harness) -> None:
    ticket = h.dispatched()
    due = h.due(ticket, "arrival")
    h.advance_to(due - timedelta(minutes=1))
    new_time = due + timedelta(minutes=30)
    h.act(ticket, "reschedule", new_arrival=new_time.isoformat(), agreed_with="张三", contact_method="phone")
    clock = h.clock(ticket, "arrival")
    assert (parse_iso(clock.due), clock.gen) == (new_time, 2)

    h.advance_to(new_time - ONE_SECOND)
    assert h.escalations(ticket) == []
    h.advance_to(parse_iso(clock.due))
    h.wait_for(lambda: len(h.escalations(ticket)) == 1, "the rescheduled rung")


def test_a_complaint_not_replied_the_same_day_goes_to_the_duty_manager_then_the_centre_manager(h: Harness) -> None:
    ticket = h.open(Kind.COMPLAINT)
    h.settle()
    clock = h.clock(ticket, "reply")
    assert clock.due == "2026-11-23T16:00:00.000Z"  # midnight in Shanghai
    assert [r.mailing_list for r in clock.rungs] == ["duty_manager", "centre_manager"]
    h.advance_to(parse_iso(clock.due) + timedelta(hours=2))
    h.wait_for(lambda: len(h.escalations(ticket)) == 2, "both reply rungs")
    assert [e["mailing_list"] for e in h.escalations(ticket)] == ["duty_manager", "centre_manager"]


def test_an_inquiry_replied_in_time_meets_its_clock(h: Harness) -> None:
    ticket = h.open(Kind.INQUIRY)
    h.act(ticket, "reply", reply="已答复", method="phone")
    clock = h.clock(ticket, "reply")
    assert clock.state is ClockState.MET and clock.early_seconds and clock.early_seconds > 0
    h.advance_to(parse_iso(clock.due) + timedelta(hours=2))
    assert h.escalations(ticket) == []


def test_closing_the_subject_cancels_its_clocks(h: Harness) -> None:
    ticket = h.open(Kind.INQUIRY)
    h.settle()
    h.act(ticket, "reply", reply="已答复", method="phone")
    h.act(ticket, "close", note="")
    assert h.clock(ticket, "reply").state is ClockState.MET
    repair = h.dispatch(h.open())
    h.arrive(repair)
    h.act(repair, "quote", ENGINEER, lines=[{"item": "阀门", "amount_cents": 5000}], tax_cents=0, labour_cents=0)
    h.client_act(repair, "quote_decision", confirm=False)  # the client declines: closed
    assert h.clock(repair, "completion").state is ClockState.CANCELLED
    h.advance_to(h.time.now() + timedelta(days=2))
    assert h.escalations(repair) == []


def test_the_reconciler_restores_a_lost_execution_and_nothing_is_escalated_twice(h: Harness) -> None:
    ticket = h.dispatched()
    first = h.reach_first_rung(ticket)
    h.stop_all()  # the execution is lost
    reconciler = import_function("reconciler")
    result = reconciler.lambda_handler({}, LambdaContext())
    assert len(result["started"]) >= 1 and all(name.endswith("-r2") for name in result["started"])
    h.advance_to(first + timedelta(hours=2))
    h.wait_for(lambda: len(h.escalations(ticket)) == 2, "the second rung, from the replacement")
    h.settle()
    assert [e["level"] for e in h.escalations(ticket)] == ["1", "2"]
    assert reconciler.lambda_handler({}, LambdaContext())["started"] == []


def test_a_ladder_edited_while_a_clock_runs_applies_from_its_next_rung(h: Harness) -> None:
    ticket = h.dispatched()
    first = h.reach_first_rung(ticket)

    edited = LADDER.model_copy(
        update={"arrival": (LADDER.arrival[0], Rung(mailing_list="duty_manager", after_seconds=60))}
    )
    wiring.mailing_desk().set_ladder(SITE.site_id, edited, MANAGER)
    h.settle()
    clock = h.clock(ticket, "arrival")
    assert (clock.gen, clock.level, parse_iso(clock.rungs[1].at)) == (2, 1, first + timedelta(seconds=60))

    h.advance_to(first + timedelta(seconds=59))
    assert len(h.escalations(ticket)) == 1
    h.advance_to(first + timedelta(seconds=60))
    h.wait_for(lambda: len(h.escalations(ticket)) == 2, "the edited second rung")
    assert h.escalations(ticket)[1]["mailing_list"] == "duty_manager"


def test_an_address_ses_refuses_is_recorded_as_failed_and_the_managers_are_still_mailed(h: Harness) -> None:
    # An address stored before intake refused such typos: SES refuses it at the first escalation.
    ticket = h.open(email="")
    h.table.update_item(
        Key={"PK": f"TICKET#{ticket.ticket_id}", "SK": "TICKET"},
        UpdateExpression="SET contact.email = :bad",
        ExpressionAttributeValues={":bad": "tenant,typo@example.com"},
    )
    ticket = h.dispatch(ticket)
    h.settle()
    h.advance_to(parse_iso(h.clock(ticket, "arrival").rungs[0].at))
    h.wait_for(lambda: any(e.action == "notify_failed" for e in h.tickets.timeline(ticket.ticket_id)), "the failure")
    h.settle()
    assert h.stream.failures == []
    assert [sorted(m.to) for m in h.mail()] == [["duty.manager@example.com", "eng.duty@example.com"]]
    (failed,) = [e for e in h.tickets.timeline(ticket.ticket_id) if e.action == "notify_failed"]
    assert failed.detail["notice"] == "tenant"


# ----------------------------------------------------------------------------- incident reports
# A report has no pause (nobody waits on a client) and is never cancelled (a draft is submitted,
# late or not): met, breached, re-planned and restored are its cases.


def test_a_report_submitted_before_its_due_time_meets_its_clock(h: Harness) -> None:
    report = h.report("major")
    h.settle()
    clock = h.report_clock(report)
    # 12 h after the occurrence (now, at .25 s), rounded up to the whole second: never early
    assert parse_iso(clock.due) == (h.time.now() + timedelta(hours=12)).replace(microsecond=0) + ONE_SECOND

    h.advance_to(parse_iso(clock.due) - ONE_SECOND)
    h.submit_report(report)
    h.advance_to(parse_iso(clock.due) + timedelta(hours=3))

    met = h.report_clock(report)
    assert (met.state, met.level, met.early_seconds) == (ClockState.MET, 0, 1)
    assert h.report_escalations(report) == []
    (submitted,) = h.mail()  # the submitted report goes to the managers; no overdue notice
    assert "逾期" not in submitted.subject and "Overdue" not in submitted.subject


def test_an_overdue_report_escalates_once_per_rung_never_before_its_time(h: Harness) -> None:
    report = h.report("major")
    h.settle()
    first, second = (parse_iso(r.at) for r in h.report_clock(report).rungs)
    assert second - first == timedelta(hours=1)

    h.advance_to(first - timedelta(milliseconds=1))
    assert h.report_clock(report).level == 0 and h.mail() == []

    h.advance_to(first)
    h.wait_for(lambda: len(h.report_escalations(report)) == 1, "the first rung")
    h.wait_for(lambda: len(h.mail()) == 1, "the centre manager's mail")
    assert parse_iso(h.report_clock(report).breached_at or "") >= first
    assert h.mail()[0].to == ["centre.manager@example.com"]

    h.advance_to(second - ONE_SECOND)
    assert h.report_clock(report).level == 1

    h.advance_to(second + timedelta(hours=1))
    h.wait_for(lambda: len(h.report_escalations(report)) == 2, "the second rung")
    h.settle()
    assert [e["level"] for e in h.report_escalations(report)] == ["1", "2"]
    assert sorted(a for m in h.mail() for a in m.to) == [
        "centre.manager@example.com",
        "dept.manager@example.com",
        "eng.manager@example.com",
    ]

    h.submit_report(report)
    late = h.report_clock(report)
    assert late.state is ClockState.BREACHED
    assert late.late_seconds == int((h.time.now() - first).total_seconds())


def test_a_severity_raised_on_the_draft_moves_the_due_time_and_the_old_schedule_escalates_nothing(
    h: Harness,
) -> None:
    report = h.report("general")
    h.settle()
    general = h.report_clock(report)
    assert parse_iso(general.due) - h.time.now() > timedelta(hours=23)

    h.update_report(report, severity="major")  # 12 h now, a new generation
    h.settle()
    major = h.report_clock(report)
    assert major.gen == general.gen + 1
    assert parse_iso(general.due) - parse_iso(major.due) == timedelta(hours=12)

    h.advance_to(parse_iso(major.due))
    h.wait_for(lambda: len(h.report_escalations(report)) == 1, "the re-planned first rung")
    h.submit_report(report)
    h.advance_to(parse_iso(general.due) + timedelta(hours=2))
    assert [e["level"] for e in h.report_escalations(report)] == ["1"]


def test_the_reconciler_restores_a_report_clock_and_nothing_is_escalated_twice(h: Harness) -> None:
    report = h.report("major")
    h.settle()
    first = parse_iso(h.report_clock(report).rungs[0].at)
    h.advance_to(first)
    h.wait_for(lambda: len(h.report_escalations(report)) == 1, "the first rung")
    h.stop_all()
    reconciler = import_function("reconciler")
    started = reconciler.lambda_handler({}, LambdaContext())["started"]
    # (the report entered the duty log, whose page's handover clock is restored too)
    assert [name for name in started if name.startswith("report-")] == [
        f"report-{report.report_id}-incident_report-g1-r2"
    ]
    h.advance_to(first + timedelta(hours=2))
    h.wait_for(lambda: len(h.report_escalations(report)) == 2, "the second rung, from the replacement")
    h.settle()
    assert [e["level"] for e in h.report_escalations(report)] == ["1", "2"]
    assert len(h.mail()) == 2


@pytest.mark.parametrize(("offset", "escalations"), [(-0.5, 0), (0.5, 1)])
def test_an_arrival_half_a_second_either_side_of_the_deadline(h: Harness, offset: float, escalations: int) -> None:
    """Half a second early is on time and escalates nothing; half a second late has escalated once,
    and arriving then stops the ladder (issue 15's reliability scenario)."""
    ticket = h.dispatched()
    due = h.due(ticket, "arrival")
    assert due.microsecond == 0  # deadlines are whole seconds: the rung fires at the due time itself
    h.advance_to(due + timedelta(seconds=offset))
    if escalations:
        h.wait_for(lambda: len(h.escalations(ticket)) == escalations, "the first rung")
    h.arrive(ticket)
    h.advance_to(due + timedelta(hours=3))  # past every later rung of the ladder
    h.settle()
    assert len(h.escalations(ticket)) == escalations
    clock = h.clock(ticket, "arrival")
    assert clock.ended_at is not None  # the arrival ended it either way: nothing more will fire
    assert clock.state is (ClockState.BREACHED if escalations else ClockState.MET)
