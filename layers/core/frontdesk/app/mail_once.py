"""A notice mailed at most once to a site's mailing lists, whatever the number of runs or deliveries:
skipped when it is marked sent (``Sent``, keyed by what it is about and which notice it is), else
sent and then marked — marked too when an address was refused or the lists had nobody, since a
retry could not change either (the intake's routing, the roster reminder, the quarterly analysis)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from frontdesk.app.ports import Mailer, MailRefused, Sent, members_of
from frontdesk.notifications.messages import Mail


class Delivery(StrEnum):
    ALREADY = "already"  # marked sent by an earlier run: nothing done
    SENT = "sent"
    REFUSED = "refused"  # an address was refused for good
    EMPTY = "empty"  # nobody on the lists


@dataclass(frozen=True)
class MailOnce:
    sent: Sent
    mailer: Mailer

    def send(
        self, subject_key: str, key: str, site_id: str, lists: Sequence[str], compose: Callable[[], Mail]
    ) -> Delivery:
        """The mail ``compose`` makes (only once it is known to go) to the members of ``lists``."""
        if self.sent.was_sent(subject_key, key):
            return Delivery.ALREADY
        delivery = Delivery.EMPTY
        if members := members_of(self.sent, site_id, lists):
            mail = compose()
            try:
                self.mailer.send(members, mail.subject, mail.body)
                delivery = Delivery.SENT
            except MailRefused:
                delivery = Delivery.REFUSED
        self.sent.mark_sent(subject_key, key)
        return delivery
