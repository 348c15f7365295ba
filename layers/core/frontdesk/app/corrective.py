"""The corrective-action desk (frontdesk.domain.corrective): a major complaint's report read, written
(or rewritten until verified) and verified, each with its clock in the same transaction; and what a
late report's rung says (frontdesk.app.rung_mail mails it to the rung's list, once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from frontdesk.app.ports import ClockPlanning, CorrectiveActionRecords, SiteLookup, TicketLookup, require_site
from frontdesk.app.ports import require_ticket as require_complaint
from frontdesk.app.rung_mail import Compose
from frontdesk.clock import Clock
from frontdesk.domain import corrective
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, NotFound
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import SubjectType
from frontdesk.models.corrective import (
    CorrectiveAction,
    CorrectiveActionView,
    VerifyCorrectiveAction,
    WriteCorrectiveAction,
)
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import corrective as messages
from frontdesk.notifications.messages import Mail


@dataclass(frozen=True)
class CorrectiveActionDesk:
    records: CorrectiveActionRecords
    tickets: TicketLookup
    sites: SiteLookup
    planner: ClockPlanning
    clock: Clock

    def read(self, ticket_id: str, actor: Actor) -> CorrectiveActionView:
        corrective.check_may_read(actor)
        ticket = require_complaint(self.tickets, ticket_id)
        return CorrectiveActionView(
            ticket_id=ticket_id, required=corrective.required(ticket), report=self.records.get(ticket_id)
        )

    def write(self, ticket_id: str, command: WriteCorrectiveAction, actor: Actor) -> CorrectiveActionView:
        ticket = require_complaint(self.tickets, ticket_id)
        existing = self.records.get(ticket_id)
        now = self.clock.now()
        site = require_site(self.sites, ticket.site_id)
        report = corrective.write(ticket, existing, command, site, actor, now)
        self.records.save(report, existing.version if existing else 0, self._clocks(report, now))
        return CorrectiveActionView(ticket_id=ticket_id, required=True, report=report)

    def verify(self, ticket_id: str, command: VerifyCorrectiveAction, actor: Actor) -> CorrectiveActionView:
        corrective.check_may_read(actor)
        existing = self.records.get(ticket_id)
        if existing is None:
            raise NotFound(field="ticket_id", code=ErrorCode.CORRECTIVE_NOT_FOUND)
        now = self.clock.now()
        report = corrective.verify(existing, command, actor, now)
        self.records.save(report, existing.version, self._clocks(report, now))
        return CorrectiveActionView(ticket_id=ticket_id, required=True, report=report)

    def _clocks(self, report: CorrectiveAction, now: datetime) -> list[ClockWrite]:
        return self.planner.writes(SubjectType.CORRECTIVE_ACTION, report.ticket_id, report.site_id, report, now)


def corrective_action_mail(records: CorrectiveActionRecords, base_url: str) -> Compose:
    """What a late corrective action's rung says."""

    def compose(clock: ClockItem, level: int, site: Site, late: int) -> Mail | None:
        report = records.get(clock.subject_id)
        return messages.overdue_mail(report, site, level, late, base_url) if report else None

    return compose
