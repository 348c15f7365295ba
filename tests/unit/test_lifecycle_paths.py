"""Happy paths of every kind of request, walked through the pure domain with a fixed clock."""

from __future__ import annotations

import pytest

from frontdesk.domain.errors import IllegalTransition, InvalidInput
from frontdesk.models.ticket import ActorKind, Department, Kind, Severity, Status

from .builders import CLIENT_ACTOR, ENGINEER, OPERATOR, OTHER_ENGINEER, Walk


def statuses(walk: Walk) -> list[Status]:
    return [event.to_status for event in walk.events]


def test_repair_received_dispatched_arrived_completed_accepted_closed() -> None:
    walk = Walk(Kind.REPAIR)
    walk.do("dispatch", assignee="eng1")
    walk.later(minutes=3).do("arrive")
    walk.later(minutes=40).do("complete", summary="更换角阀")
    closed = walk.later(minutes=5).do("accept", satisfied=True, rating=5).ticket

    assert statuses(walk) == [Status.RECEIVED, Status.DISPATCHED, Status.ARRIVED, Status.COMPLETED, Status.CLOSED]
    assert closed.version == 5
    assert closed.resolution == "accepted"
    assert closed.arrived_on_time is True
    assert closed.work_summary == "更换角阀"
    assert closed.acceptance is not None and closed.acceptance.satisfied and closed.acceptance.rating == 5
    assert closed.closed_at == "2026-11-22T02:48:00.000Z"
    assert closed.assignment is not None and closed.assignment.assignee == "eng1"


def test_repair_declined_politely_with_a_reason() -> None:
    walk = Walk(Kind.REPAIR)
    declined = walk.do("decline", reason="属于业主自行装修范围").ticket

    assert declined.status is Status.DECLINED
    assert declined.decline_reason == "属于业主自行装修范围"
    assert declined.closed_at == "2026-11-22T02:00:00.000Z"
    assert walk.events[-1].detail == {"reason": "属于业主自行装修范围"}


def test_repair_closed_by_the_desk_without_acceptance_needs_a_note() -> None:
    walk = Walk(Kind.REPAIR)
    walk.run("dispatch", "arrive", "complete")
    with pytest.raises(InvalidInput) as refused:
        walk.do("close", note="")
    assert refused.value.code == "note_required"

    closed = walk.do("close", note="客户出差,电话确认可关闭").ticket
    assert closed.status is Status.CLOSED
    assert closed.resolution == "closed_without_acceptance"


def test_paid_service_needs_a_confirmed_quote_before_completion() -> None:
    walk = Walk(Kind.PAID_SERVICE)
    walk.run("dispatch", "arrive")
    with pytest.raises(IllegalTransition) as refused:
        walk.do("complete")
    assert refused.value.code == "quote_required"

    quoted = walk.do(
        "quote",
        lines=[{"item": "吸顶灯", "amount_cents": 12000}, {"item": "开关", "amount_cents": 1500}],
        tax_cents=1755,
        labour_cents=5000,
    ).ticket
    assert quoted.status is Status.QUOTED
    assert quoted.quote is not None
    assert quoted.quote.total_cents == 12000 + 1500 + 1755 + 5000
    assert quoted.quote.decision == ""
    assert walk.events[-1].detail == {"total_cents": "20255", "clock_paused": "completion"}

    # The engineer may not complete while the client has not decided.
    with pytest.raises(IllegalTransition):
        walk.do("complete")

    in_progress = walk.do("quote_decision", CLIENT_ACTOR, confirm=True).ticket
    assert in_progress.status is Status.IN_PROGRESS
    assert in_progress.quote is not None and in_progress.quote.decision == "confirmed"
    assert walk.events[-1].actor.kind is ActorKind.CLIENT

    walk.do("complete")
    closed = walk.do("accept", satisfied=True).ticket
    assert statuses(walk) == [
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ARRIVED,
        Status.QUOTED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.CLOSED,
    ]
    assert closed.version == 7


