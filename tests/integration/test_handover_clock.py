"""The shift handover's clock on the clock engine (docs/decisions/0009, 0024): the real state machine in
moto on a virtual clock, the stream router fed from the table's stream. A handover is due 30 minutes
after the shift change; signed by both shifts in time it is met and nobody is mailed; not signed,
the duty manager's list is mailed at the due time — never a moment before — and the centre manager
half an hour later."""

from __future__ import annotations

from datetime import timedelta

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.duty import CloseDutyPage, DutyCategory, NewDutyEntry, SignIn, SignOut
from frontdesk.models.ticket import Actor, ActorKind, Role

from .sla_support import DUTY_MANAGER, MILLISECOND, Harness, site_harness

# The harness starts at 09:00 on Monday 2026-11-23 in Shanghai: the day shift, which changes at 17:30.
PAGE = "ql-2026-11-23-day"
SHIFT_CHANGE = parse_iso("2026-11-23T09:30:00Z")
DUE = parse_iso("2026-11-23T10:00:00Z")
NIGHT_MANAGER = Actor(kind=ActorKind.STAFF, id="duty2", roles=frozenset({Role.DUTY_MANAGER}))


h = site_harness


def _handover_clock(h: Harness) -> Clock:
    return h.clocks.of_subject(SubjectType.HANDOVER, PAGE)[ClockKind.HANDOVER]


def _shift_with_an_entry(h: Harness) -> None:
    request = NewDutyEntry(site_id="ql", category=DutyCategory.CONSTRUCTION, happened="5 号楼外墙施工")
    wiring.duty_desk().write(request, DUTY_MANAGER)
    h.settle()


def _close_and_sign_out(h: Harness) -> None:
    desk = wiring.duty_desk()
    page = desk.read(PAGE, DUTY_MANAGER).page
    desk.close(PAGE, CloseDutyPage(version=page.version), DUTY_MANAGER)
    handover = desk.handover(PAGE, DUTY_MANAGER)
    desk.sign_out(PAGE, SignOut(version=handover.version, cash_cents=12_345), DUTY_MANAGER)
    h.settle()


def _handover_mail(h: Harness) -> list[tuple[str, list[str]]]:
    return [(m.subject, m.to) for m in h.handover_mail() if PAGE in m.subject]


def test_the_handover_clock_starts_with_the_shifts_first_entry(h: Harness) -> None:
    _shift_with_an_entry(h)

    clock = _handover_clock(h)

    assert (clock.state, clock.due, clock.anchor) == (
        ClockState.RUNNING,
        "2026-11-23T10:00:00.000Z",
        "2026-11-23T09:30:00.000Z",
    )
    assert [(r.mailing_list, r.at) for r in clock.rungs] == [
        ("duty_manager", "2026-11-23T10:00:00.000Z"),
        ("centre_manager", "2026-11-23T10:30:00.000Z"),
    ]
    assert h.executions("RUNNING")  # the state machine waits for the first rung


def test_a_handover_signed_by_both_shifts_in_time_meets_its_clock(h: Harness) -> None:
    _shift_with_an_entry(h)
    h.advance_to(SHIFT_CHANGE - timedelta(minutes=15))  # the night shift comes 15 minutes early (004 QW21-06)
    _close_and_sign_out(h)
    handover = wiring.duty_desk().handover(PAGE, NIGHT_MANAGER)
    wiring.duty_desk().sign_in(PAGE, SignIn(version=handover.version), NIGHT_MANAGER)
    h.advance_to(DUE + timedelta(hours=2))

    clock = _handover_clock(h)
    assert (clock.state, clock.level, clock.early_seconds) == (ClockState.MET, 0, 45 * 60)
    assert _handover_mail(h) == []


def test_a_handover_not_completed_escalates_to_the_duty_manager_never_early(h: Harness) -> None:
    _shift_with_an_entry(h)
    h.advance_to(SHIFT_CHANGE - timedelta(minutes=10))
    _close_and_sign_out(h)  # the outgoing shift signed; nobody of the incoming shift has

    h.advance_to(DUE - MILLISECOND)
    assert _handover_clock(h).level == 0
    assert _handover_mail(h) == []

    h.advance_to(DUE)
    h.wait_for(lambda: _handover_clock(h).level == 1, "the first rung")
    h.wait_for(lambda: len(_handover_mail(h)) == 1, "the duty manager's mail")
    assert parse_iso(_handover_clock(h).breached_at or "") >= DUE
    ((subject, to),) = _handover_mail(h)
    assert to == ["duty.manager@example.com"] and "level 1" in subject

    h.advance_to(DUE + timedelta(minutes=30) - timedelta(seconds=1))
    assert _handover_clock(h).level == 1
    h.advance_to(DUE + timedelta(minutes=30))
    h.wait_for(lambda: len(_handover_mail(h)) == 2, "the centre manager's mail")
    h.settle()
    assert [to for _, to in _handover_mail(h)] == [["duty.manager@example.com"], ["centre.manager@example.com"]]

    handover = wiring.duty_desk().handover(PAGE, NIGHT_MANAGER)
    wiring.duty_desk().sign_in(PAGE, SignIn(version=handover.version), NIGHT_MANAGER)
    late = _handover_clock(h)
    assert late.state is ClockState.BREACHED and late.late_seconds == 30 * 60
