"""A rung naming "the duty manager on shift" (docs/decisions/0024) on the clock engine: the real state
machine in moto on a virtual clock, the stream router fed from the table's stream, the roster saved
through the application (checked against the user pool). The person mailed is the one on the roster
at the moment the rung fires, in the site's time zone: across the 17:30 shift change, a clock firing
at 17:29:59 mails the day's duty manager, one firing at 17:30:00 the night's. Nobody on the roster:
the rung's list is mailed, and the ticket's timeline says so. The late handover uses it too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import boto3
import pytest

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.domain.duty_roster import NOBODY_ON_DUTY
from frontdesk.models.clock import ClockKind, SubjectType
from frontdesk.models.duty import CloseDutyPage, DutyCategory, NewDutyEntry, SignOut
from frontdesk.models.duty_roster import RosterIn, RosterSlotIn
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.on_duty import OnDutyRole, Shift
from frontdesk.models.ticket import Kind, Ticket
from local_stack.demo import StaffMember, add_staff
from local_stack.template import Template

from .lambda_support import Mail
from .sla_support import DUTY_MANAGER, MANAGER, MEMBERS, SITE, TENANT_EMAIL, Harness, sla_harness

DAY_MANAGER = StaffMember("dm.day", "白班经理", "duty_manager", "customer_service", email="day.manager@example.com")
NIGHT_MANAGER = StaffMember(
    "dm.night", "夜班经理", "duty_manager", "customer_service", email="night.manager@example.com"
)
# The first rung names the duty manager on shift; its list is where the mail goes when nobody is on duty.
LADDER = Ladder(
    arrival=(
        Rung(mailing_list="engineer_and_duty_manager", on_duty=OnDutyRole.DUTY_MANAGER),
        Rung(mailing_list="centre_manager", after_seconds=600),
    ),
    completion=(Rung(mailing_list="department_and_engineering_managers"),),
    callback_complaint=(
        Rung(mailing_list="duty_manager", on_duty=OnDutyRole.DUTY_MANAGER),
        Rung(mailing_list="centre_manager", after_seconds=86400),
    ),
)
# Monday 2026-11-23 in Shanghai (UTC+8): the day shift ends, and the night shift begins, at 17:30.
LAST_DAY_SECOND = parse_iso("2026-11-23T09:29:59Z")  # 17:29:59
SHIFT_CHANGE = parse_iso("2026-11-23T09:30:00Z")  # 17:30:00
ARRIVAL = timedelta(minutes=5)  # a class-A building's arrival time (the harness's "admin")


@pytest.fixture
def h(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site(LADDER, MEMBERS)
        cognito = boto3.client("cognito-idp")
        for member in (DAY_MANAGER, NIGHT_MANAGER):
            add_staff(cognito, harness.stack.env["USER_POOL_ID"], member, SITE.site_id)
        yield harness


def _roster(*slots: tuple[int, Shift, str]) -> None:
    """The November roster, saved by a manager through the application."""
    request = RosterIn(
        version=0,
        slots=tuple(RosterSlotIn(day=date(2026, 11, d), shift=s, duty_manager=who) for d, s, who in slots),
    )
    wiring.roster_desk().save(SITE.site_id, "2026-11", request, MANAGER)


def _dispatched_due_at(h: Harness, due: datetime) -> Ticket:
    h.advance_to(due - ARRIVAL)
    ticket = h.dispatched()
    assert h.due(ticket, "arrival") == due
    return ticket


def _staff_mail(h: Harness, ticket: Ticket) -> list[Mail]:
    """The ticket's escalation mail to staff (the tenant is told apart, on the first rung)."""
    return [m for m in h.mail() if ticket.number in m.subject and TENANT_EMAIL not in m.to]


def _mail_of(h: Harness, ticket: Ticket) -> list[list[str]]:
    return [m.to for m in _staff_mail(h, ticket)]


