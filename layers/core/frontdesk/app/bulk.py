"""Bulk actions of the desk: several tickets to one engineer, duplicates closed under one ticket.

Each ticket is its own transaction and its own outcome: one ticket refused (a stale version, the
wrong status, a closed one) is reported and never holds back the others (docs/decisions/0021).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from frontdesk.app.clocks import ClockPlanner
from frontdesk.app.ports import EngineerRoster, LinkedTickets, SiteLookup, TicketWrite, require_site, require_ticket
from frontdesk.clock import Clock
from frontdesk.domain import bulk, lifecycle
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.domain.permissions import may
from frontdesk.models import commands as cmd
from frontdesk.models.clock import SubjectType
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Ticket

# A primary written by someone else between our read and our write: read it again, this often.
PRIMARY_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    """What became of one ticket of a bulk request: the ticket as written, or why it was refused."""

    ticket_id: str
    action: str
    ticket: Ticket | None = None
    refused: DomainError | None = None


@dataclass(frozen=True)
class BulkDesk:
    tickets: LinkedTickets
    sites: SiteLookup
    clock: Clock
    clocks: ClockPlanner
    roster: EngineerRoster

    def assign(self, command: cmd.BulkAssign, actor: Actor) -> list[Outcome]:
        """Each ticket dispatched or reassigned to the engineer, each checked as one would be."""
        if not (may(actor, "dispatch") or may(actor, "reassign")):
            raise Forbidden(field="action", action="dispatch")
        rosters: dict[str, frozenset[str]] = {}  # one roster and one site read per site, not per ticket
        sites: dict[str, Site] = {}
        outcomes: list[Outcome] = []
        for ref in command.tickets:
            action = "dispatch"
            try:
                ticket = require_ticket(self.tickets, ref.ticket_id)
                action, one = bulk.assignment(ticket, command)
                if ticket.site_id not in sites:
                    sites[ticket.site_id] = require_site(self.sites, ticket.site_id)
                    rosters[ticket.site_id] = self.roster.engineers(ticket.site_id)
                site, engineers = sites[ticket.site_id], rosters[ticket.site_id]
                now = self.clock.now()
                change = lifecycle.apply(ticket, action, one, actor, site, now, engineers)
                self.tickets.save(change, ticket.version, self._clock_writes(change.ticket, now))
                outcomes.append(Outcome(ref.ticket_id, action, ticket=change.ticket))
            except DomainError as refused:
                outcomes.append(Outcome(ref.ticket_id, action, refused=refused))
        return outcomes

    def mark_duplicates(
        self, primary_id: str, command: cmd.MarkDuplicates, actor: Actor
    ) -> tuple[Ticket, list[Outcome]]:
        """Each ticket closed as a duplicate of the primary, which lists it, in one write per ticket;
        the primary as it ends up, and each ticket's outcome."""
        bulk.check_may_mark(actor)
        bulk.check_primary(require_ticket(self.tickets, primary_id))
        outcomes = [self._mark(primary_id, ref, command.note, actor) for ref in command.duplicates]
        return require_ticket(self.tickets, primary_id), outcomes

    def _mark(self, primary_id: str, ref: cmd.TicketRef, note: str, actor: Actor) -> Outcome:
        action = bulk.CLOSED_AS_DUPLICATE
        try:
            for _ in range(PRIMARY_ATTEMPTS):
                primary = require_ticket(self.tickets, primary_id)
                ticket = require_ticket(self.tickets, ref.ticket_id)
                now = self.clock.now()
                closed, listed = bulk.close_as_duplicate(ticket, primary, ref.version, note, actor, now)
                closed = replace(closed, notice=bulk.DUPLICATE_NOTICE if ticket.contact.email else "")
                try:
                    writes = self._clock_writes(closed.ticket, now)
                    self.tickets.save_linked(
                        TicketWrite(closed, ticket.version, writes), TicketWrite(listed, primary.version)
                    )
                except VersionConflict:
                    continue  # the primary or the duplicate moved: read both again (a stale duplicate is refused then)
                return Outcome(ref.ticket_id, action, ticket=closed.ticket)
            raise VersionConflict(field="primary", code=ErrorCode.VERSION_CONFLICT)
        except DomainError as refused:
            return Outcome(ref.ticket_id, action, refused=refused)

    def _clock_writes(self, ticket: Ticket, now: datetime) -> list[ClockWrite]:
        return self.clocks.writes(SubjectType.TICKET, ticket.ticket_id, ticket.site_id, ticket, now)
