"""Staff API: a site's escalation ladder and the mailing lists its rungs mail (managers manage them)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from frontdesk.api.callers import StaffActor
from frontdesk.models.escalation import Ladder
from frontdesk.models.mailing import MailingListView, MailingOverview, MemberIn
from frontdesk.wiring import mailing_desk

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves Router.__init__ unannotated

SiteId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}$")]
ListName = Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,40}$")]


@router.get(
    "/staff/sites/<site_id>/mailing-lists",
    summary="The site's escalation ladder and its mailing lists (managers and duty managers)",
)
def mailing_lists(actor: StaffActor, site_id: SiteId) -> MailingOverview:
    return mailing_desk().overview(site_id, actor)


@router.post(
    "/staff/sites/<site_id>/mailing-lists/<list_name>/add",
    summary="Add an address to a mailing list (managers)",
)
def add_member(
    actor: StaffActor, site_id: SiteId, list_name: ListName, body: Annotated[MemberIn, Body()]
) -> MailingListView:
    return mailing_desk().add(site_id, list_name, body.email, actor)


@router.post(
    "/staff/sites/<site_id>/mailing-lists/<list_name>/remove",
    summary="Remove an address from a mailing list (managers)",
)
def remove_member(
    actor: StaffActor, site_id: SiteId, list_name: ListName, body: Annotated[MemberIn, Body()]
) -> MailingListView:
    return mailing_desk().remove(site_id, list_name, body.email, actor)


@router.post(
    "/staff/sites/<site_id>/escalation-ladder",
    summary="Replace the site's escalation ladder: rungs per phase and their delays (managers)",
)
def set_ladder(actor: StaffActor, site_id: SiteId, body: Annotated[Ladder, Body()]) -> MailingOverview:
    return mailing_desk().set_ladder(site_id, body, actor)
