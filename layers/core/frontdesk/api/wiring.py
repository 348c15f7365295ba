"""Builds the service from settings once per container; handlers only ask for it."""

from __future__ import annotations

from functools import cache

from frontdesk import sla_wiring
from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.app.tickets import Desk
from frontdesk.clock import SystemClock
from frontdesk.settings import settings


@cache
def desk() -> Desk:
    tickets_table = table(settings().table_name)
    return Desk(TicketStore(tickets_table), SiteStore(tickets_table), SystemClock(), sla_wiring.planner())


def tracking_url(token: str) -> str:
    base = settings().public_base_url.rstrip("/")
    return f"{base}/track#{token}" if base else f"track#{token}"
