"""The quarterly callback analysis (001 p11 §4.6): a page and a CSV for supervisors, and the mail to
the managers' lists on the first business day of the month after the quarter, once.
docs/decisions/0023-callbacks-and-business-calendars.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Final

from frontdesk.app.mail_once import Delivery, MailOnce
from frontdesk.app.ports import Calendars, QuarterReads, Sites
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock as Time
from frontdesk.domain import quarterly as rules
from frontdesk.models.escalation import DEPARTMENT_MANAGERS_LIST, MANAGER_LIST
from frontdesk.models.quarterly import QuarterlyAnalysis
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import quarterly as notices
from frontdesk.notifications.messages import Mail

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
    mail: MailOnce
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
            if quarter is None:
                continue
            compose = partial(self._mail, site, quarter)
            delivery = self.mail.send(
                f"SITE#{site.site_id}", f"quarterly#{quarter}", site.site_id, MAILED_LISTS, compose
            )
            done = f"{site.site_id} {quarter}"
            if delivery is Delivery.EMPTY:
                outcome.empty.append(done)
            elif delivery is not Delivery.ALREADY:
                outcome.sent.append(done)  # a refused address too: the others were sent
            if delivery is Delivery.REFUSED:
                outcome.refused.append(done)
        return outcome

    def _mail(self, site: Site, quarter: str) -> Mail:
        return notices.analysis_mail(site, self._analyse(site, quarter), self.base_url)
