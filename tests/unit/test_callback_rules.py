"""The callback rules (frontdesk.domain.callbacks): which events call for a callback and when it is
due in business days; what recording an attempt does; the clocks a callback has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.clock import parse_iso
from frontdesk.domain import callbacks as rules
from frontdesk.domain import clocks
from frontdesk.domain.calendar import site_calendar
from frontdesk.domain.errors import DomainError
from frontdesk.models.callback import Callback, CallbackIn, CallbackState, Result, SurveyIn
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.catalogue import catalogue
from frontdesk.models.clock import ClockKind, ClockState, SubjectType
from frontdesk.models.escalation import DEFAULT_LADDER
from frontdesk.models.ticket import Kind, Status

from .builders import DUTY_MANAGER, OPERATOR, SITE, Walk, public_request, staff_request

CN = site_calendar("Asia/Shanghai", ())
# Friday 4 December 2026, 10:00 in Shanghai
FRIDAY = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
REACHED: dict[str, Any] = {"quality": 5, "effect": 4, "satisfaction": 5, "client_confirmed": True}


def handled_complaint(at: datetime = FRIDAY) -> tuple[Walk, Callback]:
    walk = Walk(Kind.COMPLAINT, start=at)
    walk.do("handle")
    callback = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False)
    assert callback is not None
    return walk, callback


def attempt(callback: Callback, at: datetime, **fields: Any) -> rules.Recorded:
    body = CallbackIn.model_validate({"version": callback.version, "method": "phone", **fields})
    return rules.record(callback, body, OPERATOR, CN, at)


def test_every_callback_kind_is_one_clock_of_the_callback_subject() -> None:
    assert clocks.kinds_for(SubjectType.CALLBACK) == [
        ClockKind.CALLBACK_COMPLAINT,
        ClockKind.CALLBACK_KEY_REPAIR,
        ClockKind.CALLBACK_SPECIAL,
        ClockKind.CALLBACK_SAMPLE,
        ClockKind.CALLBACK_TOP_REPAIR,
        ClockKind.CALLBACK_FIRST_AID,
        ClockKind.CALLBACK_ACTIVITY,
    ]


def test_a_complaint_handled_is_called_back_by_the_third_business_day() -> None:
    walk, callback = handled_complaint()
    assert callback.reason is CallbackReason.COMPLAINT
    assert callback.callback_id == f"{walk.ticket.ticket_id}-{walk.events[-1].seq}"
    assert parse_iso(callback.due) == datetime(2026, 12, 9, 9, 30, tzinfo=UTC)  # Wednesday 17:30 in Shanghai
    assert callback.assignee == walk.ticket.received_by == "op1"


def test_only_the_events_the_rules_name_call_for_a_callback() -> None:
    walk = Walk(Kind.REPAIR, start=FRIDAY)
    walk.run("dispatch", "arrive", "complete")
    # an ordinary plumbing repair: sampled weekly, not called back on completion
    assert rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False) is None
    assert all(rules.for_event(walk.ticket, e, CN, reworked=False) is None for e in walk.events[:-1])


@pytest.mark.parametrize(
    ("kind", "category", "key"),
    [(Kind.REPAIR, "elevator", True), (Kind.REPAIR, "public_facility", True), (Kind.REPAIR, "plumbing", False)],
)
def test_a_key_repair_is_called_back_one_to_three_business_days_after_completion(
    kind: Kind, category: str, key: bool
) -> None:
    walk = Walk(request=staff_request(kind, category=category), start=FRIDAY)
    walk.run("dispatch", "arrive", "complete")
    callback = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False)
    assert (callback is not None) is key
    if callback is not None:
        assert callback.reason is CallbackReason.KEY_REPAIR
        assert parse_iso(callback.earliest or "") == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # Monday 08:00
        assert parse_iso(callback.due) == datetime(2026, 12, 9, 9, 30, tzinfo=UTC)


def test_a_repair_whose_clock_escalated_is_key() -> None:
    walk = Walk(Kind.REPAIR, start=FRIDAY)
    walk.run("dispatch", "arrive")
    walk.ticket = walk.ticket.model_copy(update={"escalation": walk.ticket.escalation.model_copy(update={"level": 1})})
    walk.do("complete")
    assert rules.is_key_repair(walk.ticket)


def test_the_completion_of_a_rework_owes_a_special_callback_24_h_later() -> None:
    walk = Walk(Kind.REPAIR, start=FRIDAY)
    walk.run("dispatch", "arrive", "complete")
    special = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=True)
    assert special is not None and special.reason is CallbackReason.SPECIAL
    assert parse_iso(special.due) == parse_iso(walk.events[-1].at) + timedelta(hours=24)


def test_unreachable_on_three_different_days_closes_it_and_the_same_day_twice_counts_once() -> None:
    _, callback = handled_complaint()
    for moment in (FRIDAY, FRIDAY + timedelta(hours=3), FRIDAY + timedelta(days=3)):
        callback = attempt(callback, moment, result="unreachable").callback
        assert callback.state is CallbackState.OPEN
    closed = attempt(callback, FRIDAY + timedelta(days=4), result="unreachable").callback
    assert closed.state is CallbackState.UNREACHABLE and len(closed.attempts) == 4
    assert closed.done_at is not None


def test_days_are_the_site_local_days() -> None:
    _, callback = handled_complaint()
    # 23:30 and 00:30 in Shanghai are two days, though the same UTC day
    late = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    callback = attempt(callback, late, result="unreachable").callback
    callback = attempt(callback, late + timedelta(hours=1), result="unreachable").callback
    assert [a.local_day for a in callback.attempts] == ["2026-12-04", "2026-12-05"]


@pytest.mark.parametrize("missing", ["quality", "effect", "satisfaction", "client_confirmed"])
def test_a_reached_callback_needs_the_manuals_fields(missing: str) -> None:
    _, callback = handled_complaint()
    with pytest.raises(DomainError) as refused:
        attempt(callback, FRIDAY, result="satisfied", **{k: v for k, v in REACHED.items() if k != missing})
    assert (refused.value.field, refused.value.code) == (missing, "callback_field_required")


def test_a_defect_that_remains_is_not_satisfied_and_a_stale_version_is_refused() -> None:
    _, callback = handled_complaint()
    with pytest.raises(DomainError) as refused:
        attempt(callback, FRIDAY, result="satisfied", defect_remains=True, **REACHED)
    assert refused.value.field == "defect_remains"
    stale = CallbackIn.model_validate({"version": 7, "method": "visit", "result": "unreachable"})
    with pytest.raises(DomainError) as conflict:
        rules.record(callback, stale, OPERATOR, CN, FRIDAY)
    assert conflict.value.code == "callback_version_conflict"


def test_what_a_result_does_to_the_ticket() -> None:
    _, complaint = handled_complaint()
    assert attempt(complaint, FRIDAY, result="unsatisfied", **REACHED).then is rules.Then.REOPEN
    assert attempt(complaint, FRIDAY, result="satisfied", **REACHED).then is rules.Then.NOTHING
    repair = complaint.model_copy(update={"ticket_kind": "repair", "reason": CallbackReason.KEY_REPAIR})
    assert attempt(repair, FRIDAY, result="unsatisfied", **REACHED).then is rules.Then.NOTHING
    failed = attempt(repair, FRIDAY, result="unsatisfied", defect_remains=True, **REACHED)
    assert failed.then is rules.Then.REWORK and failed.callback.state is CallbackState.UNSATISFIED


def test_rework_dispatches_the_repair_again_to_its_engineer_as_a_new_run() -> None:
    walk = Walk(request=staff_request(Kind.REPAIR, category="elevator"), start=FRIDAY)
    walk.run("dispatch", "arrive", "complete")
    callback = rules.for_event(walk.ticket, walk.events[-1], CN, reworked=False)
    assert callback is not None
    later = FRIDAY + timedelta(days=3)
    change = rules.rework(walk.ticket, callback, OPERATOR, SITE, later)
    ticket = change.ticket
    assert (ticket.status, ticket.completed_at, ticket.version) == (Status.DISPATCHED, None, walk.ticket.version + 1)
    assert ticket.assignment == walk.ticket.assignment and parse_iso(ticket.dispatched_at or "") == later
    assert (change.event.action, change.event.from_status) == ("rework", Status.COMPLETED)
    # its clocks start again: a fresh arrival clock for the new run
    arrival = clocks.plan(ClockKind.ARRIVAL, ticket, ticket.ticket_id, "ql", None, DEFAULT_LADDER, later)
    assert arrival is not None and arrival.state is ClockState.RUNNING
    with pytest.raises(DomainError):
        rules.rework(ticket, callback, OPERATOR, SITE, later)  # already back in work


def test_a_callback_clock_is_met_when_it_is_concluded_in_time() -> None:
    _, callback = handled_complaint()
    clock = clocks.plan(
        ClockKind.CALLBACK_COMPLAINT, callback, callback.callback_id, "ql", None, DEFAULT_LADDER, FRIDAY
    )
    assert clock is not None and clock.due == callback.due
    assert [r.mailing_list for r in clock.rungs] == ["duty_manager", "centre_manager"]
    assert (
        clocks.plan(ClockKind.CALLBACK_SPECIAL, callback, callback.callback_id, "ql", None, DEFAULT_LADDER, FRIDAY)
        is None
    )
    done = attempt(callback, FRIDAY + timedelta(hours=1), result="satisfied", **REACHED).callback
    met = clocks.plan(ClockKind.CALLBACK_COMPLAINT, done, done.callback_id, "ql", clock, DEFAULT_LADDER, FRIDAY)
    assert met is not None and met.state is ClockState.MET


def test_who_calls_back() -> None:
    _, by_phone = handled_complaint()
    assert by_phone.assignee == "op1"  # who took the call follows the request
    web = Walk(request=public_request(kind="complaint", category="staff_attitude"), start=FRIDAY)
    web.ticket = web.ticket.model_copy(update={"received_by": "client"})
    web.do("handle", DUTY_MANAGER)
    callback = rules.for_event(web.ticket, web.events[-1], CN, reworked=False)
    assert callback is not None and callback.assignee == "dm1"  # the desk member who handled it
    repair = Walk(request=public_request(kind="repair", category="elevator"), start=FRIDAY)
    repair.ticket = repair.ticket.model_copy(update={"received_by": "client"})
    repair.run("dispatch", "arrive", "complete")
    key = rules.for_event(repair.ticket, repair.events[-1], CN, reworked=False)
    assert key is not None and key.assignee == ""  # not the engineer: the desk picks it up


def test_a_sampled_repair_is_called_back_one_to_two_months_after_completion() -> None:
    walk = Walk(Kind.REPAIR, start=datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # Monday 30 November, 10:00
    walk.run("dispatch", "arrive", "complete")
    callback = rules.for_sample(walk.ticket, "2026-W49", CN, FRIDAY)
    assert (callback.reason, callback.callback_id) == (CallbackReason.SAMPLE, f"{walk.ticket.ticket_id}-s2026w49")
    completed = parse_iso(walk.ticket.completed_at or "")
    assert parse_iso(callback.earliest or "") == completed.replace(month=12, day=30)  # 30 Nov + 1 month
    # 30 January 2027 is a Saturday: the 2 months end with Monday 1 February's day shift
    assert parse_iso(callback.due) == datetime(2027, 2, 1, 9, 30, tzinfo=UTC)
    clock = clocks.plan(ClockKind.CALLBACK_SAMPLE, callback, callback.callback_id, "ql", None, DEFAULT_LADDER, FRIDAY)
    assert clock is not None and clock.due == callback.due


def test_months_after_keeps_to_the_months_last_day() -> None:
    assert rules.months_after(datetime(2027, 1, 31, 3, tzinfo=UTC), 1) == datetime(2027, 2, 28, 3, tzinfo=UTC)
    assert rules.months_after(datetime(2026, 11, 30, 3, tzinfo=UTC), 2) == datetime(2027, 1, 30, 3, tzinfo=UTC)


def test_the_pages_offer_the_callback_choices_the_catalogue_serves_and_keep_no_copy() -> None:
    """The survey's answers and the marks' range are the models' (GET /public/catalogue): a copy in
    the pages' scripts would drift from what the API accepts."""
    served = catalogue().callbacks
    assert served.survey_results == [Result.SATISFIED, Result.UNSATISFIED]
    for result in Result:
        answer = {"result": result, "quality": 5, "effect": 5, "satisfaction": 5}
        if result in served.survey_results:
            SurveyIn.model_validate(answer)
        else:
            with pytest.raises(ValidationError):
                SurveyIn.model_validate(answer)
    web = Path(__file__).resolve().parents[2] / "functions/public_api/web/assets"
    for name in ("survey.js", "staff-callbacks.js"):
        text = (web / name).read_text("utf-8")
        assert '"unsatisfied"' not in text and "mark_max:" not in text and "unreachable_days:" not in text, name
