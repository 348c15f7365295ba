"""One power cut, many tickets: the rungs a stream batch brings mail each site's list once, a digest
listing every ticket; nothing is lost, nothing is sent twice, nothing before its rung was reached
(docs/decisions/0026). The real state machine on the virtual clock, the real stream records."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import botocore.client
import pytest

from frontdesk import wiring
from frontdesk.app.ports import Mailer

from .lambda_support import Mail
from .sla_support import CATCH_UP_SECONDS, MEMBERS, ONE_SECOND, TENANT_EMAIL, Harness, site_harness

h = site_harness
TICKETS = 12
FIRST_LIST = set(MEMBERS["engineer_and_duty_manager"])


def _rungs_reached(h: Harness, count: int) -> tuple[list[Any], list[dict[str, Any]]]:
    """`count` repairs dispatched at once; time moved to their arrival due time and every first rung
    written by the state machine; the stream's records (not delivered yet) returned with them."""
    tickets = [h.dispatched() for _ in range(count)]
    due = max(h.due(ticket, "arrival") for ticket in tickets)
    h.time.set(due)
    _reached(h, tickets)
    return tickets, h.stream.read()


def _reached(h: Harness, tickets: list[Any]) -> None:
    """Every ticket's first rung written by its execution, the stream left undelivered (the
    harness's own wait delivers it as it goes, a few records at a time)."""
    end = time.monotonic() + CATCH_UP_SECONDS  # a bound, not a speed
    while not all(h.clock(ticket, "arrival").level == 1 for ticket in tickets):
        assert time.monotonic() < end, "the first rungs were not reached"
        time.sleep(0.01)


def _to_list(mails: list[Mail]) -> list[Mail]:
    return [mail for mail in mails if set(mail.to) == FIRST_LIST]


def test_many_rungs_of_one_site_in_a_batch_mail_the_list_once_listing_every_ticket(h: Harness) -> None:
    tickets, records = _rungs_reached(h, TICKETS)
    before = len(h.mail())
    result = h.stream.deliver(records)
    assert result["batchItemFailures"] == []

    mails = h.mail()[before:]
    (digest,) = _to_list(mails)
    numbers = [ticket.number for ticket in tickets]
    assert all(number in digest.body for number in numbers), (numbers, digest.body)
    assert str(TICKETS) in digest.subject and "张工单同时超时" in digest.subject and "tickets" in digest.subject
    # each ticket's own record and tenant notice are unchanged: one each
    assert all(len(h.escalations(ticket)) == 1 for ticket in tickets)
    assert sum(1 for mail in mails if mail.to == [TENANT_EMAIL]) == TICKETS
    assert len(h.alerts()) >= TICKETS

    h.stream.deliver(records)  # the same batch again, as the mapping may redeliver it
    assert h.mail()[before:] == mails  # nothing twice


def test_a_rung_alone_in_its_batch_is_the_ordinary_mail(h: Harness) -> None:
    (ticket,), records = _rungs_reached(h, 1)
    before = len(h.mail())
    h.stream.deliver(records)
    (mail,) = _to_list(h.mail()[before:])
    assert ticket.number in mail.subject and "升级" in mail.subject  # escalation.mail.subject, not a digest


