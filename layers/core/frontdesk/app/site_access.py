"""A site's own records, reached by staff: who may act is checked before the site is looked up
(403 before 404), in one place for the desks that serve a site's settings and queues."""

from __future__ import annotations

from frontdesk.app.ports import SiteLookup, require_site
from frontdesk.domain.permissions import require_staff_to
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor


def staff_site(sites: SiteLookup, site_id: str, actor: Actor, action: str) -> Site:
    """The site, once ``actor`` is staff allowed ``action``."""
    require_staff_to(actor, action)
    return require_site(sites, site_id)
