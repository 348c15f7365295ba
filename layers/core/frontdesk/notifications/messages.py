"""What an escalation says, to whom: pure formatting from the message catalogues.

- staff mail: bilingual (zh-CN, then en), ticket number, building, unit, what is late by how much, a link;
- a digest: many tickets of one site escalated to one list at once, a line each (docs/decisions/0026);
- tenant notice: in the ticket's language, short, no staff names;
- the alert on the site's escalation topic: ids and numbers only (it may become an SMS: no personal data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from frontdesk.clock import parse_iso
from frontdesk.i18n import LANGUAGES, message, supported
from frontdesk.models.escalation import Phase
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.models.views import mask_phone
from frontdesk.notifications.links import StaffView, staff_link

# How much of the tenant's words an escalation mail quotes: enough to act on, the rest is on the ticket.
DESCRIPTION_IN_MAIL: Final = 140


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def duration(seconds: int, language: str) -> str:
    if seconds < 60:
        return message("duration.under_a_minute", language)
    minutes = seconds // 60
    if minutes < 120:
        return message("duration.minutes", language, n=minutes)
    return message("duration.hours", language, h=minutes // 60, m=minutes % 60)


def local_time(iso: str, timezone: str) -> str:
    return parse_iso(iso).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _tenant_language(ticket: Ticket) -> str:
    return supported(ticket.language)


def acknowledgement_mail(ticket: Ticket, link: str) -> Mail:
    """To the tenant who left an address, in their language: the number and where to follow it."""
    language = _tenant_language(ticket)
    params = {
        "number": ticket.number,
        "kind": message(f"kind.{ticket.kind.value}", language),
        "category": message(f"category.{ticket.kind.value}.{ticket.category}", language),
        "link": link,
    }
    return Mail(
        subject=message("acknowledgement.subject", language, **params),
        body=message("acknowledgement.body", language, **params) + "\n",
    )


def reply_mail(ticket: Ticket, text: str, link: str) -> Mail:
    """The desk's reply, in the tenant's language, with the page where they can answer it."""
    language = _tenant_language(ticket)
    return Mail(
        subject=message("reply_mail.subject", language, number=ticket.number),
        body=message("reply_mail.body", language, number=ticket.number, text=text, link=link) + "\n",
    )


def unfinished_mail(ticket: Ticket, link: str) -> Mail:
    """The end of the day came before the work was done: it goes on tomorrow (000 §3.1d)."""
    language = _tenant_language(ticket)
    return Mail(
        subject=message("unfinished_mail.subject", language, number=ticket.number),
        body=message("unfinished_mail.body", language, number=ticket.number, link=link) + "\n",
    )


def apology_mail(event: TimelineEvent, link: str) -> Mail:
    """The apology letter as filled in and recorded (the event ``apology``), in its own language."""
    language = event.detail.get("language", LANGUAGES[0])
    footer = message("apology_mail.footer", language, link=link)
    return Mail(subject=event.detail["letter_subject"], body=f"{event.detail['letter']}\n\n{footer}\n")


def duplicate_mail(ticket: Ticket, primary_number: str, link: str) -> Mail:
    """The tenant's report is the same matter as another ticket: it is followed there."""
    language = _tenant_language(ticket)
    params = {"number": ticket.number, "primary": primary_number, "link": link}
    return Mail(
        subject=message("duplicate_mail.subject", language, **params),
        body=message("duplicate_mail.body", language, **params) + "\n",
    )


def _building_name(site: Site, building_id: str, language: str) -> str:
    building = site.building(building_id)
    if building is None:
        return building_id
    return (building.name_en or building.name) if language == "en" else building.name


def bilingual_mail(subject_key: str, body_key: str, params: Callable[[str], dict[str, Any]]) -> Mail:
    """One mail in every language (zh-CN, then en): the subjects joined by " / ", the bodies by a blank line."""
    subject = " / ".join(message(subject_key, lang, **params(lang)) for lang in LANGUAGES)
    body = "\n\n".join(message(body_key, lang, **params(lang)) for lang in LANGUAGES)
    return Mail(subject=subject, body=body + "\n")


def site_name(site: Site, language: str) -> str:
    return (site.name_en or site.name) if language == "en" else site.name


