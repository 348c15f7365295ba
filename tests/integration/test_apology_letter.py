"""The apology letter (致歉信) through the staff function and the stream router against moto: offered
only for a complaint a manager judged valid and our fault, filled in from the site's template, mailed
to the client once (however often the stream delivers its notice), or printed; refusals are 4xx
naming the field, in the caller's language."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.adapters.dynamodb import TicketStore
from local_stack.provision import Stack

from .conftest import MGR1, Api, import_function, set_header, staff_act, staff_action, staff_open, staff_read
from .lambda_support import sent_mail
from .sla_support import StreamPump
from .staff_routes import site_route, staff_route

CLIENT = "client@example.org"
OPERATOR = ("op1", "operator")
TEMPLATE = "/staff/sites/{site_id}/apology-template"
ACTION = "已对当班保安批评教育并调岗"
NOT_OWED = "An apology letter is sent only for a complaint a manager judged valid and our fault."
NO_ADDRESS = "The client left no e-mail address: print the letter and hand it over or post it."


def _complaint(staff: Api, email: str | None = CLIENT) -> str:
    ticket_id, _ = staff_open(
        staff, kind="complaint", category="security", contact_email=email, description="夜班保安态度恶劣"
    )
    return ticket_id


def _judge(staff: Api, ticket_id: str, version: int, our_fault: bool = True) -> None:
    body = {"version": version, "valid": True, "reason": "保安确有失职", "our_fault": our_fault}
    staff_act(staff, ticket_id, "validity", body, MGR1)


def _apology(ticket_id: str, version: int, delivery: str = "mail", who: tuple[str, str] = OPERATOR) -> dict[str, Any]:
    body = {
        "version": version,
        "delivery": delivery,
        "action": "已对当班保安批评教育并调岗",
        "signatory": "客服中心 吴主任",
    }
    return staff_route("POST", "/staff/tickets/{ticket_id}/apology", who, body, ticket_id=ticket_id)


def _version(staff: Api, ticket_id: str) -> int:
    version: int = staff(staff_read(ticket_id)).body["ticket"]["version"]
    return version


def _letters_to_client() -> list[Any]:
    return [m for m in sent_mail() if m.to == [CLIENT] and m.subject.startswith("致歉信")]


@pytest.fixture
def stream(stack: Stack, staff: Api) -> StreamPump:
    return StreamPump(stack, import_function("stream_router").lambda_handler)


def test_a_valid_complaint_that_was_our_fault_gets_its_letter_mailed_once(
    staff: Api, stream: StreamPump, store: TicketStore
) -> None:
    ticket_id = _complaint(staff)
    _judge(staff, ticket_id, 1)
    assert "apology" in staff(staff_read(ticket_id)).body["actions"]

    sent = staff(_apology(ticket_id, _version(staff, ticket_id)))
    assert sent.status == 200, sent.raw
    letter = sent.body
    assert letter["subject"].startswith("致歉信") and letter["delivery"] == "mail"
    for part in ("尊敬的李老师：", "夜班保安态度恶劣", "已对当班保安批评教育并调岗", "客服中心 吴主任", "齐鲁校区"):
        assert part in letter["body"]

    records = stream.read()
    owed = [r for r in records if r["dynamodb"]["Keys"]["SK"]["S"].startswith("NOTICE#apology")]
    assert len(owed) == 1
    stream.deliver(records)
    stream.deliver(owed)  # delivered again: nothing sent twice
    assert stream.failures == []
    (mail,) = _letters_to_client()
    assert mail.subject == letter["subject"] and mail.body.startswith(letter["body"])

    ticket = store.get(ticket_id)
    assert ticket is not None and ticket.apology_mailed_at is not None
    (event,) = [e for e in store.timeline(ticket_id) if e.action == "apology"]
    assert (event.actor.id, event.detail["delivery"], event.detail["letter"]) == ("op1", "mail", letter["body"])

    again = staff(_apology(ticket_id, ticket.version))
    assert (again.status, again.body["field"], again.body["code"]) == (409, "delivery", "apology_already_mailed")
    printed = staff(_apology(ticket_id, ticket.version, "print"))
    assert printed.status == 200 and printed.body["body"] == letter["body"]
    stream.pump()
    assert len(_letters_to_client()) == 1  # printing mails nothing


@pytest.mark.parametrize(
    ("our_fault", "email", "delivery", "status", "field", "en"),
    [
        (
            False,
            CLIENT,
            "mail",
            409,
            "action",
            "An apology letter is sent only for a complaint a manager judged valid and our fault.",
        ),
        (
            True,
            None,
            "mail",
            400,
            "delivery",
            "The client left no e-mail address: print the letter and hand it over or post it.",
        ),
    ],
)
def test_a_letter_not_owed_or_not_deliverable_is_refused_naming_the_field(
    staff: Api, store: TicketStore, our_fault: bool, email: str | None, delivery: str, status: int, field: str, en: str
) -> None:
    ticket_id = _complaint(staff, email)
    _judge(staff, ticket_id, 1, our_fault)
    event = _apology(ticket_id, 2, delivery)
    set_header(event, "Accept-Language", "en")
    refused = staff(event)
    assert (refused.status, refused.body["field"], refused.body["message"]) == (status, field, en)
    assert [e.action for e in store.timeline(ticket_id)] == ["create", "validity"]  # nothing half-written


def test_our_fault_on_a_complaint_judged_not_valid_is_a_400_on_that_field(staff: Api) -> None:
    ticket_id = _complaint(staff)
    body = {"version": 1, "valid": False, "reason": "客户误会", "our_fault": True}
    refused = staff(staff_action(ticket_id, "validity", body, *MGR1))
    assert (refused.status, refused.body["field"], refused.body["code"]) == (400, "our_fault", "our_fault_needs_valid")


def test_a_manager_edits_the_sites_template_and_the_next_letter_follows_it(staff: Api) -> None:
    shipped = staff(site_route("GET", TEMPLATE, OPERATOR))
    assert shipped.status == 200 and shipped.body["default"] is True
    assert (
        "{client}" in shipped.body["templates"]["zh-CN"]["body"]
        and "{client}" in shipped.body["templates"]["en"]["body"]
    )

    own = {
        "zh-CN": {"subject": "致歉：{number}", "body": "{client}您好：就{date}的投诉，{action}。{signatory}"},
        "en": {"subject": "Sorry: {number}", "body": "Dear {client}, {action}. {signatory}"},
    }
    assert staff(site_route("PUT", TEMPLATE, OPERATOR, {"templates": own})).status == 403
    typo = {"templates": {**own, "en": {"subject": "x", "body": "Dear {name}"}}}
    refused = staff(site_route("PUT", TEMPLATE, MGR1, typo))
    assert refused.status == 400
    (error,) = refused.body["errors"]
    assert error["field"].startswith("templates.en") and "{client}" in error["message"], error
    saved = staff(site_route("PUT", TEMPLATE, MGR1, {"templates": own}))
    assert saved.status == 200 and saved.body["default"] is False

    ticket_id = _complaint(staff)
    _judge(staff, ticket_id, 1)
    printed = staff(_apology(ticket_id, 2, "print"))
    assert printed.status == 200
    assert printed.body["body"] == "李老师您好：就2026-11-22的投诉，已对当班保安批评教育并调岗。客服中心 吴主任"
