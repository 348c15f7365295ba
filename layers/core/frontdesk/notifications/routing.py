"""The mail the staff named at intake get (000 §3.3c, §3.4-3.8): a serious complaint, one for company
leadership, an emergency. Bilingual like every staff mail (the desk's language first, English below),
with what they must know to act: what, where, who is concerned, occupants with disabilities on a
fire, the client's phone (masked) and the link to the ticket."""

from __future__ import annotations

from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket
from frontdesk.models.views import mask_phone
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import DESCRIPTION_IN_MAIL, Mail, local_time, shorten


def _line(label: str, value: str, language: str) -> str:
    return "\n" + message("routing.mail.line", language, label=message(label, language), value=value)


def _extra(ticket: Ticket, language: str) -> str:
    lines = []
    if ticket.department_concerned is not None:
        department = message(f"department.{ticket.department_concerned.value}", language)
        lines.append(_line("staff.field.department_concerned", department, language))
    if ticket.concerning:
        lines.append(_line("staff.field.concerning", ticket.concerning, language))
    if ticket.disabled_occupants:
        occupants = message(f"occupants.{ticket.disabled_occupants.value}", language)
        lines.append(_line("staff.field.disabled_occupants", occupants, language))
    return "".join(lines)


def routing_mail(ticket: Ticket, site: Site, reason: str, mailing_list: str, base_url: str) -> Mail:
    def params(language: str) -> dict[str, str]:
        return {
            "what": message(f"routing.what.{reason}", language),
            "number": ticket.number,
            "at": local_time(ticket.created_at, site.timezone),
            "timezone": site.timezone,
            "mailing_list": mailing_list,
            "category": message(f"category.{ticket.kind.value}.{ticket.category}", language),
            "building": site.building_name_in(ticket.building_id, language),
            "place": ticket.unit or ticket.location or message("place.public_area", language),
            "extra": _extra(ticket, language),
            "phone": mask_phone(ticket.contact.phone) or message("common.none", language),
            "description": shorten(ticket.description, DESCRIPTION_IN_MAIL),
            "link": staff_link(base_url, StaffView.TICKET, ticket.ticket_id),
        }

    each = [params(language) for language in LANGUAGES]
    subject = " / ".join(message("routing.mail.subject", lang, **p) for lang, p in zip(LANGUAGES, each, strict=True))
    body = "\n\n".join(message("routing.mail.body", lang, **p) for lang, p in zip(LANGUAGES, each, strict=True))
    return Mail(subject=subject, body=body + "\n")