def place(site: Site, building_id: str, unit: str, language: str) -> str:
    """A unit as a mail names it: the building's name in ``language`` (else its id), then the unit."""
    return " ".join(part for part in (_building_name(site, building_id, language) or building_id, unit) if part)


def _params(ticket: Ticket, event: TimelineEvent, site: Site, base_url: str, language: str) -> dict[str, Any]:
    phase = Phase(event.detail["phase"])
    return {
        "number": ticket.number,
        "level": event.detail["level"],
        "mailing_list": event.detail["mailing_list"],
        "what": message(f"escalation.what.{phase.value}", language),
        "building": site.building_name_in(ticket.building_id, language),
        "place": ticket.unit or ticket.location or message("place.public_area", language),
        "due": local_time(event.detail["deadline"], site.timezone),
        "timezone": site.timezone,
        "late": duration(int(event.detail["late_seconds"]), language),
        "link": staff_link(base_url, StaffView.TICKET, ticket.ticket_id),
        "category": message(f"category.{ticket.kind.value}.{ticket.category}", language),
        "assignee": _assignee(ticket, language),
        "phone": mask_phone(ticket.contact.phone) or message("common.none", language),
        "description": shorten(ticket.description, DESCRIPTION_IN_MAIL),
    }


def _assignee(ticket: Ticket, language: str) -> str:
    if ticket.assignment is None:
        return message("escalation.unassigned", language)
    department = message(f"department.{ticket.assignment.department.value}", language)
    return message("escalation.assignee", language, name=ticket.assignment.assignee, department=department)


def shorten(text: str, limit: int) -> str:
    """The first ``limit`` characters of one line, marked … when cut (a mail is read at a glance)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def staff_mail(ticket: Ticket, event: TimelineEvent, site: Site, base_url: str) -> Mail:
    """One bilingual message: the desk's working language first, English below it."""
    parts = [_params(ticket, event, site, base_url, language) for language in LANGUAGES]
    subject = " / ".join(
        message("escalation.mail.subject", language, **params)
        for language, params in zip(LANGUAGES, parts, strict=True)
    )
    body = "\n\n".join(
        message("escalation.mail.body", language, **params) for language, params in zip(LANGUAGES, parts, strict=True)
    )
    return Mail(subject=subject, body=body + "\n")


def digest_mail(site: Site, rungs: Sequence[tuple[Ticket, TimelineEvent]], base_url: str) -> Mail:
    """Many tickets of one site escalated to one list at once: one bilingual mail, a line each."""
    mailing_list = rungs[0][1].detail["mailing_list"]
    subjects, bodies = [], []
    for language in LANGUAGES:
        name = site.name_in(language)
        lines = "\n".join(
            message("escalation.digest.line", language, **_params(ticket, event, site, base_url, language))
            for ticket, event in rungs
        )
        told = {"site": name, "count": len(rungs), "mailing_list": mailing_list}
        subjects.append(message("escalation.digest.subject", language, **told))
        bodies.append(message("escalation.digest.body", language, lines=lines, **told))
    return Mail(subject=" / ".join(subjects), body="\n\n".join(bodies) + "\n")


def tenant_mail(ticket: Ticket, event: TimelineEvent, site: Site) -> Mail:
    language = _tenant_language(ticket)
    phase = Phase(event.detail["phase"])
    due = local_time(event.detail["deadline"], site.timezone)
    return Mail(
        subject=message("escalation.tenant.subject", language, number=ticket.number),
        body=message(f"escalation.tenant.{phase.value}", language, number=ticket.number, due=due) + "\n",
    )


def alert(ticket: Ticket, event: TimelineEvent) -> tuple[dict[str, Any], dict[str, str]]:
    """The escalation topic's message body and its attributes (for subscription filter policies)."""
    body = {
        "type": "escalation",
        "ticket_id": ticket.ticket_id,
        "number": ticket.number,
        "site_id": ticket.site_id,
        "building_id": ticket.building_id,
        "phase": event.detail["phase"],
        "level": int(event.detail["level"]),
        "mailing_list": event.detail["mailing_list"],
        "deadline": event.detail["deadline"],
        "late_seconds": int(event.detail["late_seconds"]),
        "at": event.at,
    }
    attributes = {"site_id": ticket.site_id, "phase": event.detail["phase"], "level": event.detail["level"]}
    return body, attributes
