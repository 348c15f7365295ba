"""Every link a mail or an answer carries, built in one place: the staff console opened on one of
its views (``/staff#<view>=<id>``: the fragments the console follows, their values checked by the
catalogue's patterns), and the tenant's no-login pages (``/track#<token>``, ``/survey#<token>``)."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote


class StaffView(StrEnum):
    """What a console link opens: the fragment's name."""

    TICKET = "ticket"
    REPORT = "report"  # an incident report
    DUTY = "duty"  # a duty-log page
    ROSTER = "roster"  # a month's duty roster
    CALLBACKS = "callbacks"  # a site's callback queue
    QUARTERLY = "quarterly"  # a site's quarterly analysis: <site>/<quarter>


class TenantPage(StrEnum):
    TRACK = "track"
    SURVEY = "survey"


def staff_link(base_url: str, view: StaffView | None = None, target: str = "") -> str:
    """The console on ``view``'s ``target`` (``…/staff#ticket=<id>``), or on its board with no view."""
    console = f"{base_url.rstrip('/')}/staff"
    return f"{console}#{view}={quote(target, safe='/')}" if view else console


def tenant_link(base_url: str, page: TenantPage, token: str) -> str:
    """A tenant's page for the token's ticket or unit (relative with no base: the API answer's case)."""
    base = base_url.rstrip("/")
    return f"{base}/{page}#{token}" if base else f"{page}#{token}"
