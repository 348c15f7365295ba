"""Who is told at intake, and the site's emergency call list (frontdesk.domain.routing).

``IntakeRouting`` runs on the stream: the notice written with the ticket (``NOTICE#route``) is
mailed to each list once, whatever the number of deliveries — sent, then marked
(``NOTIFIED#INTAKE#<list>``), as the acknowledgement and the escalations are — then the ticket's
timeline records who was told (once, under a marker) and the notice is forgotten.

``EmergencyCallDesk`` is the staff API's: the desk reads a site's call list, a manager replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Final

from frontdesk.app.mail_once import Delivery, MailOnce
from frontdesk.app.ports import EmergencyCallRecords, SiteLookup, TicketSystemChanges, existing, require_site
from frontdesk.clock import Clock, to_iso
from frontdesk.domain import routing
from frontdesk.domain.errors import ErrorCode, VersionConflict
from frontdesk.domain.lifecycle import Change
from frontdesk.domain.remarks import remarked
from frontdesk.models.routing import EmergencyCallList, EmergencyCalls
from frontdesk.models.ticket import Actor, ActorKind, Ticket
from frontdesk.notifications.routing import routing_mail

ROUTER: Final = Actor(kind=ActorKind.SYSTEM, id="router")
MAX_RECORD_ATTEMPTS: Final = 5


@dataclass
class Routed:
    """What one delivery did, per list (for logs and the timeline; no addresses in it)."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def add(self, name: str, delivery: Delivery) -> None:
        lists = {Delivery.SENT: self.sent, Delivery.ALREADY: self.already, Delivery.EMPTY: self.empty}
        lists.get(delivery, self.refused).append(name)


@dataclass(frozen=True)
class IntakeRouting:
    tickets: TicketSystemChanges
    mail: MailOnce
    sites: SiteLookup
    calls: EmergencyCallRecords
    clock: Clock
    base_url: str

    def route(self, ticket_id: str) -> Routed:
        ticket = existing(self.tickets.get(ticket_id), f"ticket {ticket_id}")
        site = existing(self.sites.get(ticket.site_id), f"site {ticket.site_id}")
        reason = routing.reason(ticket)
        outcome = Routed()
        subject_key = f"TICKET#{ticket_id}"
        for name in routing.lists(ticket, self.calls.calls(ticket.site_id)) if reason else ():
            compose = partial(routing_mail, ticket, site, reason, name, self.base_url)
            # nobody on a list: on the timeline, so the desk phones them instead
            outcome.add(name, self.mail.send(subject_key, f"INTAKE#{name}", ticket.site_id, [name], compose))
        if reason:
            self._record(ticket_id, reason, outcome)
        self.tickets.forget_notice(ticket_id, routing.ROUTED)
        return outcome

    def _record(self, ticket_id: str, reason: str, outcome: Routed) -> None:
        """Who was told at intake, on the ticket's timeline once (an earlier delivery's record stands)."""
        detail = {
            "routed_for": reason,
            "told": ", ".join([*outcome.already, *outcome.sent]),
            "no_address": ", ".join(outcome.empty),
            "refused": ", ".join(outcome.refused),
        }
        at = to_iso(self.clock.now())
        for _ in range(MAX_RECORD_ATTEMPTS):
            ticket = existing(self.tickets.get(ticket_id), f"ticket {ticket_id}")
            try:
                self.tickets.record_system_change(_routed(ticket, at, detail), ticket.version, "INTAKE_ROUTED")
                return
            except VersionConflict:
                continue  # a person changed the ticket in between: read it again
        raise VersionConflict(field="version", code=ErrorCode.VERSION_CONFLICT)


def _routed(ticket: Ticket, at: str, detail: dict[str, str]) -> Change:
    return remarked(ticket, ROUTER, routing.ROUTED, at, {k: v for k, v in detail.items() if v})


@dataclass(frozen=True)
class EmergencyCallDesk:
    records: EmergencyCallRecords
    sites: SiteLookup

    def read(self, site_id: str, actor: Actor) -> EmergencyCallList:
        routing.check_may_read_calls(actor)
        require_site(self.sites, site_id)
        stored = self.records.stored(site_id)
        return _view(site_id, stored or self.records.calls(site_id), stored is None)

    def replace(self, site_id: str, calls: EmergencyCalls, actor: Actor) -> EmergencyCallList:
        routing.check_may_edit_calls(actor)
        require_site(self.sites, site_id)
        self.records.put(site_id, calls)
        return _view(site_id, calls, False)


def _view(site_id: str, calls: EmergencyCalls, default: bool) -> EmergencyCallList:
    return EmergencyCallList(
        site_id=site_id, calls={name: list(roles) for name, roles in calls.calls.items()}, default=default
    )
