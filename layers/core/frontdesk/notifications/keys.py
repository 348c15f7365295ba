"""What the emergency key register says in mail: bilingual (zh-CN, then en). A late key (the unit, who
took it, how late), a client not told after an override, a cabinet audit not filed on the 28th."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frontdesk.i18n import message
from frontdesk.models.key_audit import KeyAudit
from frontdesk.models.keys import KeyUse
from frontdesk.models.site import Site
from frontdesk.notifications.links import staff_link
from frontdesk.notifications.messages import Mail, bilingual_mail, duration, local_time, place, site_name


def _use_params(
    use: KeyUse, site: Site, due: str, level: int, late_seconds: int, base_url: str
) -> Callable[[str], dict[str, Any]]:

    def params(language: str) -> dict[str, Any]:
        return {
            "place": place(site, use.building_id, use.unit, language),
            "level": level,
            "taken_by": use.taken_by,
            "taken": local_time(use.taken_at, site.timezone),
            "due": local_time(due, site.timezone),
            "timezone": site.timezone,
            "late": duration(late_seconds, language),
            "link": staff_link(base_url),
        }

    return params


def overdue_mail(use: KeyUse, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    return bilingual_mail(
        "keys.overdue.subject",
        "keys.overdue.body",
        _use_params(use, site, use.return_due, level, late_seconds, base_url),
    )


def untold_mail(use: KeyUse, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    """After an override, nobody has recorded that the client was told."""
    due = use.tell_due or use.return_due
    return bilingual_mail(
        "keys.untold.subject", "keys.untold.body", _use_params(use, site, due, level, late_seconds, base_url)
    )


def audit_overdue_mail(audit: KeyAudit, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "site": site_name(site, language),
            "month": audit.month,
            "level": level,
            "state": message(f"keys.audit.state.{audit.state.value}", language),
            "due": local_time(audit.due, site.timezone),
            "timezone": site.timezone,
            "late": duration(late_seconds, language),
            "link": staff_link(base_url),
        }

    return bilingual_mail("keys.audit.overdue.subject", "keys.audit.overdue.body", params)
