"""A tenant who left an address is told at once: the number and the tracking link, in their
language, mailed by the stream router from an item written with the ticket (then forgotten)."""

from __future__ import annotations

import re
from typing import Any

from frontdesk import wiring
from frontdesk.app.tokens import token_hash
from frontdesk.settings import settings

from .lambda_support import OPERATOR
from .sla_support import TENANT_EMAIL, Harness, site_harness

h = site_harness


def _notice(h: Harness, ticket_id: str) -> Any:
    item = h.table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": "NOTICE#acknowledgement"}, ConsistentRead=True)
    return item.get("Item")


def test_the_tenant_gets_the_number_and_a_link_that_opens_their_ticket(h: Harness) -> None:
    opened = h.desk.open(h.request(), OPERATOR)
    assert _notice(h, opened.ticket.ticket_id) is not None  # owed in the same write as the ticket
    h.settle()

    (mail,) = h.acknowledgements()
    assert mail.to == [TENANT_EMAIL]
    assert mail.subject == f"已收到您的请求 {opened.ticket.number}"
    # absolute (a mail client has no page to be relative to): PublicBaseUrl, else the API's own address
    found = re.search(r"可随时查看处理进度：(\S+)/track#(\S+)$", mail.body, re.MULTILINE)
    assert found is not None and found.group(1) == settings().mail_base_url and found.group(1).startswith("https://")
    assert "类别：给排水" in mail.body
    # the link's token is its own (the table keeps only hashes) and opens this ticket, as the first one does
    token = found.group(2)
    assert token != opened.tracking_token
    for key in (token, opened.tracking_token):
        assert h.tickets.ticket_id_for(token_hash(key)) == opened.ticket.ticket_id
    # sent once, and then forgotten
    assert _notice(h, opened.ticket.ticket_id) is None
    assert wiring.ticket_escalations().acknowledge(opened.ticket.ticket_id) == "skipped"
    assert len(h.acknowledgements()) == 1
    assert h.stream.failures == []


def test_in_english_for_a_tenant_who_wrote_in_english(h: Harness) -> None:
    opened = h.desk.open(h.request(language="en"), OPERATOR)
    h.settle()
    (mail,) = h.acknowledgements()
    assert mail.subject == f"We have received your request {opened.ticket.number}"
    assert "Category: Plumbing" in mail.body


def test_no_address_no_acknowledgement(h: Harness) -> None:
    ticket = h.open(email="")
    h.settle()
    assert _notice(h, ticket.ticket_id) is None and h.acknowledgements() == []


def test_an_address_ses_refuses_is_on_the_timeline_and_holds_nothing_back(h: Harness) -> None:
    opened = h.desk.open(h.request(), OPERATOR)
    ticket_id = opened.ticket.ticket_id
    # an address stored before intake refused such typos
    h.table.update_item(
        Key={"PK": f"TICKET#{ticket_id}", "SK": "TICKET"},
        UpdateExpression="SET contact.email = :bad",
        ExpressionAttributeValues={":bad": "tenant,typo@example.com"},
    )
    h.settle()
    assert h.stream.failures == [] and h.acknowledgements() == []
    (failed,) = [e for e in h.tickets.timeline(ticket_id) if e.action == "notify_failed"]
    assert failed.detail["notice"] == "acknowledgement"
    assert _notice(h, ticket_id) is None
