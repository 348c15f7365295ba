"""The escalation mails a stream batch owes to mailing lists, sent once per site and list.

While the stream router handles a batch (`batch()`), a ticket's rung does not mail its list at
once: it owes the mail here (`owe`), after checking it was not sent by an earlier delivery. At the
end of the batch `flush()` sends one mail per site and list (frontdesk.domain.digest), then marks
each rung's mail as sent - sent, then marked, as every notice is (at least once: a crash between
the two sends it again, never loses it). A mail that could not go out (throttled, SES down) names
the stream records that owed it, which the router reports as failed: they are delivered again,
and only what was not marked is owed again. An address SES refuses is recorded on each ticket's
timeline, as for a single mail. Outside a batch (a direct call) a rung mails at once.

A batch's state belongs to the thread handling it: on Lambda a container handles one invocation at
a time, but the local stack runs a function's containers as threads sharing this layer, and with
the mapping's ParallelizationFactor several router batches run at once (local_stack.stream_lanes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from frontdesk.app.ports import Mailer, MailRefused, Sent
from frontdesk.domain.digest import digests
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.notifications import messages

logger = Logger(child=True)

T = TypeVar("T")


@dataclass(frozen=True)
class OwedListMail:
    """One ticket rung's mail to one mailing list, not sent yet."""

    site: Site
    list_name: str
    members: tuple[str, ...]
    ticket: Ticket
    event: TimelineEvent
    subject_key: str
    key: str  # its NOTIFIED# marker
    refused: Callable[[str], None]  # records a refusal on the ticket's timeline
    source: str | None = None  # the stream record that owes it


class _Batch(threading.local):
    """What the batch being handled on this thread owes and has read."""

    def __init__(self) -> None:
        self.owed: list[OwedListMail] = []
        self.collecting = False
        self.source: str | None = None
        self.read: dict[tuple[str, ...], Any] = {}


@dataclass
class ListDigests:
    mailer: Mailer
    sent: Sent
    base_url: str
    _batch: _Batch = field(default_factory=_Batch)

    @property
    def collecting(self) -> bool:
        return self._batch.collecting

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Rungs handled inside owe their list mail until `flush()`."""
        batch = self._batch
        batch.owed.clear()
        batch.read.clear()
        batch.collecting = True
        try:
            yield
        finally:
            batch.collecting = False
            batch.owed.clear()
            batch.read.clear()

    def read_once(self, key: tuple[str, ...], load: Callable[[], T]) -> T:
        """Within a batch, a site and a mailing list are read once for all its rungs (a batch lasts
        seconds: an edit made meanwhile applies from the next batch, as to a rung being handled)."""
        read = self._batch.read
        if not self._batch.collecting:
            return load()
        if key not in read:
            read[key] = load()
        found: T = read[key]
        return found

    @contextmanager
    def owed_by(self, source: str) -> Iterator[None]:
        """Mails owed inside are owed by the stream record `source`."""
        self._batch.source = source
        try:
            yield
        finally:
            self._batch.source = None

    def owe(self, mail: OwedListMail) -> None:
        self._batch.owed.append(replace(mail, source=self._batch.source))

    def flush(self) -> set[str]:
        """Send what the batch owes; the sources whose mail did not go out (to deliver again)."""
        unsent: set[str] = set()
        owed, self._batch.owed = self._batch.owed, []
        for group in digests(owed, _audience, _rung):
            try:
                self._send(group)
            except MailRefused as refused:
                for mail in group:
                    mail.refused(str(refused))
            except Exception:
                logger.exception("a list mail could not be sent", extra={"tickets": len(group)})
                unsent.update(mail.source for mail in group if mail.source is not None)
                continue
            for mail in group:
                self.sent.mark_sent(mail.subject_key, mail.key)
        return unsent

    def _send(self, group: list[OwedListMail]) -> None:
        first = group[0]
        if len(group) == 1:
            mail = messages.staff_mail(first.ticket, first.event, first.site, self.base_url)
        else:
            mail = messages.digest_mail(first.site, [(m.ticket, m.event) for m in group], self.base_url)
        self.mailer.send(list(first.members), mail.subject, mail.body)


def _audience(mail: OwedListMail) -> tuple[str, str]:
    return mail.site.site_id, mail.list_name


def _rung(mail: OwedListMail) -> tuple[str, str]:
    return mail.subject_key, mail.key
