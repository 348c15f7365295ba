"""What the weekly duty summary says in mail: bilingual (zh-CN, then en), the week's entries by
category, what is open, the keys used, the parcels and the handovers late (000 §3.9g-h)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.clock import parse_iso
from frontdesk.i18n import message
from frontdesk.models.duty_summary import DutySummary
from frontdesk.models.site import Site
from frontdesk.notifications.links import staff_link
from frontdesk.notifications.messages import Mail, bilingual_mail, local_time, site_name


def summary_mail(summary: DutySummary, site: Site, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        categories = [
            message("duty.summary.category", language, category=message(f"duty.category.{c.value}", language), n=n)
            for c, n in summary.by_category.items()
        ]
        pages = (", " if language == "en" else "、").join(summary.late_pages)
        return {
            **summary.model_dump(exclude={"by_category", "late_pages", "starts_at", "ends_at"}),
            "site": site_name(site, language),
            "start": local_time(summary.starts_at, site.timezone)[:10],
            "end": _last_day(summary.ends_at, site.timezone),
            "timezone": site.timezone,
            "categories": "\n".join(categories) or message("duty.summary.no_entries", language),
            "late_pages": message("duty.summary.late_pages", language, pages=pages) if pages else "",
            "link": staff_link(base_url),
        }

    return bilingual_mail("duty.summary.subject", "duty.summary.body", params)


def _last_day(ends_at: str, timezone: str) -> str:
    """The week's Sunday: the day before the site-local midnight it ends at."""
    return (parse_iso(ends_at).astimezone(ZoneInfo(timezone)) - timedelta(days=1)).date().isoformat()
