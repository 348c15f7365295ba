"""The quarterly callback analysis (001 p11 §4.6): a page and a CSV for supervisors, and the mail to
the managers' lists on the first business day of the month after the quarter, once.
docs/decisions/0023-callbacks-and-business-calendars.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from frontdesk.app.ports import Calendars, Mailer, MailRefused, QuarterReads, Sent, Sites, members_of
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock as Time
from frontdesk.domain import quarterly as rules
from frontdesk.models.escalation import DEPARTMENT_MANAGERS_LIST, MANAGER_LIST
from frontdesk.models.quarterly import QuarterlyAnalysis
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import quarterly as notices

# Who is mailed the analysis: the centre's managers and the engineering managers (repairs redone).
MAILED_LISTS: Final = (MANAGER_LIST, DEPARTMENT_MANAGERS_LIST)


@dataclass
class QuarterlyMailed:
    sent: list[str] = field(default_factory=list)  # "<site> <quarter>"
    empty: list[str] = field(default_factory=list)  # no member on the lists: marked, nobody to tell
    refused: list[str] = field(default_factory=list)  # an address refused for good (the others were sent)


@dataclass(frozen=True)
class QuarterlyDesk:
    records: QuarterReads
    sites: Sites
    calendars: Calendars
    sent: Sent
    mailer: Mailer
    clock: Time
    base_url: str

    def analysis(self, site_id: str, quarter: str, actor: Actor) -> QuarterlyAnalysis:
        return self._analyse(staff_site(self.sites, site_id, actor, "quarterly"), quarter)

    def csv(self, site_id: str, quarter: str, actor: Actor) -> str:
        return notices.csv_text(self.analysis(site_id, quarter, actor))

    def _analyse(self, site: Site, quarter: str) -> QuarterlyAnalysis:
        start, end = rules.instants(quarter, site.timezone)
        tickets = self.records.tickets_on(site.site_id, rules.days(quarter))
        callbacks = self.records.concluded_between(site.site_id, start, end)
        return rules.analyse(site.site_id, quarter, tickets, callbacks)

    def mail_due(self) -> QuarterlyMailed:
        """Each site's analysis of the quarter just ended, mailed once on (or after) the first business
        day of the following month: sent, then marked."""
        outcome = QuarterlyMailed()
        now = self.clock.now()
        for site in self.sites.all():
            quarter = rules.due_for_mail(now, self.calendars.calendar(site.site_id))
            subject_key, key = f"SITE#{site.site_id}", f"quarterly#{quarter}"
            if quarter is None or self.sent.was_sent(subject_key, key):
                continue
            members = members_of(self.sent, site.site_id, MAILED_LISTS)
            if members:
                mail = notices.analysis_mail(site, self._analyse(site, quarter), self.base_url)
                try:
                    self.mailer.send(members, mail.subject, mail.body)
                except MailRefused:  # a retry cannot help: recorded, and marked like the rest
                    outcome.refused.append(f"{site.site_id} {quarter}")
                outcome.sent.append(f"{site.site_id} {quarter}")
            else:
                outcome.empty.append(f"{site.site_id} {quarter}")
            self.sent.mark_sent(subject_key, key)
        return outcome
