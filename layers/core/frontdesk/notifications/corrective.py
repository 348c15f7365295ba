"""What a late corrective action says in mail (001 part 2): bilingual (zh-CN, then en), the complaint,
the action, its owner, the day it was due and how late it is."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.corrective import CorrectiveAction
from frontdesk.models.site import Site
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import Mail, duration, shorten


def overdue_mail(report: CorrectiveAction, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "number": report.number,
            "site": site.name_in(language),
            "level": level,
            "cause": shorten(report.cause, 300),
            "action": shorten(report.action, 300),
            "owner": report.owner,
            "due_date": report.due_date,
            "late": duration(late_seconds, language),
            "link": staff_link(base_url, StaffView.TICKET, report.ticket_id),
        }

    subject = " / ".join(message("corrective.overdue.subject", lang, **params(lang)) for lang in LANGUAGES)
    body = "\n\n".join(message("corrective.overdue.body", lang, **params(lang)) for lang in LANGUAGES)
    return Mail(subject=subject, body=body + "\n")
