"""The duty roster (值班表, docs/decisions/0024): read by staff, edited by managers; who is on duty at a
moment (for the rungs that name "the duty manager on shift"); the reminder on the 25th.

- ``RosterDesk``: a month of a site, read or replaced whole (over the version read). The people
  are checked against the user pool (the site's staff, in the right roles) as the month is saved,
  and their names and addresses kept with it.
- ``OnShift``: whom a rung naming a role on duty reaches at the moment it fires — the person on the
  roster then, or the rung's own list when nobody is (and why).
- ``RosterReminder`` (scheduled): from the 25th, each site whose next month is incomplete has its
  managers' list told, once per site and month (sent, then marked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Final

from aws_lambda_powertools import Logger

from frontdesk.app.mail_once import Delivery, MailOnce
from frontdesk.app.ports import AllSites, RosterLookup, RosterRecords, SiteLookup, StaffDirectory
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock
from frontdesk.domain import duty_roster
from frontdesk.domain.duty_roster import RungTarget
from frontdesk.models.duty_roster import RosterIn, RosterView
from frontdesk.models.on_duty import OnDutyRole
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Role
from frontdesk.notifications import duty_roster as notices

logger = Logger(child=True)
REMINDED: Final = "incomplete"


@dataclass(frozen=True)
class RosterDesk:
    records: RosterRecords
    sites: SiteLookup
    directory: StaffDirectory
    clock: Clock

    def view(self, site_id: str, month: str, actor: Actor) -> RosterView:
        site = staff_site(self.sites, site_id, actor, "roster")
        return duty_roster.view(site, month, self.records.roster(site_id, month))

    def save(self, site_id: str, month: str, request: RosterIn, actor: Actor) -> RosterView:
        site = staff_site(self.sites, site_id, actor, "edit_roster")
        stored = self.records.roster(site_id, month)
        # everyone, so a person in the wrong role is told so rather than "unknown"
        people = self.directory.people(list(Role))
        roster = duty_roster.edited(site_id, month, request, stored, people, actor.id, self.clock.now())
        self.records.save(roster, stored.version if stored else 0)
        return duty_roster.view(site, month, roster)


@dataclass(frozen=True)
class OnShift:
    rosters: RosterLookup

    def target(self, site: Site, role: OnDutyRole | None, moment: datetime) -> RungTarget | None:
        """None for a rung that names a fixed list; else the person on duty at ``moment`` (or why not)."""
        if role is None:
            return None
        roster = self.rosters.roster(site.site_id, duty_roster.roster_month(site, moment))
        return duty_roster.rung_target(role, duty_roster.on_duty(roster, site, moment))


def recipients(target: RungTarget | None, members: Sequence[str]) -> list[str]:
    """The person on duty's address, or the rung's list when it names none (or nobody is on duty)."""
    if target is not None and target.person is not None and target.fallback is None:
        return [target.person.email]
    return sorted(members)


@dataclass
class ReminderReport:
    told: list[str] = field(default_factory=list)  # "<site> <month>"
    complete: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RosterReminder:
    sites: AllSites
    rosters: RosterLookup
    mail: MailOnce
    clock: Clock
    base_url: str

    def run(self) -> ReminderReport:
        report = ReminderReport()
        now = self.clock.now()
        for site in self.sites.all():
            month = duty_roster.reminder_month(site, now)
            if month is None:
                continue
            gaps = duty_roster.missing(self.rosters.roster(site.site_id, month), month)
            if not gaps:
                report.complete.append(f"{site.site_id} {month}")
                continue
            delivery = self.mail.send(
                f"ROSTER#{site.site_id}#{month}",
                REMINDED,
                site.site_id,
                [duty_roster.REMINDER_LIST],
                partial(notices.incomplete_mail, site, month, len(gaps), self.base_url),
            )
            if delivery is Delivery.ALREADY:
                continue
            if delivery is Delivery.REFUSED:
                logger.warning("a managers' address was refused", extra={"site_id": site.site_id})
            elif delivery is Delivery.EMPTY:
                logger.warning("nobody on the managers' list to tell", extra={"site_id": site.site_id})
            report.told.append(f"{site.site_id} {month}")
        return report
