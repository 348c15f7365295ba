"""Service-level deadlines (000 §3.1, §3.3): arrival by building class, completion, same-day reply."""

from __future__ import annotations

from datetime import datetime, timedelta

from frontdesk.clock import deadline_iso, end_of_local_day
from frontdesk.models.site import DEFAULT_ARRIVAL_MINUTES, Building, Site


def arrival_minutes(site: Site, building: Building) -> int:
    return site.arrival_minutes.get(building.building_class, DEFAULT_ARRIVAL_MINUTES[building.building_class])


def arrival_due(site: Site, building: Building, dispatched_at: datetime) -> str:
    return deadline_iso(dispatched_at + timedelta(minutes=arrival_minutes(site, building)))


def completion_due(site: Site, started_at: datetime) -> str:
    """Work left open longer than this goes to the department and engineering managers."""
    return deadline_iso(started_at + timedelta(hours=site.completion_hours))


# The longest reply time the desk may agree with a client (a written reply approved by the manager).
MAX_AGREED_REPLY = timedelta(days=14)


def reply_due(site: Site, received_at: datetime) -> str:
    """Complaints and inquiries are reported back to the client the same (site-local) day."""
    return deadline_iso(end_of_local_day(received_at, site.timezone))
