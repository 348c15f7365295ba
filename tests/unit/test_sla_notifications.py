"""What an escalation says and to whom, exactly once: the messages and the stream router's service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from frontdesk.app.duty_roster import OnShift
from frontdesk.app.escalations import TicketEscalations
from frontdesk.app.ports import MailRefused
from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain import clocks
from frontdesk.domain.errors import VersionConflict
from frontdesk.domain.escalation import ticket_escalation
from frontdesk.domain.lifecycle import Change
from frontdesk.i18n import catalogue
from frontdesk.models.clock import Clock, ClockKind
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.site import Site
from frontdesk.models.ticket import Contact, Ticket, TimelineEvent
from frontdesk.notifications import messages

from .builders import SITE, Walk
from .fakes import SentMarks

LADDER = Ladder(
    arrival=(Rung(mailing_list="duty"), Rung(mailing_list="centre", after_seconds=600)),
    completion=(Rung(mailing_list="managers"),),
)
BASE_URL = "https://desk.example.com/"


def reached(phase: str = "arrival", level: int = 1, late_seconds: int = 450, **contact: str) -> tuple[Ticket, Clock]:
    """A dispatched ticket (arrived, for completion) and its clock at `level`, `late_seconds` past due."""
    walk = Walk()
    ticket = walk.run("dispatch")
    if phase == "completion":
        walk.clock.advance(minutes=3)
        ticket = walk.run("arrive")
    if contact:
        ticket = ticket.model_copy(update={"contact": ticket.contact.model_copy(update=contact)})
    kind = ClockKind(phase)
    clock = clocks.plan(kind, ticket, ticket.ticket_id, ticket.site_id, None, LADDER, walk.clock.now())
    assert clock is not None
    at = to_iso(parse_iso(clock.due) + timedelta(seconds=late_seconds))
    return ticket, clock.model_copy(update={"level": level, "escalated_at": at, "breached_at": at})


def escalation_event(ticket: Ticket, clock: Clock) -> TimelineEvent:
    return ticket_escalation(ticket, clock, clock.level).event


# ------------------------------------------------------------------------------------------ messages


@pytest.mark.parametrize(
    ("seconds", "zh", "en"),
    [
        (0, "不到 1 分钟", "under a minute"),
        (59, "不到 1 分钟", "under a minute"),
        (61, "1 分钟", "1 min"),
        (7500, "2 小时 5 分钟", "2 h 5 min"),
    ],
)
def test_durations_read_naturally(seconds: int, zh: str, en: str) -> None:
    assert messages.duration(seconds, "zh-CN") == zh
    assert messages.duration(seconds, "en") == en


def test_the_staff_mail_is_bilingual_with_number_building_unit_lateness_and_link() -> None:
    ticket, clock = reached(level=2, late_seconds=420)
    event = escalation_event(ticket, clock)
    mail = messages.staff_mail(ticket, event, SITE, BASE_URL)

    zh, en = mail.subject.split(" / ")
    assert zh == f"【超时升级·第2级】{ticket.number} 工程师未按时到场，已超时 7 分钟"
    assert en == f"[Escalation level 2] {ticket.number}: the engineer has not arrived, late by 7 min"
    assert mail.body.index("工单") < mail.body.index("Ticket ")
    for text in ("行政楼", "101", "2026-11-22 10:05", "Asia/Shanghai", "centre", "7 min", "7 分钟"):
        assert text in mail.body
    assert f"{BASE_URL}staff#ticket={ticket.ticket_id}" in mail.body
    # what a manager acts on: the category, who has it, the tenant's words and a phone to call back
    assert "类别：给排水" in mail.body and "Category: Plumbing" in mail.body
    assert "情况：卫生间漏水" in mail.body and "Description: 卫生间漏水" in mail.body
    assert "客户电话：138****8000" in mail.body and "Client's phone: 138****8000" in mail.body
    assert "负责人：" in mail.body and "Assigned to: " in mail.body
    # a mailing list is not the place for the tenant's name or full number
    for private in ("张三", "13800138000"):
        assert private not in mail.subject + mail.body


def test_the_staff_mail_names_the_assignee_or_says_nobody_has_it() -> None:
    ticket, clock = reached(level=1, late_seconds=60)
    mail = messages.staff_mail(ticket, escalation_event(ticket, clock), SITE, BASE_URL)
    assert ticket.assignment is not None
    assert f"{ticket.assignment.assignee}（工程部）" in mail.body
    assert f"Assigned to: {ticket.assignment.assignee} (Engineering)" in mail.body
    unassigned = ticket.model_copy(update={"assignment": None})
    mail = messages.staff_mail(unassigned, escalation_event(unassigned, clock), SITE, BASE_URL)
    assert "负责人：尚未派工" in mail.body and "Assigned to: not dispatched yet" in mail.body


def test_a_long_description_is_cut_to_one_line_in_the_mail() -> None:
    assert messages.shorten("水管\n  漏水", 140) == "水管 漏水"
    cut = messages.shorten("很" * 300, messages.DESCRIPTION_IN_MAIL)
    assert len(cut) == messages.DESCRIPTION_IN_MAIL and cut.endswith("…")


def test_a_building_without_an_english_name_and_a_public_area_still_read() -> None:
    ticket, clock = reached()
    ticket = ticket.model_copy(update={"unit": "", "location": ""})
    site = Site.model_validate({**SITE.model_dump(), "buildings": [{**SITE.buildings[0].model_dump(), "name_en": ""}]})
    mail = messages.staff_mail(ticket, escalation_event(ticket, clock), site, "")

    assert "Building: 行政楼" in mail.body and "公共区域" in mail.body and "public area" in mail.body
    assert f"/staff#ticket={ticket.ticket_id}" in mail.body


def test_a_site_and_its_buildings_are_named_in_the_readers_language_one_rule_for_every_mail() -> None:
    building = SITE.buildings[0]  # 行政楼, no English name
    named = SITE.model_copy(update={"buildings": (building.model_copy(update={"name_en": "Admin block"}),)})
    unnamed = SITE.model_copy(update={"name_en": ""})

    assert SITE.name_in("zh-CN") == SITE.name and SITE.name_in("en") == SITE.name_en != SITE.name
    assert unnamed.name_in("en") == SITE.name  # no English name: the name
    assert SITE.building_name_in(building.building_id, "en") == "行政楼"
    assert named.building_name_in(building.building_id, "en") == "Admin block"
    assert named.building_name_in(building.building_id, "zh-CN") == "行政楼"
    assert SITE.building_name_in("gone", "en") == "gone"  # a building since removed: its id


@pytest.mark.parametrize(("language", "subject"), [("zh-CN", "关于您的报修"), ("en", "About your request")])
def test_the_tenant_notice_is_short_and_in_the_tenants_language(language: str, subject: str) -> None:
    ticket, clock = reached(phase="completion")
    ticket = ticket.model_copy(update={"language": language})
    notice = messages.tenant_mail(ticket, escalation_event(ticket, clock), SITE)

    assert notice.subject == f"{subject} {ticket.number}"
    assert ticket.number in notice.body and "2026-11-23 10:03" in notice.body
    assert "eng1" not in notice.body and len(notice.body) < 300


def test_the_alert_carries_ids_and_numbers_only() -> None:
    ticket, clock = reached(level=1, email="tenant@example.org")
    body, attributes = messages.alert(ticket, escalation_event(ticket, clock))

    assert attributes == {"site_id": "ql", "phase": "arrival", "level": "1"}
    assert body["late_seconds"] == 450 and body["level"] == 1 and body["number"] == ticket.number
    text = json.dumps(body, ensure_ascii=False)
    for private in ("张三", "13800138000", "tenant@example.org", "卫生间漏水", "eng1"):
        assert private not in text
    assert len(text) < 512


def test_every_message_key_exists_in_both_catalogues() -> None:
    for key in (
        "escalation.mail.subject",
        "escalation.mail.body",
        "escalation.tenant.arrival",
        "escalation.tenant.completion",
        "escalation.tenant.reply",
        *(f"escalation.what.{kind.value}" for kind in ClockKind),
    ):
        assert key in catalogue("zh-CN") and key in catalogue("en")


# ------------------------------------------------------------------------------------------ service


@dataclass(kw_only=True)
class Records(SentMarks):
    """The ticket store, the sent marks and the mailing lists in memory, with the adapters' rules."""

    ticket: Ticket
    events: list[TimelineEvent] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)
    conflicts: int = 0  # the next record_system_change calls that lose to a person's write
    forgotten: list[tuple[str, str]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def get(self, ticket_id: str) -> Ticket | None:
        return self.ticket if ticket_id == self.ticket.ticket_id else None

    def event(self, ticket_id: str, seq: int) -> TimelineEvent | None:
        return next((e for e in self.events if (e.ticket_id, e.seq) == (ticket_id, seq)), None)

    def forget_notice(self, ticket_id: str, notice: str) -> None:
        self.forgotten.append((ticket_id, notice))

    def add_token(self, ticket_id: str, token_hash: str) -> None:
        self.tokens.append(token_hash)

    def record_system_change(self, change: Change, expected_version: int, marker: str) -> bool:
        if self.conflicts:
            self.conflicts -= 1
            self.ticket = self.ticket.model_copy(update={"version": self.ticket.version + 1})
            raise VersionConflict(field="version")
        if marker in self.markers:
            return False
        assert expected_version == self.ticket.version
        self.ticket, self.markers = change.ticket, self.markers | {marker}
        self.events.append(change.event)
        return True


class Sites:
    def get(self, site_id: str) -> Site | None:
        return SITE if site_id == SITE.site_id else None


@dataclass
class Mailer:
    sent: list[tuple[list[str], str]] = field(default_factory=list)
    fail_for: str = ""
    refuse: str = ""

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.fail_for and self.fail_for in to:
            raise ConnectionError("SES unavailable")
        if self.refuse and self.refuse in to:
            raise MailRefused("MessageRejected")
        self.sent.append((list(to), subject))


class NoRosters:
    """No site has a duty roster (these ladders name lists only)."""

    def roster(self, site_id: str, month: str) -> None:
        return None


@dataclass
class Alerts:
    published: list[dict[str, Any]] = field(default_factory=list)

    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        self.published.append(body)


def service(ticket: Ticket, **lists: tuple[str, ...]) -> tuple[TicketEscalations, Records, Mailer, Alerts]:
    records, mailer, alerts = Records(ticket=ticket, lists=dict(lists)), Mailer(), Alerts()
    on_shift = OnShift(NoRosters())
    return TicketEscalations(records, records, Sites(), mailer, alerts, BASE_URL, on_shift), records, mailer, alerts


def test_a_first_rung_records_the_event_alerts_mails_the_list_and_tells_the_tenant() -> None:
    ticket, clock = reached(email="tenant@example.org")
    escalations, records, mailer, alerts = service(ticket, duty=("a@example.com", "b@example.com"))

    outcome = escalations(clock, 1)

    assert [e.action for e in records.events] == ["escalate"] and records.ticket.escalation.level == 1
    assert records.events[0].seq == ticket.version + 1 and records.events[0].detail["late_seconds"] == "450"
    assert outcome.sent == ["alert", "list", "tenant"]
    assert [to for to, _ in mailer.sent] == [["a@example.com", "b@example.com"], ["tenant@example.org"]]
    assert len(alerts.published) == 1


def test_a_replayed_record_records_and_sends_nothing_again() -> None:
    ticket, clock = reached(email="tenant@example.org")
    escalations, records, mailer, alerts = service(ticket, duty=("a@example.com",))
    escalations(clock, 1)

    outcome = escalations(clock, 1)

    assert outcome.sent == []
    assert outcome.skipped == ["alert_already_sent", "list_already_sent", "tenant_already_sent"]
    assert len(records.events) == 1 and len(mailer.sent) == 2 and len(alerts.published) == 1


def test_a_person_writing_the_ticket_meanwhile_only_delays_the_record() -> None:
    ticket, clock = reached()
    escalations, records, _, _ = service(ticket, duty=("a@example.com",))
    records.conflicts = 2
    escalations(clock, 1)
    assert [e.seq for e in records.events] == [ticket.version + 3]


def test_a_failure_between_sending_and_marking_sends_again_and_loses_nothing() -> None:
    """At least once: the mark is written after the send, so a crash in between re-sends on the retry."""
    ticket, clock = reached(email="tenant@example.org")
    escalations, records, mailer, _ = service(ticket, duty=("a@example.com",))
    unmarked = records.mark_sent

    def crash_after_the_list(subject_key: str, key: str) -> None:
        if key.endswith("#list"):
            raise TimeoutError("the function timed out after sending")
        unmarked(subject_key, key)

    records.mark_sent = crash_after_the_list  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        escalations(clock, 1)
    records.mark_sent = unmarked  # type: ignore[method-assign]

    outcome = escalations(clock, 1)

    assert outcome.sent == ["list", "tenant"]
    assert [to for to, _ in mailer.sent] == [["a@example.com"], ["a@example.com"], ["tenant@example.org"]]


def test_a_failed_send_is_not_marked_so_the_retried_record_sends_it() -> None:
    ticket, clock = reached(email="tenant@example.org")
    escalations, _, mailer, _ = service(ticket, duty=("a@example.com",))
    mailer.fail_for = "tenant@example.org"
    with pytest.raises(ConnectionError):
        escalations(clock, 1)

    mailer.fail_for = ""
    outcome = escalations(clock, 1)

    assert outcome.sent == ["tenant"]
    assert [to for to, _ in mailer.sent] == [["a@example.com"], ["tenant@example.org"]]


def test_an_address_the_mail_service_refuses_is_recorded_as_failed_and_holds_back_nothing() -> None:
    ticket, clock = reached(email="tenant@example.org")
    escalations, records, mailer, _ = service(ticket, duty=("a@example.com",))
    mailer.refuse = "tenant@example.org"

    outcome = escalations(clock, 1)

    assert outcome.sent == ["alert", "list"] and outcome.failed == ["tenant"]
    assert [e.action for e in records.events] == ["escalate", "notify_failed"]
    assert records.events[1].detail["notice"] == "tenant" and records.events[1].detail["reason"] == "MessageRejected"
    assert escalations(clock, 1).skipped == ["alert_already_sent", "list_already_sent", "tenant_already_sent"]
    assert len(records.events) == 2


def test_later_rungs_do_not_write_to_the_tenant_and_empty_lists_are_reported() -> None:
    ticket, clock = reached(level=2, email="tenant@example.org")
    escalations, _, mailer, _ = service(ticket)
    outcome = escalations(clock, 2)
    assert outcome.sent == ["alert"] and outcome.skipped == ["list_empty"]
    assert mailer.sent == []

    ticket, clock = reached(level=1, email="")
    escalations, _, _, _ = service(ticket)
    assert escalations(clock, 1).skipped == ["list_empty", "tenant_no_email"]


def test_a_ticket_of_an_unknown_site_fails_the_record() -> None:
    ticket, clock = reached()
    orphan = ticket.model_copy(update={"site_id": "gone", "contact": Contact(name="x")})
    escalations, _, _, _ = service(orphan)
    with pytest.raises(LookupError, match="gone"):
        escalations(clock, 1)
