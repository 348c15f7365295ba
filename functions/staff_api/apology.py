"""Staff API: the apology letter (致歉信). A site's template, read by the desk and replaced by managers;
a complaint judged valid and our fault gets its letter filled in, mailed to the client or printed."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import SitePath, TicketId
from frontdesk.api.routes import new_router
from frontdesk.models.apology import ApologyLetter, ApologyTemplates, ApologyTemplateView, SendApology
from frontdesk.wiring import apology_desk

router = new_router()


@router.get(
    "/staff/sites/<site_id>/apology-template",
    summary="The site's apology letter template in zh-CN and en, and its placeholders (the desk)",
)
def apology_template(actor: StaffActor, site_id: SitePath) -> ApologyTemplateView:
    return apology_desk().template(site_id, actor)


@router.put(
    "/staff/sites/<site_id>/apology-template",
    summary="Replace the site's apology letter template, both languages (managers)",
)
def replace_apology_template(
    actor: StaffActor, site_id: SitePath, body: Annotated[ApologyTemplates, Body()]
) -> ApologyTemplateView:
    return apology_desk().replace_template(site_id, body, actor)


@router.post(
    "/staff/tickets/<ticket_id>/apology",
    summary="The apology letter of a complaint judged valid and our fault: mailed to the client, or printed",
)
def send_apology(actor: StaffActor, ticket_id: TicketId, body: Annotated[SendApology, Body()]) -> ApologyLetter:
    return apology_desk().send(ticket_id, body, actor)
