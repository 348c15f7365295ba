"""What a late handover says in mail: bilingual (zh-CN, then en), the page, the shift change, how late."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import message
from frontdesk.models.duty import Handover
from frontdesk.models.site import Site
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import Mail, bilingual_mail, duration, local_time


def overdue_mail(handover: Handover, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "page": handover.page_id,
            "level": level,
            "change": local_time(handover.shift_change_at, site.timezone),
            "due": local_time(handover.due_at, site.timezone),
            "timezone": site.timezone,
            "late": duration(late_seconds, language),
            "state": message(f"duty.handover.state.{handover.state.value}", language),
            "link": staff_link(base_url, StaffView.DUTY, handover.page_id),
        }

    return bilingual_mail("duty.handover.overdue.subject", "duty.handover.overdue.body", params)
