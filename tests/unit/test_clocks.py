"""The clock engine's rules (frontdesk.domain.clocks): the registry, how a clock follows its subject,
and what the state machine is given. Pure: no AWS, time from a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from frontdesk.clock import parse_iso
from frontdesk.domain import clocks
from frontdesk.domain.errors import InvalidInput
from frontdesk.domain.queue import next_deadline
from frontdesk.i18n import catalogue
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder, Rung
from frontdesk.models.site import BuildingClass
from frontdesk.models.ticket import Kind

from .builders import BUILDING_OF_CLASS, SITE, T0, TICKET_ID, Walk, staff_request


def follow(walk: Walk, kind: ClockKind, existing: Clock | None = None, ladder: Ladder = DEFAULT_LADDER) -> Clock:
    clock = clocks.plan(kind, walk.ticket, TICKET_ID, SITE.site_id, existing, ladder, walk.clock.now())
    assert clock is not None
    return clock


def test_every_clock_kind_is_one_row_of_the_registry_with_a_rule_and_a_ladder() -> None:
    assert set(clocks.CLOCKS) == set(ClockKind)
    for kind, spec in clocks.CLOCKS.items():
        assert spec.kind is kind and spec.rule
        assert DEFAULT_LADDER.rungs(kind), f"{kind} has no default ladder"
    assert clocks.kinds_for(SubjectType.TICKET) == [ClockKind.ARRIVAL, ClockKind.COMPLETION, ClockKind.REPLY]
    assert clocks.kinds_for(SubjectType.REPORT) == [ClockKind.INCIDENT_REPORT]


@pytest.mark.parametrize(
    ("building_class", "minutes"), [(BuildingClass.A, 5), (BuildingClass.B, 10), (BuildingClass.C, 15)]
)
def test_the_arrival_clock_starts_at_dispatch_with_minutes_by_building_class(
    building_class: BuildingClass, minutes: int
) -> None:
    walk = Walk(building_id=BUILDING_OF_CLASS[building_class])
    assert clocks.plan(ClockKind.ARRIVAL, walk.ticket, TICKET_ID, "ql", None, DEFAULT_LADDER, T0) is None
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    assert (clock.state, clock.gen, clock.level) == (ClockState.RUNNING, 1, 0)
    assert parse_iso(clock.due) - T0 == timedelta(minutes=minutes)
    assert [(r.mailing_list, parse_iso(r.at) - T0) for r in clock.rungs] == [
        ("engineer_and_duty_manager", timedelta(minutes=minutes)),
        ("centre_manager", timedelta(minutes=minutes + 10)),
    ]


def test_met_before_the_due_time_records_how_early_and_late_records_how_late() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    walk.clock.advance(minutes=4, seconds=30)
    walk.run("arrive")
    met = follow(walk, ClockKind.ARRIVAL, clock)
    assert (met.state, met.early_seconds, met.late_seconds) == (ClockState.MET, 30, None)

    late_walk = Walk()
    late_walk.run("dispatch")
    late_walk.clock.advance(minutes=7, seconds=1)
    late_walk.run("arrive")
    breached = follow(late_walk, ClockKind.ARRIVAL, clock)
    assert (breached.state, breached.late_seconds, breached.early_seconds) == (ClockState.BREACHED, 121, None)


def test_a_final_clock_never_changes_again() -> None:
    walk = Walk()
    walk.run("dispatch")
    running = follow(walk, ClockKind.ARRIVAL)
    walk.run("arrive")
    met = follow(walk, ClockKind.ARRIVAL, running)
    walk.clock.advance(hours=1)
    walk.run("complete")
    assert met.state is ClockState.MET and follow(walk, ClockKind.ARRIVAL, met) is met


def test_the_completion_clock_pauses_on_a_quote_and_resumes_later_by_the_time_paused() -> None:
    walk = Walk(kind=Kind.PAID_SERVICE)
    walk.run("dispatch")
    walk.run("arrive")
    clock = follow(walk, ClockKind.COMPLETION)
    walk.run("quote")
    paused = follow(walk, ClockKind.COMPLETION, clock)
    assert (paused.state, paused.paused_at, paused.gen) == (ClockState.PAUSED, walk.ticket.updated_at, clock.gen)

    walk.clock.advance(hours=3, seconds=0.2)
    decided = walk.do("quote_decision", confirm=True).ticket
    assert parse_iso(decided.completion_due or "") == parse_iso(clock.due) + timedelta(hours=3, seconds=1)
    resumed = follow(walk, ClockKind.COMPLETION, paused)
    assert (resumed.state, resumed.paused_seconds, resumed.gen) == (ClockState.RUNNING, 3 * 3600 + 1, clock.gen + 1)
    assert resumed.due == decided.completion_due and resumed.rungs[0].at == resumed.due
    event = walk.events[-1]
    assert (event.detail["clock_resumed"], walk.events[-2].detail["clock_paused"]) == ("completion", "completion")


def test_a_new_dispatch_starts_a_fresh_clock_and_closing_cancels_an_open_one() -> None:
    walk = Walk()
    walk.run("dispatch")
    first = follow(walk, ClockKind.COMPLETION)
    walk.run("arrive")
    walk.run("complete")
    done = follow(walk, ClockKind.COMPLETION, first)
    walk.do("accept", satisfied=False)
    assert done.state is ClockState.MET and follow(walk, ClockKind.COMPLETION, done) is done
    walk.clock.advance(minutes=1)
    walk.run("dispatch")
    again = follow(walk, ClockKind.COMPLETION, done)
    assert (again.state, again.gen, again.anchor) == (ClockState.RUNNING, 2, walk.ticket.dispatched_at)

    declined = Walk()
    declined.run("dispatch")
    running = follow(declined, ClockKind.ARRIVAL)
    declined.ticket = declined.ticket.model_copy(update={"status": "closed"})
    assert follow(declined, ClockKind.ARRIVAL, running).state is ClockState.CANCELLED


def test_a_reschedule_moves_the_due_time_and_starts_a_new_generation() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    walk.do("reschedule", new_arrival=T0 + timedelta(hours=2))
    moved = follow(walk, ClockKind.ARRIVAL, clock)
    assert (parse_iso(moved.due), moved.gen, moved.level) == (T0 + timedelta(hours=2), 2, 0)
    assert moved.rungs[0].at == moved.due


def test_a_ladder_edit_replans_only_the_rungs_not_yet_reached() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL).model_copy(update={"level": 1})
    edited = Ladder(
        arrival=(
            Rung(mailing_list="first"),
            Rung(mailing_list="second", after_seconds=60),
            Rung(mailing_list="third", after_seconds=60),
        ),
        completion=DEFAULT_LADDER.completion,
    )
    replanned = clocks.replan(clock, edited)
    assert replanned.rungs[0] == clock.rungs[0]
    assert [r.mailing_list for r in replanned.rungs] == ["engineer_and_duty_manager", "second", "third"]
    assert parse_iso(replanned.rungs[2].at) - parse_iso(clock.due) == timedelta(minutes=2)
    assert replanned.gen == clock.gen + 1


def test_a_complaint_reply_is_due_the_same_site_local_day_and_met_by_the_reply() -> None:
    walk = Walk(kind=Kind.COMPLAINT)
    clock = follow(walk, ClockKind.REPLY)
    assert clock.due == "2026-11-22T16:00:00.000Z"  # midnight in Shanghai
    assert [r.mailing_list for r in clock.rungs] == ["duty_manager", "centre_manager"]
    walk.run("handle")
    walk.clock.advance(hours=1)
    walk.run("reply")
    assert follow(walk, ClockKind.REPLY, clock).state is ClockState.MET
    assert clocks.plan(ClockKind.REPLY, Walk().ticket, TICKET_ID, "ql", None, DEFAULT_LADDER, T0) is None


def test_the_execution_input_carries_ids_and_times_only() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    payload = clocks.execution_input(clock, {"PK": f"TICKET#{TICKET_ID}", "SK": "CLOCK#arrival"})
    assert payload == {
        "key": {"PK": f"TICKET#{TICKET_ID}", "SK": "CLOCK#arrival"},
        "gen": "1",
        "level": 0,
        "count": 2,
        "times": [clock.rungs[0].at, clock.rungs[1].at, clocks.END_OF_LADDER],
        "at": clock.rungs[0].at,
        "retry_seconds": 1,
    }
    for private in ("张三", "13800138000", "卫生间"):
        assert private not in str(payload)
    assert clocks.execution_name(clock) == f"ticket-{TICKET_ID}-arrival-g1"
    assert clocks.execution_name(clock, 3) == f"ticket-{TICKET_ID}-arrival-g1-r3"
    assert len(clocks.execution_name(clock.model_copy(update={"kind": ClockKind.INCIDENT_REPORT, "gen": 999}), 3)) <= 80


def test_the_router_starts_stops_and_sees_rungs_from_a_clocks_before_and_after() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    assert clocks.started(None, clock) and not clocks.stopped(None, clock)
    assert not clocks.started(clock, clock) and clocks.reached(clock, clock) is None
    up = clock.model_copy(update={"level": 1})
    assert clocks.reached(clock, up) == 1 and not clocks.started(clock, up)
    met = clock.model_copy(update={"state": ClockState.MET})
    assert clocks.stopped(clock, met) and not clocks.started(clock, met)
    regen = clock.model_copy(update={"gen": 2})
    assert clocks.stopped(clock, regen) and clocks.started(clock, regen) and clocks.reached(clock, regen) is None
    exhausted = clock.model_copy(update={"level": 2})
    assert not clocks.needs_execution(exhausted)


@pytest.mark.parametrize(
    ("statuses", "start", "ok"),
    [
        ({}, "g1", False),
        ({"g1": "SUCCEEDED"}, None, True),
        ({"g1": "FAILED"}, "g1-r2", False),
        ({"g1": "ABORTED", "g1-r2": "TIMED_OUT"}, "g1-r3", False),
        ({"g1": "FAILED", "g1-r2": "FAILED", "g1-r3": "FAILED"}, None, False),
    ],
)
def test_the_reconciler_restores_missing_and_failed_executions_only(
    statuses: dict[str, str], start: str | None, ok: bool
) -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = follow(walk, ClockKind.ARRIVAL)
    prefix = f"ticket-{TICKET_ID}-arrival-"
    check = clocks.check_execution(clock, set(), lambda name: statuses.get(name.removeprefix(prefix)))
    assert check == clocks.ExecutionCheck(ok=ok, start=None if start is None else prefix + start)
    assert clocks.check_execution(clock, {prefix + "g1-r2"}, lambda name: None).ok


def test_a_reply_time_agreed_with_the_client_is_the_reply_clocks_due_time() -> None:
    agreed = staff_request(Kind.INQUIRY, reply_by=T0 + timedelta(days=2, seconds=0.5))
    walk = Walk(kind=Kind.INQUIRY, request=agreed)
    clock = follow(walk, ClockKind.REPLY)
    assert parse_iso(clock.due) == T0 + timedelta(days=2, seconds=1)
    assert walk.events[0].detail["reply_agreed"] == clock.due


@pytest.mark.parametrize(
    ("kind", "reply_by", "code"),
    [
        (Kind.COMPLAINT, T0 - timedelta(minutes=1), "reply_by_out_of_range"),
        (Kind.INQUIRY, T0 + timedelta(days=15), "reply_by_out_of_range"),
        (Kind.REPAIR, T0 + timedelta(hours=1), "reply_by_not_for_kind"),
    ],
)
def test_an_agreed_reply_time_in_the_past_too_far_or_on_a_repair_is_refused(
    kind: Kind, reply_by: datetime, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        Walk(kind=kind, request=staff_request(kind, reply_by=reply_by))
    assert (refused.value.field, refused.value.code) == ("reply_by", code)
    assert code in catalogue("zh-CN") and code in catalogue("en")


def test_a_quote_waiting_for_the_client_races_no_deadline_in_the_queue() -> None:
    walk = Walk(kind=Kind.PAID_SERVICE)
    walk.run("dispatch")
    walk.run("arrive")
    assert next_deadline(walk.ticket) == walk.ticket.completion_due
    walk.run("quote")
    assert next_deadline(walk.ticket) is None
