"""The apology letter (致歉信): owed by a complaint a manager judged valid and our fault (DOMAIN.md;
issue 11), filled in from the site's template and the complaint, then mailed to the client (once:
they left an address) or printed (as often as needed). Either is recorded on the complaint's
timeline, so a closed complaint shows whether the apology went out. Pure: no I/O, times passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from frontdesk.clock import to_iso
from frontdesk.domain.errors import ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.lifecycle import Change, Step, recorded
from frontdesk.domain.permissions import may, require_staff_to
from frontdesk.i18n import LANGUAGES, catalogue
from frontdesk.models.apology import PLACEHOLDER, ApologyTemplate, ApologyTemplates, SendApology
from frontdesk.models.site import Site
from frontdesk.models.ticket import TERMINAL, Actor, Kind, Ticket

ACTION: Final = "apology"
# The notice the stream router mails the letter on (frontdesk.app.escalations.TicketEscalations).
APOLOGY_NOTICE: Final = "apology"


def default_templates() -> ApologyTemplates:
    """The shipped letter, one per language, until a manager sets the site's own."""
    return ApologyTemplates(
        templates={
            language: ApologyTemplate(
                subject=catalogue(language)["apology.template.subject"],
                body=catalogue(language)["apology.template.body"],
            )
            for language in LANGUAGES
        }
    )


def owed(ticket: Ticket) -> bool:
    """A complaint judged valid and our fault owes its client an apology letter."""
    validity = ticket.validity
    return ticket.kind is Kind.COMPLAINT and validity is not None and validity.valid and validity.our_fault


def offered(ticket: Ticket, actor: Actor) -> list[str]:
    """The console's button: offered on an open complaint that owes the letter, to the desk."""
    return [ACTION] if owed(ticket) and ticket.status not in TERMINAL and may(actor, ACTION) else []


@dataclass(frozen=True)
class Letter:
    language: str
    subject: str
    body: str


def fill(template: ApologyTemplate, ticket: Ticket, site: Site, action: str, signatory: str, language: str) -> Letter:
    """The template with each placeholder replaced by the complaint's (or the sender's) words."""
    values = {
        "client": ticket.contact.name,
        "number": ticket.number,
        "date": ticket.local_day,
        "matter": ticket.description,
        "action": action,
        "signatory": signatory,
        "site": site.name_in(language),
    }

    def filled(text: str) -> str:
        # one pass: a client's words that look like a placeholder stay as they are
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    return Letter(language=language, subject=filled(template.subject), body=filled(template.body))


def check_may_send(ticket: Ticket, command: SendApology, actor: Actor) -> None:
    """Refusals before the letter is filled in, each naming the field at fault."""
    require_staff_to(actor, ACTION)
    if command.version != ticket.version:
        raise VersionConflict(field="version", expected=ticket.version, given=command.version)
    if not owed(ticket):
        raise IllegalTransition(field="action", code=ErrorCode.APOLOGY_NOT_OWED)
    if ticket.status in TERMINAL:
        raise IllegalTransition(field="action", action=ACTION, status=ticket.status.value)
    if command.delivery == "mail":
        if not ticket.contact.email:
            raise InvalidInput(field="delivery", code=ErrorCode.APOLOGY_NO_ADDRESS)
        if ticket.apology_mailed_at is not None:
            raise IllegalTransition(field="delivery", code=ErrorCode.APOLOGY_ALREADY_MAILED)


def send(ticket: Ticket, command: SendApology, letter: Letter, actor: Actor, now: datetime) -> Change:
    """The letter on the complaint's timeline (status kept): mailed (then owed by a notice) or printed."""
    updates: dict[str, object] = {}
    if command.delivery == "mail":
        updates["apology_mailed_at"] = to_iso(now)
    detail = {
        "delivery": command.delivery,
        "language": letter.language,
        "signatory": command.signatory,
        "letter_subject": letter.subject,
        "letter": letter.body,
    }
    return recorded(ticket, actor, ACTION, Step(ticket.status, updates, detail), now)
