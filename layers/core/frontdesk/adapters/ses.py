"""SES: plain-text mail from the verified sender, through the configuration set (bounces, complaints)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

from frontdesk.app.ports import MailRefused

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

MAX_RECIPIENTS = 50  # per SES message
# Refusals that no retry can change; throttling and service errors are raised as they are (retried).
REFUSED = frozenset({"MessageRejected", "InvalidParameterValue", "MailFromDomainNotVerifiedException"})


class SesMailer:
    def __init__(self, sender: str, configuration_set: str = "", client: SESClient | None = None) -> None:
        self._sender = sender
        self._configuration_set = configuration_set
        self._client = client or boto3.client("ses")

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        for start in range(0, len(to), MAX_RECIPIENTS):
            kwargs: dict[str, Any] = {}
            if self._configuration_set:
                kwargs["ConfigurationSetName"] = self._configuration_set
            try:
                self._client.send_email(
                    Source=self._sender,
                    Destination={"ToAddresses": list(to[start : start + MAX_RECIPIENTS])},
                    Message={
                        "Subject": {"Data": subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
                    },
                    **kwargs,
                )
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code in REFUSED:
                    raise MailRefused(code) from error
                raise
