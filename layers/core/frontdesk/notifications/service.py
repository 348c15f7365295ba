"""The stream router's side of an escalation: the timer wrote "level N reached" on the ticket;
here it becomes a timeline event, an alert on the escalation topic, mail to the rung's list and,
on the first rung of a phase, a short notice to the tenant.

Each of these happens once per escalation, however often the stream delivers the record: the
event is a conditional put, and each notification is marked as sent after it went out, so a
redelivered record skips it. A crash between sending and marking sends it again on the retry:
an escalation mail may (rarely) arrive twice, but is never lost to a retry. Records of one shard
are delivered one batch at a time, so two deliveries of a record never run at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from frontdesk.domain.escalation import escalated, escalation_event
from frontdesk.models.escalation import Ladder, Phase
from frontdesk.models.mailing import MailingList
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.notifications import messages


class Records(Protocol):
    def ladder(self, site_id: str) -> Ladder: ...
    def mailing_list(self, site_id: str, name: str) -> MailingList: ...
    def record_event(self, event: TimelineEvent) -> bool: ...
    def was_sent(self, ticket_id: str, key: str) -> bool: ...
    def mark_sent(self, ticket_id: str, key: str) -> None: ...


class SiteLookup(Protocol):
    def get(self, site_id: str) -> Site | None: ...


class Mailer(Protocol):
    def send(self, to: Sequence[str], subject: str, body: str) -> None: ...


class Alerts(Protocol):
    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None: ...


@dataclass
class Outcome:
    """What handling one change did (for logs and metrics; no addresses in it)."""

    event: TimelineEvent | None = None
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class Escalations:
    def __init__(self, records: Records, sites: SiteLookup, mailer: Mailer, alerts: Alerts, base_url: str) -> None:
        self._records = records
        self._sites = sites
        self._mailer = mailer
        self._alerts = alerts
        self._base_url = base_url

    def on_change(self, old: Ticket | None, new: Ticket) -> Outcome:
        outcome = Outcome()
        reached = escalated(old, new)
        if reached is None:
            return outcome
        ladder = self._records.ladder(new.site_id)
        event = escalation_event(new, ladder)
        outcome.event = event
        self._records.record_event(event)
        site = self._sites.get(new.site_id)
        if site is None:
            raise LookupError(f"site {new.site_id} of ticket {new.ticket_id} does not exist")
        prefix = f"{event.seq:06d}#"

        body, attributes = messages.alert(new, event)
        self._once(new, prefix + "alert", lambda: self._alerts.publish(body, attributes), outcome)

        members = self._records.mailing_list(new.site_id, event.detail["mailing_list"]).members
        if members:
            mail = messages.staff_mail(new, event, site, self._base_url)
            self._once(new, prefix + "list", lambda: self._mailer.send(members, mail.subject, mail.body), outcome)
        else:
            outcome.skipped.append("list_empty")

        if reached.level == 1 and reached.phase in {p.value for p in Phase}:
            if new.contact.email:
                notice = messages.tenant_mail(new, event, site)
                address = new.contact.email
                self._once(
                    new, prefix + "tenant", lambda: self._mailer.send([address], notice.subject, notice.body), outcome
                )
            else:
                outcome.skipped.append("tenant_no_email")
        return outcome

    def _once(self, ticket: Ticket, key: str, send: Callable[[], None], outcome: Outcome) -> None:
        what = key.rsplit("#", 1)[1]
        if self._records.was_sent(ticket.ticket_id, key):
            outcome.skipped.append(f"{what}_already_sent")
            return
        send()
        self._records.mark_sent(ticket.ticket_id, key)
        outcome.sent.append(what)