def test_paid_service_quote_declined_by_the_client_closes_the_ticket() -> None:
    walk = Walk(Kind.PAID_SERVICE)
    walk.run("dispatch", "arrive", "quote")
    closed = walk.do("quote_decision", confirm=False).ticket

    assert closed.status is Status.CLOSED
    assert closed.resolution == "quote_declined"
    assert closed.quote is not None and closed.quote.decision == "declined"
    assert closed.closed_at is not None


def test_free_repair_may_also_be_quoted_for_a_part_the_property_does_not_provide() -> None:
    walk = Walk(Kind.REPAIR)
    walk.run("dispatch", "arrive", "quote", "quote_decision", "complete")
    assert walk.ticket.status is Status.COMPLETED


def test_emergency_from_phone_intake_through_security() -> None:
    walk = Walk(Kind.EMERGENCY)
    assert walk.ticket.kind is Kind.EMERGENCY and walk.ticket.category == "water_leak"
    walk.do("dispatch", department=Department.SECURITY, assignee="eng1")
    walk.run("arrive", "complete", "accept")

    assert statuses(walk)[-1] is Status.CLOSED
    assert walk.ticket.assignment is not None and walk.ticket.assignment.department is Department.SECURITY


def test_complaint_received_handled_replied_closed() -> None:
    walk = Walk(Kind.COMPLAINT)
    assert walk.ticket.reply_due == "2026-11-22T16:00:00.000Z"  # end of the Shanghai day
    walk.do("handle", department=Department.CLEANING, action_taken="已约谈保洁主管", severity=Severity.SERIOUS)
    walk.do("reply", reply="已向您致歉并整改", method="phone")
    closed = walk.do("close", note="").ticket

    assert statuses(walk) == [Status.RECEIVED, Status.HANDLED, Status.REPLIED, Status.CLOSED]
    assert closed.severity is Severity.SERIOUS
    assert closed.resolution == "replied"
    assert [event.actor for event in walk.events[1:]] == [OPERATOR, OPERATOR, OPERATOR]
    assert walk.events[1].detail == {"department": "cleaning", "action_taken": "已约谈保洁主管", "severity": "serious"}


def test_inquiry_received_replied_closed() -> None:
    walk = Walk(Kind.INQUIRY)
    assert walk.ticket.reply_due is not None
    walk.do("reply", reply="物业费可在前台缴纳", method="in_person")
    closed = walk.do("close").ticket

    assert statuses(walk) == [Status.RECEIVED, Status.REPLIED, Status.CLOSED]
    assert closed.version == 3


def test_unfinished_work_is_followed_up_and_completed_later() -> None:
    walk = Walk(Kind.REPAIR)
    walk.run("dispatch", "arrive")
    unfinished = walk.later(hours=8).do("unfinished", reason="需等待厂家配件").ticket
    assert unfinished.status is Status.UNFINISHED
    assert unfinished.unfinished_reason == "需等待厂家配件"
    assert walk.events[-1].detail == {"reason": "需等待厂家配件"}

    completed = walk.later(hours=20).do("complete", ENGINEER).ticket
    assert completed.status is Status.COMPLETED


def test_unsatisfied_acceptance_reopens_and_the_ticket_is_dispatched_again() -> None:
    walk = Walk(Kind.REPAIR)
    walk.run("dispatch", "arrive", "complete")
    reopened = walk.later(hours=1).do("accept", satisfied=False, rating=2, comment="还在漏").ticket

    assert reopened.status is Status.REOPENED
    assert reopened.completed_at is None
    assert reopened.acceptance is not None and reopened.acceptance.satisfied is False
    assert walk.events[-1].detail == {"satisfied": "false", "comment": "还在漏", "rating": "2"}

    again = walk.do("dispatch", assignee="eng2").ticket
    assert again.status is Status.DISPATCHED
    assert again.assignment is not None and again.assignment.assignee == "eng2"
    assert again.arrived_at is None and again.arrived_on_time is None
    assert again.arrival_due == "2026-11-22T03:05:00.000Z"

    walk.do("arrive", OTHER_ENGINEER)
    walk.do("complete", OTHER_ENGINEER)
    assert walk.do("accept", satisfied=True).ticket.status is Status.CLOSED
