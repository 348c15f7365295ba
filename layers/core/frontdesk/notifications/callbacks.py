"""What a missed callback says to the rung's mailing list: bilingual (zh-CN, then en), the ticket's
number, the reason of the callback, how late it is, and the link to the console's callback queue."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import LANGUAGES, message, supported
from frontdesk.models.callback import Callback
from frontdesk.models.ticket import Ticket
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import Mail, duration, local_time


def missed_mail(callback: Callback, late_seconds: int, timezone: str, base_url: str) -> Mail:
    link = staff_link(base_url, StaffView.CALLBACKS, callback.site_id)
    parts: list[str] = []
    subjects: list[str] = []
    for language in LANGUAGES:
        params: dict[str, Any] = {
            "number": callback.ticket_number,
            "reason": message(f"callback.reason.{callback.reason.value}", language),
            "due": local_time(callback.due, timezone),
            "late": duration(late_seconds, language),
            # a drawn top 3 waits for a supervisor to assign it: the mail says nobody has it yet
            "assignee": callback.assignee or message("callback.unassigned", language),
            "link": link,
        }
        subjects.append(message("callback.mail.subject", language, **params))
        parts.append(message("callback.mail.body", language, **params))
    return Mail(subject=" / ".join(subjects), body="\n\n".join(parts) + "\n")


def survey_mail(ticket: Ticket, link: str) -> Mail:
    """To the tenant who left an address, in their language: the survey is on the tracking page."""
    language = supported(ticket.language)
    return Mail(
        subject=message("survey.mail.subject", language, number=ticket.number),
        body=message("survey.mail.body", language, number=ticket.number, link=link) + "\n",
    )


def alert(callback: Callback, level: int, mailing_list: str, late_seconds: int) -> dict[str, Any]:
    """The escalation topic's message: ids and numbers only (it may become an SMS)."""
    return {
        "type": "callback_escalation",
        "callback_id": callback.callback_id,
        "ticket_id": callback.ticket_id,
        "number": callback.ticket_number,
        "site_id": callback.site_id,
        "reason": callback.reason.value,
        "level": level,
        "mailing_list": mailing_list,
        "deadline": callback.due,
        "late_seconds": late_seconds,
    }