def test_a_digest_that_could_not_go_out_is_sent_once_on_the_redelivery(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets, records = _rungs_reached(h, TICKETS)
    real = wiring.list_digests().mailer

    class DownOnce:
        """SES throttles the first digest: the records that owed it must come back."""

        failed = False

        def send(self, to: Any, subject: str, body: str) -> None:
            if not self.failed:
                self.failed = True
                raise RuntimeError("Throttling: Maximum sending rate exceeded")
            real.send(to, subject, body)

    down: Mailer = DownOnce()
    monkeypatch.setattr(wiring.list_digests(), "mailer", down)
    before = len(h.mail())
    result = h.stream.deliver(records)
    failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
    rungs = {r["dynamodb"]["SequenceNumber"] for r in records if _is_first_rung(r)}
    assert failed == rungs  # every record that owed the digest, and no other
    assert _to_list(h.mail()[before:]) == []

    first = min(int(sequence) for sequence in failed)
    h.stream.deliver([r for r in records if int(r["dynamodb"]["SequenceNumber"]) >= first])  # as Lambda retries
    (digest,) = _to_list(h.mail()[before:])
    assert all(ticket.number in digest.body for ticket in tickets)
    assert sum(1 for mail in h.mail()[before:] if mail.to == [TENANT_EMAIL]) == TICKETS  # not resent


def test_a_ticket_whose_rung_is_not_reached_is_not_in_the_digest(h: Harness) -> None:
    early = [h.dispatched() for _ in range(3)]
    due = max(h.due(ticket, "arrival") for ticket in early)
    h.time.set(due - ONE_SECOND * 100)  # the later ticket is dispatched 100 s later
    late = h.dispatched()
    h.time.set(due)
    _reached(h, early)
    before = len(h.mail())
    h.stream.deliver(h.stream.read())
    (digest,) = _to_list(h.mail()[before:])
    assert all(ticket.number in digest.body for ticket in early)
    assert late.number not in digest.body and h.clock(late, "arrival").level == 0


def _is_first_rung(record: dict[str, Any]) -> bool:
    image = record["dynamodb"].get("NewImage") or {}
    old = record["dynamodb"].get("OldImage") or {}
    values = (image.get("type", {}).get("S"), old.get("level", {}).get("N"), image.get("level", {}).get("N"))
    return values == ("clock", "0", "1")


def test_a_batch_of_rungs_makes_only_the_calls_each_rung_needs(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted through the router for a batch of first rungs (docs/decisions/0026): a redundant call
    (the ticket read twice, the sent notices queried for a rung recorded just now) fails it."""
    tickets, records = _rungs_reached(h, TICKETS)
    rungs = [record for record in records if _is_first_rung(record)]
    assert len(rungs) == TICKETS
    calls: Counter[str] = Counter()
    real = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's one request path

    def counted(client: Any, operation: str, params: Any) -> Any:
        calls[operation] += 1
        return real(client, operation, params)

    with monkeypatch.context() as patched:
        patched.setattr(botocore.client.BaseClient, "_make_api_call", counted)
        h.stream.deliver(rungs)

    per_rung = {
        "GetItem": 1,  # the ticket, read once
        "TransactWriteItems": 1,  # the rung on the ticket, its event and its marker
        "Publish": 1,  # the alert on the escalation topic
        "SendEmail": 1,  # the tenant's notice
        "PutItem": 3,  # marked sent: the alert, the tenant's notice, the list's mail
    }
    # the site and the mailing list read; the digest, one message per member (adapters.ses)
    once_a_batch = {"GetItem": 2, "SendEmail": len(FIRST_LIST)}
    expected = {name: TICKETS * count + once_a_batch.get(name, 0) for name, count in per_rung.items()}
    assert dict(calls) == expected
    assert all(len(h.escalations(ticket)) == 1 for ticket in tickets)

    calls.clear()
    with monkeypatch.context() as patched:
        patched.setattr(botocore.client.BaseClient, "_make_api_call", counted)
        h.stream.deliver(rungs)  # a redelivery reads what was sent (one Query a rung) and sends nothing
    assert calls["Query"] == TICKETS and calls["SendEmail"] == calls["Publish"] == calls["PutItem"] == 0


def test_two_batches_handled_at_once_each_mail_their_own_digest(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the mapping's ParallelizationFactor two router batches run at once; in the local stack
    their containers share the layer, so a batch's owed mails must be its own (list_digest)."""
    tickets, records = _rungs_reached(h, TICKETS)
    rungs = [record for record in records if _is_first_rung(record)]
    first, second = rungs[: TICKETS // 2], rungs[TICKETS // 2 :]
    second_done = threading.Event()
    mailer = wiring.mailer()
    real_send = mailer.send

    def send(to: Any, subject: str, body: str) -> None:
        if threading.current_thread().name == "first" and list(to) == [TENANT_EMAIL]:
            second_done.wait(CATCH_UP_SECONDS)  # the first batch is mid-way while the second runs whole
        real_send(to, subject, body)

    monkeypatch.setattr(mailer, "send", send)
    before = len(h.mail())
    results: list[dict[str, Any]] = []
    one = threading.Thread(target=lambda: results.append(h.stream.deliver(first)), name="first")
    one.start()
    results.append(h.stream.deliver(second))
    second_done.set()
    one.join(CATCH_UP_SECONDS)
    assert [result["batchItemFailures"] for result in results] == [[], []]

    to_list = _to_list(h.mail()[before:])
    assert len(to_list) == 2 and all("张工单同时超时" in mail.subject for mail in to_list)
    by_batch = [{r["dynamodb"]["Keys"]["PK"]["S"].removeprefix("TICKET#") for r in batch} for batch in (second, first)]
    numbers = {ticket.ticket_id: ticket.number for ticket in tickets}
    for mail, ids in zip(to_list, by_batch, strict=True):
        assert {number for ticket_id, number in numbers.items() if number in mail.body} == {numbers[i] for i in ids}
