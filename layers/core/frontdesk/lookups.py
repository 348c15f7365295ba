"""Loading what a request names, or refusing with 404: one wording for every service."""

from __future__ import annotations

from typing import Protocol

from frontdesk.domain.errors import NotFound
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket


class SiteGetter(Protocol):
    def get(self, site_id: str) -> Site | None: ...


class TicketGetter(Protocol):
    def get(self, ticket_id: str) -> Ticket | None: ...


def require_site(sites: SiteGetter, site_id: str) -> Site:
    site = sites.get(site_id)
    if site is None:
        raise NotFound(field="site_id", code="site_not_found")
    return site


def require_ticket(tickets: TicketGetter, ticket_id: str) -> Ticket:
    ticket = tickets.get(ticket_id)
    if ticket is None:
        raise NotFound(field="ticket_id", code="ticket_not_found")
    return ticket
