"""SES: plain-text mail from the verified sender, through the configuration set (bounces, complaints),
one message per recipient."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from frontdesk.app.ports import MailRefused

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

# Refusals that no retry can change; throttling and service errors are raised as they are (retried).
REFUSED = frozenset({"MessageRejected", "InvalidParameterValue", "MailFromDomainNotVerifiedException"})


class SesMailer:
    def __init__(self, sender: str, configuration_set: str = "", client: SESClient | None = None) -> None:
        self._sender = sender
        self._configuration_set = configuration_set
        self._given = client

    @cached_property
    def _client(self) -> SESClient:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("ses")

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        """One message per recipient: a mailing list's members never see each other's addresses, and an
        address SES refuses does not stop the others. Refusals are raised together, after every other
        recipient was sent to (MailRefused, without the addresses: they end up on the timeline)."""
        recipients = list(dict.fromkeys(to))
        refused: list[str] = []
        kwargs: dict[str, Any] = {}
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        for address in recipients:
            try:
                self._client.send_email(
                    Source=self._sender,
                    Destination={"ToAddresses": [address]},
                    Message={
                        "Subject": {"Data": subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                    },
                    **kwargs,
                )
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code not in REFUSED:
                    raise
                refused.append(code)
        if refused:
            first = refused[0]
            raise MailRefused(first if len(recipients) == 1 else f"{first} ({len(refused)} of {len(recipients)})")
