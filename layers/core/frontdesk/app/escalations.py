"""A rung a ticket's clock reached: recorded on the ticket, then an alert on the escalation topic,
mail to the rung's mailing list (or to the duty manager on shift, for a rung that names that role)
and, on the first rung, a short notice to the tenant.

Each happens once per rung, however often the stream delivers the record: the ticket's record is a
transaction with a marker, and each notification is marked as sent *after* it went out, so a
redelivered record skips what was sent and sends what was not (at least once: a crash between
sending and marking sends it again, never loses it).

An address SES refuses outright (not a throttle) is not retried: the failure is recorded on the
ticket's timeline and the other notifications still go out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from frontdesk.app.duty_roster import OnShift, recipients
from frontdesk.app.list_digest import ListDigests, OwedListMail
from frontdesk.app.ports import Alerts, Mailer, MailRefused, Sent, SiteLookup, TicketSystemChanges, existing
from frontdesk.app.tokens import new_token, token_hash
from frontdesk.clock import parse_iso
from frontdesk.domain.apology import APOLOGY_NOTICE
from frontdesk.domain.bulk import DUPLICATE_NOTICE
from frontdesk.domain.conversation import REPLY, notice_key
from frontdesk.domain.errors import ErrorCode, VersionConflict
from frontdesk.domain.escalation import CLOCK_ACTOR, marker, rung_at, rung_detail, ticket_escalation
from frontdesk.domain.lifecycle import Change
from frontdesk.domain.remarks import remarked
from frontdesk.models.clock import Clock, ClockKind
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.notifications import callbacks as callback_notices
from frontdesk.notifications import messages
from frontdesk.notifications.duty_roster import with_fallback
from frontdesk.notifications.links import TenantPage, tenant_link
from frontdesk.notifications.messages import Mail

# Versions a busy ticket may move under the recorder before it gives up (the record is retried).
MAX_RECORD_ATTEMPTS: Final = 5
T = TypeVar("T")
TENANT_NOTICE_KINDS: Final = frozenset({ClockKind.ARRIVAL, ClockKind.COMPLETION, ClockKind.REPLY})
ACKNOWLEDGEMENT: Final = "acknowledgement"
SURVEY: Final = "survey"
UNFINISHED: Final = "unfinished"  # frontdesk.domain.sweep.UNFINISHED


@dataclass
class Outcome:
    """What handling one rung did (for logs and metrics; no addresses in it)."""

    event: TimelineEvent | None = None
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    owed: list[str] = field(default_factory=list)  # sent with the batch's other rungs (a digest)


@dataclass(frozen=True)
class TicketEscalations:
    tickets: TicketSystemChanges
    sent: Sent
    sites: SiteLookup
    mailer: Mailer
    alerts: Alerts
    base_url: str
    on_shift: OnShift
    digests: ListDigests | None = None  # the stream router's: its batch's list mails, once per site and list

    def __call__(self, clock: Clock, level: int) -> Outcome:
        outcome = Outcome()
        read = self._ticket(clock.subject_id)  # read once: the site's id and the version the rung is written over
        site = self._read_once(("site", read.site_id), lambda: self.sites.get(read.site_id))
        if site is None:
            raise LookupError(f"site {read.site_id} of ticket {clock.subject_id} does not exist")
        at = rung_at(clock, level)
        target = self.on_shift.target(site, clock.rungs[level - 1].on_duty, parse_iso(at))
        recipient = target.detail() if target else {}
        ticket, recorded_now = self._record(clock, level, recipient, read)
        detail = rung_detail(clock, level, recipient)
        event = TimelineEvent(
            ticket_id=ticket.ticket_id,
            seq=ticket.version,
            at=rung_at(clock, level),
            actor=CLOCK_ACTOR,
            action="escalate",
            from_status=ticket.status,
            to_status=ticket.status,
            detail=detail,
        )
        outcome.event = event
        prefix = marker(clock, level)
        # A rung's notices go out only after its record committed (with its marker, above): a record
        # written just now has none sent yet. A redelivery finds the marker and reads them (one Query).
        sent = frozenset() if recorded_now else self.sent.sent_under(f"TICKET#{ticket.ticket_id}", f"{prefix}#")

        body, attributes = messages.alert(ticket, event)
        publish = lambda: self.alerts.publish(body, attributes)  # noqa: E731
        self._once(ticket, clock, level, f"{prefix}#alert", publish, outcome, sent)

        name = str(detail["mailing_list"])
        list_of = lambda: self.sent.mailing_list(ticket.site_id, name).members  # noqa: E731
        members = recipients(target, self._read_once(("list", ticket.site_id, name), list_of))
        if not members:
            outcome.skipped.append("list_empty")
        elif target is None and self.digests is not None and self.digests.collecting:
            # a rung naming a fixed list joins its batch's digest; one naming the person on duty is theirs alone
            self._owe_list_mail(ticket, event, site, clock, level, tuple(members), outcome, sent)
        else:
            mail = with_fallback(messages.staff_mail(ticket, event, site, self.base_url), target, name)
            send_list = lambda: self.mailer.send(members, mail.subject, mail.body)  # noqa: E731
            self._once(ticket, clock, level, f"{prefix}#list", send_list, outcome, sent)

        if level == 1 and clock.kind in TENANT_NOTICE_KINDS:
            if ticket.contact.email:
                notice = messages.tenant_mail(ticket, event, site)
                address = ticket.contact.email
                send_tenant = lambda: self.mailer.send([address], notice.subject, notice.body)  # noqa: E731
                self._once(ticket, clock, level, f"{prefix}#tenant", send_tenant, outcome, sent)
            else:
                outcome.skipped.append("tenant_no_email")
        return outcome

    def _owe_list_mail(
        self,
        ticket: Ticket,
        event: TimelineEvent,
        site: Site,
        clock: Clock,
        level: int,
        members: tuple[str, ...],
        outcome: Outcome,
        sent: frozenset[str],
    ) -> None:
        """In a stream batch: the list is mailed once per site and list at its end (frontdesk.app.list_digest)."""
        assert self.digests is not None
        subject_key, key = f"TICKET#{ticket.ticket_id}", f"{marker(clock, level)}#list"
        if key in sent:
            outcome.skipped.append("list_already_sent")
            return
        refused = lambda reason: self._record_failure(ticket.ticket_id, clock, level, "list", reason)  # noqa: E731
        self.digests.owe(
            OwedListMail(site, str(event.detail["mailing_list"]), members, ticket, event, subject_key, key, refused)
        )
        outcome.owed.append("list")

    def _read_once(self, key: tuple[str, ...], load: Callable[[], T]) -> T:
        return self.digests.read_once(key, load) if self.digests is not None else load()

    def _record(self, clock: Clock, level: int, recipient: dict[str, str], read: Ticket) -> tuple[Ticket, bool]:
        """The rung on the ticket and its timeline, once: the ticket as it is afterwards, and whether
        this call recorded it (False: an earlier delivery did)."""
        build = lambda t: ticket_escalation(t, clock, level, recipient)  # noqa: E731
        return self._recorded(clock.subject_id, marker(clock, level), build, read)

    def _system_change(self, ticket_id: str, mark: str, build: Callable[[Ticket], Change]) -> Ticket:
        return self._recorded(ticket_id, mark, build)[0]

    def _recorded(
        self, ticket_id: str, mark: str, build: Callable[[Ticket], Change], read: Ticket | None = None
    ) -> tuple[Ticket, bool]:
        """`build`'s change written once under `mark`, over `read` (the ticket just read, if it was)."""
        for _ in range(MAX_RECORD_ATTEMPTS):
            ticket = read if read is not None else self._ticket(ticket_id)
            read = None  # a conflict reads it again
            change = build(ticket)
            try:
                if self.tickets.record_system_change(change, ticket.version, mark):
                    return change.ticket, True
                return self._ticket(ticket_id), False  # recorded by an earlier delivery
            except VersionConflict:
                continue  # a person changed the ticket in between: read it again
        raise VersionConflict(field="version", code=ErrorCode.VERSION_CONFLICT)

    def _ticket(self, ticket_id: str) -> Ticket:
        return existing(self.tickets.get(ticket_id), f"ticket {ticket_id}")

    def _once(
        self,
        ticket: Ticket,
        clock: Clock,
        level: int,
        key: str,
        send: Callable[[], None],
        outcome: Outcome,
        sent: frozenset[str],
    ) -> None:
        what = key.rsplit("#", 1)[1]
        subject_key = f"TICKET#{ticket.ticket_id}"
        if key in sent:
            outcome.skipped.append(f"{what}_already_sent")
            return
        try:
            send()
        except MailRefused as refused:
            self._record_failure(ticket.ticket_id, clock, level, what, str(refused))
            outcome.failed.append(what)
        else:
            outcome.sent.append(what)
        self.sent.mark_sent(subject_key, key)

    def acknowledge(self, ticket_id: str) -> str:
        """The acknowledgement owed since intake: the number and the tracking link."""
        ticket = self._ticket(ticket_id)
        build = lambda link: messages.acknowledgement_mail(ticket, link)  # noqa: E731
        return self._mail_tenant(ticket, ACKNOWLEDGEMENT, notice_key(ACKNOWLEDGEMENT), ticket.created_at, build)

    def mail_reply(self, ticket_id: str, seq: int) -> str:
        """A reply the desk wrote to the tenant (the timeline event ``seq``), owed since it was written."""
        ticket = self._ticket(ticket_id)
        event = existing(self.tickets.event(ticket_id, seq), f"event {seq} of ticket {ticket_id}")
        build = lambda link: messages.reply_mail(ticket, event.detail["text"], link)  # noqa: E731
        return self._mail_tenant(ticket, REPLY, notice_key(REPLY, seq), event.at, build)

    def invite_to_survey(self, ticket_id: str, seq: int) -> str:
        """The callback the event ``seq`` created, offered to the tenant who left an address: the
        tracking page's survey (docs/decisions/0023), mailed once like any notice."""
        ticket = self._ticket(ticket_id)
        if not ticket.contact.email:
            return "skipped"
        build = lambda link: callback_notices.survey_mail(ticket, link)  # noqa: E731
        return self._mail_tenant(ticket, SURVEY, notice_key(SURVEY, seq), ticket.updated_at, build)

    def mail_unfinished(self, ticket_id: str, seq: int) -> str:
        """Work the end-of-day sweep marked unfinished (the timeline event ``seq``): the client is told
        it goes on the next day (000 §3.1d)."""
        ticket = self._ticket(ticket_id)
        event = existing(self.tickets.event(ticket_id, seq), f"event {seq} of ticket {ticket_id}")
        build = lambda link: messages.unfinished_mail(ticket, link)  # noqa: E731
        return self._mail_tenant(ticket, UNFINISHED, notice_key(UNFINISHED, seq), event.at, build)

    def mail_apology(self, ticket_id: str, seq: int) -> str:
        """The apology letter recorded as event ``seq`` (frontdesk.domain.apology), owed since it was sent."""
        ticket = self._ticket(ticket_id)
        event = existing(self.tickets.event(ticket_id, seq), f"event {seq} of ticket {ticket_id}")
        build = lambda link: messages.apology_mail(event, link)  # noqa: E731
        return self._mail_tenant(ticket, APOLOGY_NOTICE, notice_key(APOLOGY_NOTICE, seq), event.at, build)

    def mail_duplicate(self, ticket_id: str, seq: int) -> str:
        """The tenant of a ticket closed as a duplicate (event ``seq``): handled under the primary's number."""
        ticket = self._ticket(ticket_id)
        event = existing(self.tickets.event(ticket_id, seq), f"event {seq} of ticket {ticket_id}")
        build = lambda link: messages.duplicate_mail(ticket, event.detail["duplicate_of"], link)  # noqa: E731
        return self._mail_tenant(ticket, DUPLICATE_NOTICE, notice_key(DUPLICATE_NOTICE, seq), event.at, build)

    def _mail_tenant(self, ticket: Ticket, notice: str, key: str, at: str, build: Callable[[str], Mail]) -> str:
        """A notice owed to the tenant: mailed once (sent, then marked), then forgotten. Its link
        carries a token of its own (only tokens' hashes are stored, so the one shown at intake
        cannot be read back). "sent", "skipped" (an earlier delivery sent it) or "failed"
        (refused: on the timeline as notify_failed, like any refused notice)."""
        subject_key = f"TICKET#{ticket.ticket_id}"
        outcome = "skipped"
        if not self.sent.was_sent(subject_key, key):
            token = new_token()
            self.tickets.add_token(ticket.ticket_id, token_hash(token))
            mail = build(tenant_link(self.base_url, TenantPage.TRACK, token))
            try:
                self.mailer.send([ticket.contact.email], mail.subject, mail.body)
                outcome = "sent"
            except MailRefused as refused:
                detail = {"notice": notice, "reason": str(refused)[:200]}
                self._system_change(ticket.ticket_id, f"{key}#failed", lambda t: _failed(t, at, detail))
                outcome = "failed"
            self.sent.mark_sent(subject_key, key)
        self.tickets.forget_notice(ticket.ticket_id, key)
        return outcome

    def _record_failure(self, ticket_id: str, clock: Clock, level: int, what: str, reason: str) -> None:
        detail = {"phase": clock.kind.value, "level": str(level), "notice": what, "reason": reason[:200]}
        self._system_change(
            ticket_id,
            f"{marker(clock, level)}#failed#{what}",
            lambda t: _failed(t, t.escalation.at or t.updated_at, detail),
        )


def _failed(ticket: Ticket, at: str, detail: dict[str, str]) -> Change:
    """A notice the mail service refused, on the ticket's timeline (it holds nothing else back)."""
    return remarked(ticket, CLOCK_ACTOR, "notify_failed", at, detail)
