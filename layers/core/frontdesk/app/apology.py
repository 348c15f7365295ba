"""The apology letter desk (frontdesk.domain.apology): a site's template, read by the desk and
replaced by a manager; a complaint's letter filled in and recorded on its timeline, mailed to the
client by the stream router (a notice written with the event: once, however often it is delivered)
or printed from the console."""

from __future__ import annotations

from dataclasses import dataclass, replace

from frontdesk.app.ports import ApologyTemplateRecords, SiteLookup, TicketSaves, require_site, require_ticket
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock
from frontdesk.domain import apology
from frontdesk.models.apology import ApologyLetter, ApologyTemplates, ApologyTemplateView, SendApology
from frontdesk.models.ticket import Actor


@dataclass(frozen=True)
class ApologyDesk:
    templates: ApologyTemplateRecords
    tickets: TicketSaves
    sites: SiteLookup
    clock: Clock

    def template(self, site_id: str, actor: Actor) -> ApologyTemplateView:
        staff_site(self.sites, site_id, actor, "apology_template")
        stored = self.templates.stored(site_id)
        return _view(site_id, stored or apology.default_templates(), stored is None)

    def replace_template(self, site_id: str, templates: ApologyTemplates, actor: Actor) -> ApologyTemplateView:
        staff_site(self.sites, site_id, actor, "edit_apology_template")
        self.templates.put(site_id, templates)
        return _view(site_id, templates, False)

    def send(self, ticket_id: str, command: SendApology, actor: Actor) -> ApologyLetter:
        ticket = require_ticket(self.tickets, ticket_id)
        apology.check_may_send(ticket, command, actor)
        site = require_site(self.sites, ticket.site_id)
        language = command.language or ticket.language
        template = (self.templates.stored(ticket.site_id) or apology.default_templates()).of(language)
        letter = apology.fill(template, ticket, site, command.action, command.signatory, language)
        change = apology.send(ticket, command, letter, actor, self.clock.now())
        mailed = command.delivery == "mail"
        self.tickets.save(replace(change, notice=apology.APOLOGY_NOTICE if mailed else ""), ticket.version)
        return ApologyLetter(
            ticket_id=ticket_id,
            version=change.ticket.version,
            delivery=command.delivery,
            language=letter.language,
            subject=letter.subject,
            body=letter.body,
        )


def _view(site_id: str, templates: ApologyTemplates, default: bool) -> ApologyTemplateView:
    return ApologyTemplateView(site_id=site_id, templates=dict(templates.templates), default=default)