def test_the_rung_mails_whoever_is_on_duty_as_it_fires_across_the_1730_change(h: Harness) -> None:
    _roster((23, Shift.DAY, DAY_MANAGER.username), (23, Shift.NIGHT, NIGHT_MANAGER.username))
    before = _dispatched_due_at(h, LAST_DAY_SECOND)
    after = _dispatched_due_at(h, SHIFT_CHANGE)

    h.advance_to(LAST_DAY_SECOND)
    h.wait_for(lambda: _mail_of(h, before) != [], "the day manager's mail")
    assert _mail_of(h, after) == []  # its rung has not fired yet

    h.advance_to(SHIFT_CHANGE)
    h.wait_for(lambda: _mail_of(h, after) != [], "the night manager's mail")
    h.settle()

    assert _mail_of(h, before) == [["day.manager@example.com"]]
    assert _mail_of(h, after) == [["night.manager@example.com"]]
    assert [e.get("on_duty") for e in h.escalations(before)] == ["dm.day"]
    assert [e.get("on_duty") for e in h.escalations(after)] == ["dm.night"]
    assert h.clock(before, "arrival").escalated_at == "2026-11-23T09:29:59.000Z"


def test_nobody_on_the_roster_mails_the_rungs_list_and_the_timeline_says_so(h: Harness) -> None:
    _roster((23, Shift.DAY, DAY_MANAGER.username))  # the night of the 23rd is not filled
    ticket = _dispatched_due_at(h, SHIFT_CHANGE)

    h.advance_to(SHIFT_CHANGE)
    h.wait_for(lambda: _mail_of(h, ticket) != [], "the list's mail")

    (mail,) = _staff_mail(h, ticket)
    assert sorted(mail.to) == sorted(MEMBERS["engineer_and_duty_manager"])
    (escalation,) = h.escalations(ticket)
    assert escalation["on_duty_fallback"] == NOBODY_ON_DUTY and "on_duty" not in escalation
    assert "engineer_and_duty_manager" in mail.body.split("\n")[0]  # the mail says why it came to the list


def test_a_late_handover_mails_the_duty_manager_on_shift(h: Harness) -> None:
    # The day page of the 23rd changes at 17:30; its handover is due at 18:00: the night's duty manager.
    _roster((23, Shift.DAY, DAY_MANAGER.username), (23, Shift.NIGHT, NIGHT_MANAGER.username))
    page = "ql-2026-11-23-day"
    desk = wiring.duty_desk()
    desk.write(NewDutyEntry(site_id="ql", category=DutyCategory.CONSTRUCTION, happened="5 号楼外墙施工"), DUTY_MANAGER)
    h.advance_to(SHIFT_CHANGE - timedelta(minutes=10))
    desk.close(page, CloseDutyPage(version=desk.read(page, DUTY_MANAGER).page.version), DUTY_MANAGER)
    desk.sign_out(page, SignOut(version=desk.handover(page, DUTY_MANAGER).version, cash_cents=0), DUTY_MANAGER)
    h.settle()
    clock = h.clocks.of_subject(SubjectType.HANDOVER, page)[ClockKind.HANDOVER]
    assert clock.rungs[0].on_duty is OnDutyRole.DUTY_MANAGER

    h.advance_to(parse_iso(clock.due))
    h.wait_for(lambda: any(page in m.subject for m in h.handover_mail()), "the handover's mail")

    assert [m.to for m in h.handover_mail() if page in m.subject] == [["night.manager@example.com"]]


def test_a_missed_callback_due_at_the_shift_change_mails_the_night_manager(h: Harness) -> None:
    # A complaint handled on Monday 09:00 is to be called back by Thursday 26th, 17:30: the night begins.
    _roster((26, Shift.DAY, DAY_MANAGER.username), (26, Shift.NIGHT, NIGHT_MANAGER.username))
    complaint = h.open(Kind.COMPLAINT)
    h.act(complaint, "handle", department="engineering", action_taken="已与工程部协调")
    h.settle()
    (clock,) = [c for c in h.clocks.open_clocks(SITE.site_id) if c.kind is ClockKind.CALLBACK_COMPLAINT]
    assert clock.due == "2026-11-26T09:30:00.000Z"

    def missed() -> list[list[str]]:
        return [m.to for m in h.mail() if m.subject.startswith("回访逾期")]

    h.advance_to(parse_iso(clock.due))
    h.wait_for(lambda: missed() != [], "the callback's mail")
    assert missed() == [["night.manager@example.com"]]
