"""The monthly key-cabinet audit (004 QW21-04 §4.5.6): opened with its clock on the 25th of each
month for every site that has keys (the scheduled run), started by the desk on the 25th–27th, each
key checked once, the result filed with its discrepancies by the 28th; not filed, the clock mails
the managers (docs/decisions/0024)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from frontdesk.app.ports import Calendars, ClockPlanning, KeyAuditRecords, KeyRecords, Sites, require_site
from frontdesk.app.rung_mail import Compose
from frontdesk.clock import Clock
from frontdesk.domain import key_audit as rules
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.keys import check_may_use
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import SubjectType
from frontdesk.models.key_audit import CheckKey, FileAudit, KeyAudit, KeyAuditView
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import keys as messages
from frontdesk.notifications.messages import Mail


@dataclass(frozen=True)
class KeyAuditDesk:
    records: KeyAuditRecords
    keys: KeyRecords
    sites: Sites
    calendars: Calendars
    planner: ClockPlanning
    clock: Clock

    def read(self, site_id: str, month: str, actor: Actor) -> KeyAuditView:
        """The month's audit; before it is opened, the pending one (nothing written)."""
        check_may_use(actor)
        require_site(self.sites, site_id)
        found = self.records.get(site_id, month)
        return rules.view(found or rules.due_audit(site_id, month, self.calendars.calendar(site_id)))

    def start(self, site_id: str, month: str, actor: Actor) -> KeyAuditView:
        require_site(self.sites, site_id)
        found = self.records.get(site_id, month)
        now = self.clock.now()
        calendar = self.calendars.calendar(site_id)
        started = rules.start(found, site_id, month, self.keys.keys(site_id), calendar, actor, now)
        return self._save(started, found.version if found else 0, now)

    def check(self, site_id: str, month: str, command: CheckKey, actor: Actor) -> KeyAuditView:
        audit = self._audit(site_id, month, actor)
        now = self.clock.now()
        return self._save(rules.check(audit, command, actor, now), audit.version, now)

    def file(self, site_id: str, month: str, command: FileAudit, actor: Actor) -> KeyAuditView:
        audit = self._audit(site_id, month, actor)
        now = self.clock.now()
        return self._save(rules.file(audit, command, actor, now), audit.version, now)

    def open_due(self) -> list[str]:
        """The scheduled run: on the 25th–27th, every site with keys gets its month's audit and its
        clock, once (the audits opened now, by id). A site without keys has nothing to audit."""
        now = self.clock.now()
        opened: list[str] = []
        for site in self.sites.all():
            calendar = self.calendars.calendar(site.site_id)
            month = rules.month_of(calendar, now)
            if not rules.in_window(calendar, now) or self.records.get(site.site_id, month) is not None:
                continue
            if not self.keys.keys(site.site_id):
                continue
            audit = rules.due_audit(site.site_id, month, calendar)
            self._save(audit, 0, now)
            opened.append(audit.audit_id)
        return opened

    def _save(self, audit: KeyAudit, previous_version: int, now: datetime) -> KeyAuditView:
        self.records.save(audit, previous_version, self._clocks(audit, now))
        return rules.view(audit)

    def _clocks(self, audit: KeyAudit, now: datetime) -> list[ClockWrite]:
        return self.planner.writes(SubjectType.KEY_AUDIT, audit.audit_id, audit.site_id, audit, now)

    def _audit(self, site_id: str, month: str, actor: Actor) -> KeyAudit:
        check_may_use(actor)
        found = self.records.get(site_id, month)
        if found is None:
            raise rules.KeyAuditNotFound(field="month")
        return found


def key_audit_mail(records: KeyAuditRecords, base_url: str) -> Compose:
    """What a rung of an audit not filed says (frontdesk.app.rung_mail mails it, once)."""

    def compose(clock: ClockItem, level: int, site: Site, late: int) -> Mail | None:
        # the subject is <site>-<month>
        audit = records.get(clock.site_id, clock.subject_id.removeprefix(f"{clock.site_id}-"))
        return messages.audit_overdue_mail(audit, site, level, late, base_url) if audit else None

    return compose
