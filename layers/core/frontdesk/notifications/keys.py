"""What a late emergency key says in mail: bilingual (zh-CN, then en), the unit, who took it, how late."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.keys import KeyUse
from frontdesk.models.site import Site
from frontdesk.notifications.messages import Mail, duration, local_time


def overdue_mail(use: KeyUse, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    building = site.building(use.building_id)

    def params(language: str) -> dict[str, Any]:
        name = (
            (building.name_en or building.name)
            if building and language == "en"
            else (building.name if building else "")
        )
        return {
            "place": " ".join(part for part in (name or use.building_id, use.unit) if part),
            "level": level,
            "taken_by": use.taken_by,
            "taken": local_time(use.taken_at, site.timezone),
            "due": local_time(use.return_due, site.timezone),
            "timezone": site.timezone,
            "late": duration(late_seconds, language),
            "link": f"{base_url.rstrip('/')}/staff",
        }

    subject = " / ".join(message("keys.overdue.subject", lang, **params(lang)) for lang in LANGUAGES)
    body = "\n\n".join(message("keys.overdue.body", lang, **params(lang)) for lang in LANGUAGES)
    return Mail(subject=subject, body=body + "\n")
