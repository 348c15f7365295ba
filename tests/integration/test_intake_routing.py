"""Who is told at intake, through the stream (000 §3.3c, §3.4-3.8; 001 part 2): a serious complaint
mails the site's manager list, a compensation claim the leadership list, an emergency the roles of
the site's call list — each list once, however often the stream delivers the record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from frontdesk import wiring
from frontdesk.clock import parse_iso
from frontdesk.models.routing import DEFAULT_CALLS, EmergencyCalls
from frontdesk.models.ticket import Kind, Ticket
from local_stack.template import Template

from .lambda_support import OPERATOR
from .sla_support import MEMBERS, SITE, T0, Harness, sla_harness

LEADERS = ("chairman@example.com",)
SECURITY = ("security.head@example.com", "guard.lead@example.com")
PROPERTY = ("property.manager@example.com",)


@pytest.fixture
def h(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    with sla_harness(aws, template, monkeypatch) as harness:
        members = {
            **MEMBERS,
            "company_leadership": LEADERS,
            "security_head": SECURITY,
            "property_manager": PROPERTY,
        }
        harness.use_site(members=members)
        harness.stream.pump()  # the site's own records
        yield harness


def _open(h: Harness, kind: Kind, category: str, **fields: Any) -> Ticket:
    request = h.request(kind, email="", category=category, description="客户来电", **fields)
    return h.desk.open(request, OPERATOR).ticket


def _notice(h: Harness, ticket: Ticket) -> Any:
    key = {"PK": f"TICKET#{ticket.ticket_id}", "SK": "NOTICE#route"}
    return h.table.get_item(Key=key, ConsistentRead=True).get("Item")


def _routed(h: Harness, ticket: Ticket) -> list[dict[str, str]]:
    return [e.detail for e in h.tickets.timeline(ticket.ticket_id) if e.action == "route"]


def test_a_serious_complaint_mails_the_manager_list_once_even_when_its_record_is_delivered_twice(h: Harness) -> None:
    ticket = _open(
        h, Kind.COMPLAINT, "security", severity="serious", department_concerned="security", concerning="保安 王五"
    )
    assert _notice(h, ticket) is not None  # owed in the ticket's own write
    (owed,) = [r for r in h.stream.read() if r["dynamodb"]["Keys"]["SK"]["S"] == "NOTICE#route"]

    assert h.stream.deliver([owed]) == {"batchItemFailures": []}
    assert h.stream.deliver([owed]) == {"batchItemFailures": []}  # the event source mapping retries
    h.settle()

    (mail,) = h.mail()
    assert mail.to == list(MEMBERS["centre_manager"])
    assert mail.subject.startswith(f"【立即通知·严重投诉】{ticket.number} 安保工作 / [Told at once: Serious complaint]")
    assert "被投诉员工或设备：保安 王五" in mail.body and "Department complained about: Security" in mail.body
    # within a minute of intake: the virtual clock never moved, the mail went out on the intake's record
    (routed,) = _routed(h, ticket)
    assert routed == {"routed_for": "serious", "told": "centre_manager"}
    (event,) = [e for e in h.tickets.timeline(ticket.ticket_id) if e.action == "route"]
    assert (parse_iso(event.at) - parse_iso(ticket.created_at)).total_seconds() < 60
    assert _notice(h, ticket) is None  # mailed, then forgotten
    assert h.stream.failures == []


def test_a_compensation_claim_goes_to_company_leadership(h: Harness) -> None:
    ticket = _open(h, Kind.COMPLAINT, "engineering_repair", severity="leadership")
    h.settle()
    (mail,) = h.mail()
    assert mail.to == list(LEADERS)
    assert "索赔或投诉管理处主任" in mail.subject
    assert _routed(h, ticket) == [{"routed_for": "leadership", "told": "company_leadership"}]


def test_an_ordinary_complaint_tells_nobody_at_intake(h: Harness) -> None:
    ticket = _open(h, Kind.COMPLAINT, "cleaning")
    h.settle()
    assert h.mail() == [] and _notice(h, ticket) is None and _routed(h, ticket) == []


def test_a_fire_emergency_mails_its_named_roles_at_intake(h: Harness) -> None:
    ticket = _open(h, Kind.EMERGENCY, "fire", disabled_occupants="yes", location="三楼东侧")
    h.settle()

    assert DEFAULT_CALLS["fire"] == ("property_manager", "duty_manager", "security_head", "engineering_head")
    told = sorted(sorted(m.to) for m in h.mail())
    assert told == sorted([sorted(PROPERTY), sorted(MEMBERS["duty_manager"]), sorted(SECURITY)])
    for mail in h.mail():
        assert "残障住户：有" in mail.body and "Occupants with disabilities: Yes" in mail.body
        assert "火警" in mail.subject and "Fire" in mail.body
    # the engineering head's list has no address: the timeline says whom to phone
    (routed,) = _routed(h, ticket)
    assert routed == {
        "routed_for": "emergency",
        "told": "property_manager, duty_manager, security_head",
        "no_address": "engineering_head",
    }
    assert h.stream.failures == []


def test_an_edited_call_list_decides_who_is_told(h: Harness) -> None:
    calls = {**DEFAULT_CALLS, "theft_or_robbery": ("property_manager",)}
    wiring.emergency_calls().put(SITE.site_id, EmergencyCalls(calls=calls))
    ticket = _open(h, Kind.EMERGENCY, "theft_or_robbery")
    h.settle()
    (mail,) = h.mail()
    assert mail.to == list(PROPERTY)
    assert _routed(h, ticket)[0]["told"] == "property_manager"
    assert h.time.now() == T0
