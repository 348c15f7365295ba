"""The staff directory of a site, from the user pool: the people, their roles and how busy they are."""

from __future__ import annotations

from collections.abc import Collection

from frontdesk.app.ports import OpenTickets, SiteLookup, StaffDirectory, require_site
from frontdesk.domain import staffing
from frontdesk.domain.errors import Forbidden
from frontdesk.domain.permissions import may
from frontdesk.models.staff import People
from frontdesk.models.ticket import Actor, Role

# Enough for any site's open work; a site with more open tickets has a problem the directory cannot hide.
OPEN_TICKETS_READ = 1000


class StaffDesk:
    def __init__(self, directory: StaffDirectory, tickets: OpenTickets, sites: SiteLookup) -> None:
        self._directory = directory
        self._tickets = tickets
        self._sites = sites

    def people(self, site_id: str, actor: Actor, role: Role | None = None, q: str = "") -> People:
        if not may(actor, "people"):
            raise Forbidden(field="action", action="people")
        require_site(self._sites, site_id)
        everyone = self._directory.people(list(Role))
        open_tickets = self._tickets.open_by_deadline(site_id, OPEN_TICKETS_READ)
        return People(site_id=site_id, people=staffing.directory(everyone, site_id, open_tickets, role, q))

    def holding(self, site_id: str, roles: Collection[Role]) -> frozenset[str]:
        """The user names of the site's staff with any of ``roles`` (frontdesk.app.ports.SiteRoster)."""
        return staffing.holding(self._directory.people(list(roles)), site_id, roles)

    def engineers(self, site_id: str) -> frozenset[str]:
        """The user names a site's work may be given to (frontdesk.app.ports.EngineerRoster)."""
        return staffing.engineers(self._directory.people([Role.ENGINEER]), site_id)
