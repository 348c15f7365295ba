"""A rung reached by a clock whose subject keeps no timeline (a shift handover, an emergency key's
use): the rung's mailing list — or the person on the duty roster for a rung naming a role on duty,
the list when nobody is on it (the mail says so) — is mailed once per clock generation and rung:
sent, then marked, as for tickets (docs/decisions/0009, 0024)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from frontdesk.app.duty_roster import OnShift, recipients
from frontdesk.app.ports import Mailer, MailingLists, MailRefused, Sent, SiteLookup
from frontdesk.clock import Clock, parse_iso
from frontdesk.domain.escalation import rung_at
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.site import Site
from frontdesk.notifications.duty_roster import with_fallback
from frontdesk.notifications.messages import Mail

logger = Logger(child=True)

# The mail of a rung: (the clock, the rung reached, the site, seconds late) → the mail, or None when
# the subject is gone (nothing to say).
Compose = Callable[[ClockItem, int, Site, int], Mail | None]


@dataclass(frozen=True)
class RungMail:
    sites: SiteLookup
    lists: MailingLists
    sent: Sent
    mailer: Mailer
    clock: Clock
    compose: Compose
    on_shift: OnShift

    def on_rung(self, clock: ClockItem, level: int) -> int:
        """How many addresses were mailed (0 when an earlier delivery sent it, or the list is empty)."""
        site = self.sites.get(clock.site_id)
        if site is None:
            raise LookupError(f"site {clock.site_id} of clock {clock.clock_id} does not exist")
        subject_key = f"{clock.subject_type.value.upper()}#{clock.subject_id}"
        key = f"{clock.kind.value}#g{clock.gen}#{level}"
        if self.sent.was_sent(subject_key, key):
            return 0
        late = max(int((self.clock.now() - parse_iso(clock.due)).total_seconds()), 0)
        mail = self.compose(clock, level, site, late)
        if mail is None:
            raise LookupError(f"the subject of clock {clock.clock_id} does not exist")
        rung = self.lists.ladder(site.site_id).rung(clock.kind, level)
        target = self.on_shift.target(site, rung.on_duty, parse_iso(rung_at(clock, level)))
        members = recipients(target, self.lists.mailing_list(site.site_id, rung.mailing_list).members)
        if target is not None:
            logger.info("a rung naming a role on duty", extra={"clock_id": clock.clock_id, **target.detail()})
        mail = with_fallback(mail, target, rung.mailing_list)
        if members:
            try:
                self.mailer.send(members, mail.subject, mail.body)
            except MailRefused:
                logger.warning("a mailing-list address was refused", extra={"clock_id": clock.clock_id})
        self.sent.mark_sent(subject_key, key)
        return len(members)
