"""The SES adapter against moto: list mail goes one message per recipient, and a refused address
stops no one else."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from frontdesk.adapters.ses import SesMailer
from frontdesk.app.ports import MailRefused

from .lambda_support import sent_mail

SENDER = "noreply@example.com"
MEMBERS = ["a@example.com", "b@example.com", "c@example.com"]


@pytest.fixture
def ses(aws: boto3.Session) -> Iterator[object]:
    client = boto3.client("ses")
    client.verify_email_identity(EmailAddress=SENDER)
    yield client


def test_members_of_a_list_never_see_each_others_addresses(ses: object) -> None:
    SesMailer(SENDER).send(MEMBERS, "主题", "正文")
    # sent_mail() itself asserts that each SES message named one recipient, in To, without Cc or Bcc
    assert [(m.to, m.subject) for m in sent_mail()] == [(MEMBERS, "主题")]


def test_a_refused_address_is_reported_after_every_other_member_was_mailed(
    ses: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = boto3.client("ses")
    real = client.send_email

    def refuse_b(**kwargs: object) -> object:
        if kwargs["Destination"] == {"ToAddresses": ["b@example.com"]}:
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "no"}}, "SendEmail")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(client, "send_email", refuse_b)
    with pytest.raises(MailRefused, match=r"^MessageRejected \(1 of 3\)$"):
        SesMailer(SENDER, client=client).send(MEMBERS, "s", "b")
    assert [m.to for m in sent_mail()] == [["a@example.com", "c@example.com"]]


def test_throttling_is_raised_as_it_is_for_a_retry(ses: object, monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("ses")

    def throttle(**kwargs: object) -> object:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "SendEmail")

    monkeypatch.setattr(client, "send_email", throttle)
    with pytest.raises(ClientError, match="Throttling"):
        SesMailer(SENDER, client=client).send(MEMBERS, "s", "b")
