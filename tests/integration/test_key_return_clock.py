"""An emergency key's return clock on the clock engine (000 §3.10; docs/decisions/0009, 0024): the real
state machine in moto on a virtual clock. Back and sealed again within 2 hours, the clock is met and
nobody is mailed; not back, the duty manager's list is mailed at the due time — never a moment
before — and the centre manager an hour later; the late return then breaches the clock."""

from __future__ import annotations

from datetime import timedelta

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.keys import KeyUse, ReturnKey

from .lambda_support import OPERATOR
from .sla_support import MILLISECOND, Harness, key_opened_in_an_emergency, site_harness

h = site_harness


def _clock(h: Harness, use: KeyUse) -> Clock:
    return h.clocks.of_subject(SubjectType.KEY_USE, use.use_id)[ClockKind.KEY_RETURN]


def _key_mail(h: Harness) -> list[list[str]]:
    return [m.to for m in h.mail() if "应急钥匙" in m.subject]


def test_a_key_back_in_time_meets_its_clock(h: Harness) -> None:
    use = key_opened_in_an_emergency(h)
    due = parse_iso(use.return_due)
    h.advance_to(due - timedelta(minutes=20))
    wiring.key_desk().give_back(use.key_id, ReturnKey(version=2, new_seal_number="S-0002"), OPERATOR)
    h.advance_to(due + timedelta(hours=3))

    clock = _clock(h, use)
    assert (clock.state, clock.level) == (ClockState.MET, 0)
    assert _key_mail(h) == []


def test_a_key_not_back_in_two_hours_escalates_never_early(h: Harness) -> None:
    use = key_opened_in_an_emergency(h)
    due = parse_iso(use.return_due)
    assert due - parse_iso(use.taken_at) >= timedelta(hours=2)

    h.advance_to(due - MILLISECOND)
    assert _clock(h, use).level == 0 and _key_mail(h) == []

    h.advance_to(due)
    h.wait_for(lambda: len(_key_mail(h)) == 1, "the duty manager's mail")
    assert _key_mail(h) == [["duty.manager@example.com"]]
    assert parse_iso(_clock(h, use).breached_at or "") >= due

    h.advance_to(due + timedelta(hours=1) - timedelta(seconds=1))
    assert _clock(h, use).level == 1
    h.advance_to(due + timedelta(hours=1))
    h.wait_for(lambda: len(_key_mail(h)) == 2, "the centre manager's mail")
    h.settle()
    assert _key_mail(h) == [["duty.manager@example.com"], ["centre.manager@example.com"]]

    wiring.key_desk().give_back(use.key_id, ReturnKey(version=2, new_seal_number="S-0002"), OPERATOR)
    late = _clock(h, use)
    assert late.state is ClockState.BREACHED and late.late_seconds == 3600
