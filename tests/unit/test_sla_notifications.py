"""What an escalation says and to whom, exactly once: the messages and the stream router's service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from frontdesk.domain.escalation import escalation_event
from frontdesk.i18n import catalogue
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.mailing import MailingList
from frontdesk.models.site import Site
from frontdesk.models.ticket import Contact, Escalation, Ticket, TimelineEvent
from frontdesk.notifications import messages
from frontdesk.notifications.service import Escalations

from .builders import SITE, Walk

LADDER = Ladder(
    arrival=(Rung(mailing_list="duty"), Rung(mailing_list="centre", after_seconds=600)),
    completion=(Rung(mailing_list="managers"),),
)
BASE_URL = "https://desk.example.com/"


def escalated(phase: str = "arrival", level: int = 1, at: str = "2026-11-22T02:12:30.000Z", **contact: str) -> Ticket:
    walk = Walk()
    ticket = walk.run("dispatch")
    if phase == "completion":
        walk.clock.advance(minutes=3)
        ticket = walk.run("arrive")
    update: dict[str, Any] = {
        "escalation": Escalation(phase=phase, level=level, at=at),
        "version": ticket.version + 1,
    }
    if contact:
        update["contact"] = ticket.contact.model_copy(update=contact)
    return ticket.model_copy(update=update)


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
    ticket = escalated(level=2)
    event = escalation_event(ticket, LADDER)
    mail = messages.staff_mail(ticket, event, SITE, BASE_URL)

    zh, en = mail.subject.split(" / ")
    assert zh == f"【超时升级·第2级】{ticket.number} 工程师未按时到场,已超时 7 分钟"
    assert en == f"[Escalation level 2] {ticket.number}: the engineer has not arrived, late by 7 min"
    assert mail.body.index("工单") < mail.body.index("Ticket ")
    for text in ("行政楼", "101", "2026-11-22 10:05", "Asia/Shanghai", "centre", "7 min", "7 分钟"):
        assert text in mail.body
    assert f"{BASE_URL}staff#ticket={ticket.ticket_id}" in mail.body
    for private in ("张三", "13800138000", "卫生间漏水"):
        assert private not in mail.subject + mail.body


def test_a_building_without_an_english_name_and_a_public_area_still_read() -> None:
    ticket = escalated().model_copy(update={"unit": "", "location": ""})
    site = Site.model_validate({**SITE.model_dump(), "buildings": [{**SITE.buildings[0].model_dump(), "name_en": ""}]})
    mail = messages.staff_mail(ticket, escalation_event(ticket, LADDER), site, "")

    assert "Building: 行政楼" in mail.body and "公共区域" in mail.body and "public area" in mail.body
    assert f"/staff#ticket={ticket.ticket_id}" in mail.body


@pytest.mark.parametrize(("language", "subject"), [("zh-CN", "关于您的报修"), ("en", "About your request")])
def test_the_tenant_notice_is_short_and_in_the_tenants_language(language: str, subject: str) -> None:
    ticket = escalated(phase="completion").model_copy(update={"language": language})
    notice = messages.tenant_mail(ticket, escalation_event(ticket, LADDER), SITE)

    assert notice.subject == f"{subject} {ticket.number}"
    assert ticket.number in notice.body and "2026-11-23 10:03" in notice.body
    assert "eng1" not in notice.body and len(notice.body) < 300


def test_the_alert_carries_ids_and_numbers_only() -> None:
    ticket = escalated(level=1, email="tenant@example.org")
    body, attributes = messages.alert(ticket, escalation_event(ticket, LADDER))

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
        "escalation.what.arrival",
        "escalation.what.completion",
    ):
        assert key in catalogue("zh-CN") and key in catalogue("en")


# ------------------------------------------------------------------------------------------ service


@dataclass
class Records:
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    events: dict[tuple[str, int], TimelineEvent] = field(default_factory=dict)
    sent: set[tuple[str, str]] = field(default_factory=set)

    def ladder(self, site_id: str) -> Ladder:
        return LADDER

    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name, members=self.lists.get(name, ()))

    def record_event(self, event: TimelineEvent) -> bool:
        return self.events.setdefault((event.ticket_id, event.seq), event) is event

    def was_sent(self, ticket_id: str, key: str) -> bool:
        return (ticket_id, key) in self.sent

    def mark_sent(self, ticket_id: str, key: str) -> None:
        self.sent.add((ticket_id, key))


class Sites:
    def get(self, site_id: str) -> Site | None:
        return SITE if site_id == SITE.site_id else None


@dataclass
class Mailer:
    sent: list[tuple[list[str], str]] = field(default_factory=list)
    fail_for: str = ""

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.fail_for and self.fail_for in to:
            raise ConnectionError("SES unavailable")
        self.sent.append((list(to), subject))


@dataclass
class Alerts:
    published: list[dict[str, Any]] = field(default_factory=list)

    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        self.published.append(body)


def service(**lists: tuple[str, ...]) -> tuple[Escalations, Records, Mailer, Alerts]:
    records, mailer, alerts = Records(lists=dict(lists)), Mailer(), Alerts()
    return Escalations(records, Sites(), mailer, alerts, BASE_URL), records, mailer, alerts


def test_a_first_rung_records_the_event_alerts_mails_the_list_and_tells_the_tenant() -> None:
    escalations, records, mailer, alerts = service(duty=("a@example.com", "b@example.com"))
    before = Walk().run("dispatch")
    after = escalated(email="tenant@example.org")

    outcome = escalations.on_change(before, after)

    assert outcome.event is not None and list(records.events.values()) == [outcome.event]
    assert outcome.sent == ["alert", "list", "tenant"]
    assert [to for to, _ in mailer.sent] == [["a@example.com", "b@example.com"], ["tenant@example.org"]]
    assert len(alerts.published) == 1


def test_a_replayed_record_sends_nothing_again() -> None:
    escalations, _, mailer, alerts = service(duty=("a@example.com",))
    after = escalated(email="tenant@example.org")
    escalations.on_change(None, after)

    outcome = escalations.on_change(None, after)

    assert outcome.sent == []
    assert outcome.skipped == ["alert_already_sent", "list_already_sent", "tenant_already_sent"]
    assert len(mailer.sent) == 2 and len(alerts.published) == 1


def test_a_failed_send_is_not_marked_so_the_retried_record_sends_it() -> None:
    escalations, _, mailer, _ = service(duty=("a@example.com",))
    after = escalated(email="tenant@example.org")
    mailer.fail_for = "tenant@example.org"
    with pytest.raises(ConnectionError):
        escalations.on_change(None, after)

    mailer.fail_for = ""
    outcome = escalations.on_change(None, after)

    assert outcome.sent == ["tenant"]
    assert [to for to, _ in mailer.sent] == [["a@example.com"], ["tenant@example.org"]]


def test_later_rungs_do_not_write_to_the_tenant_and_empty_lists_are_reported() -> None:
    escalations, _, mailer, _ = service()
    outcome = escalations.on_change(escalated(level=1), escalated(level=2, email="tenant@example.org"))
    assert outcome.sent == ["alert"] and outcome.skipped == ["list_empty"]
    assert mailer.sent == []

    escalations, _, _, _ = service()
    outcome = escalations.on_change(None, escalated(level=1, email=""))
    assert outcome.skipped == ["list_empty", "tenant_no_email"]


def test_changes_that_are_not_escalations_do_nothing() -> None:
    escalations, records, mailer, alerts = service(duty=("a@example.com",))
    ticket = escalated()
    assert escalations.on_change(ticket, ticket.model_copy(update={"version": ticket.version + 1})).event is None
    assert escalations.on_change(None, Walk().run("dispatch")).event is None
    assert (records.events, mailer.sent, alerts.published) == ({}, [], [])


def test_a_ticket_of_an_unknown_site_fails_the_record() -> None:
    escalations, _, _, _ = service()
    orphan = escalated().model_copy(update={"site_id": "gone", "contact": Contact(name="x")})
    with pytest.raises(LookupError, match="gone"):
        escalations.on_change(None, orphan)
