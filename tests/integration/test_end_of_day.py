"""The end-of-day sweep (000 §3.1d) against the stack: at the site's local end of day, work begun and
still open is marked 未完成 once, put on the next day's follow-up list, and its client told once."""

from __future__ import annotations

from datetime import timedelta

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.ticket import Kind, Status

from .lambda_support import LambdaContext
from .sla_support import ENGINEER, TENANT_EMAIL, Harness, import_function, site_harness

h = site_harness

MIDNIGHT = parse_iso("2026-11-23T16:00:00Z")  # the end of Monday 23 November in Shanghai


def _sweep() -> dict[str, list[str]]:
    result: dict[str, list[str]] = import_function("end_of_day").lambda_handler({}, LambdaContext())
    return result


def _unfinished_mail(h: Harness) -> list[str]:
    return [m.subject for m in h.mail() if m.to == [TENANT_EMAIL] and "今日未能完成" in m.subject]


def test_work_open_at_the_end_of_the_day_is_marked_unfinished_once_and_the_client_told(h: Harness) -> None:
    begun = h.arrive(h.dispatched())  # the engineer is on it
    waiting = h.dispatched()  # not begun: not the sweep's
    done = h.complete(h.arrive(h.dispatched()))
    h.settle()

    assert _sweep()["marked"] == []  # the day has not ended
    h.advance_to(MIDNIGHT + timedelta(minutes=3))
    first = _sweep()
    assert first["marked"] == [begun.ticket_id] and first["days"] == ["ql 2026-11-23"]
    swept = h.ticket(begun)
    assert (swept.status, swept.follow_up_day) == (Status.UNFINISHED, "2026-11-24")
    (event,) = [e for e in h.tickets.timeline(begun.ticket_id) if e.action == "unfinished"]
    assert event.actor.id == "sweep" and event.detail == {"swept_day": "2026-11-23", "follow_up_day": "2026-11-24"}
    assert (h.ticket(waiting).status, h.ticket(done).status) == (Status.DISPATCHED, Status.COMPLETED)

    assert _sweep() == {"marked": [], "days": [], "busy": [], "key_audits": [], "drawn": []}  # twice: nothing twice
    h.settle()
    assert _unfinished_mail(h) == [f"您的维修 {begun.number} 今日未能完成"]
    # it goes on the next day: the engineer completes it, and the next night has nothing to mark
    h.complete(begun)
    h.advance_to(MIDNIGHT + timedelta(days=1, minutes=3))
    assert _sweep()["marked"] == []
    h.settle()
    assert len(_unfinished_mail(h)) == 1
    assert h.stream.failures == []


def test_a_day_with_no_open_work_produces_nothing(h: Harness) -> None:
    inquiry = h.open(Kind.INQUIRY)
    h.act(inquiry, "reply", reply="已答复", method="phone")
    h.act(inquiry, "close", note="")
    h.settle()
    before = len(h.mail())
    h.advance_to(MIDNIGHT + timedelta(minutes=3))
    assert _sweep() == {"marked": [], "days": ["ql 2026-11-23"], "busy": [], "key_audits": [], "drawn": []}
    h.settle()
    assert len(h.mail()) == before


def test_the_reason_recorded_goes_with_the_mark(h: Harness) -> None:
    ticket = h.arrive(h.dispatched())
    h.act(ticket, "unfinished", ENGINEER, reason="等配件")
    h.act(ticket, "quote", ENGINEER, lines=[{"item": "配件", "amount_cents": 100}], tax_cents=0, labour_cents=0)
    h.client_act(ticket, "quote_decision", confirm=True)  # in progress again
    h.advance_to(MIDNIGHT + timedelta(minutes=3))
    assert wiring.end_of_day_sweep().run().marked == [ticket.ticket_id]
    (event,) = [e for e in h.tickets.timeline(ticket.ticket_id) if e.actor.id == "sweep"]
    assert event.detail["reason"] == "等配件"


def test_the_same_run_opens_the_months_key_audit_on_the_25th_once(h: Harness) -> None:
    """004 QW21-04 §4.5.6: from the 25th (site-local) a site with keys has its audit due, with its clock."""
    from frontdesk.models.clock import ClockKind, SubjectType
    from frontdesk.models.keys import NewKey

    from .lambda_support import OPERATOR

    request = NewKey(site_id="ql", building_id="admin", unit="101", seal_number="S-1", sealed_with="张老师")
    wiring.key_desk().seal(request, OPERATOR)
    assert _sweep()["key_audits"] == []  # the 23rd
    h.advance_to(parse_iso("2026-11-24T16:00:00Z"))  # 25 November, 00:00 in Shanghai
    assert _sweep()["key_audits"] == ["ql-2026-11"]
    assert _sweep()["key_audits"] == []
    h.settle()
    assert ClockKind.KEY_AUDIT in h.clocks.of_subject(SubjectType.KEY_AUDIT, "ql-2026-11")
