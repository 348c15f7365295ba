"""Staff API: a site's escalation ladder and the mailing lists its rungs mail (managers manage them)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import ListName, SitePath
from frontdesk.api.routes import declare_post, new_router
from frontdesk.models.escalation import Ladder
from frontdesk.models.mailing import MailingListView, MailingOverview, MemberIn
from frontdesk.models.ticket import Actor
from frontdesk.wiring import mailing_desk

router = new_router()


@router.get(
    "/staff/sites/<site_id>/mailing-lists",
    summary="The site's escalation ladder and its mailing lists (managers and duty managers)",
)
def mailing_lists(actor: StaffActor, site_id: SitePath) -> MailingOverview:
    return mailing_desk().overview(site_id, actor)


def _member_route(change: str, summary: str) -> None:
    """``POST …/mailing-lists/<list_name>/add`` and ``…/remove``: one address in or out."""

    def route(actor: Actor, site_id: str, list_name: str, body: MemberIn) -> MailingListView:
        desk = mailing_desk()
        return (desk.add if change == "add" else desk.remove)(site_id, list_name, body.email, actor)

    declare_post(
        router,
        f"/staff/sites/<site_id>/mailing-lists/<list_name>/{change}",
        summary,
        route,
        name=f"{change}_member",
        returns=MailingListView,
        actor=StaffActor,
        site_id=SitePath,
        list_name=ListName,
        body=Annotated[MemberIn, Body()],
    )


_member_route("add", "Add an address to a mailing list (managers)")
_member_route("remove", "Remove an address from a mailing list (managers)")


@router.post(
    "/staff/sites/<site_id>/escalation-ladder",
    summary="Replace the site's escalation ladder: rungs per phase and their delays (managers)",
)
def set_ladder(actor: StaffActor, site_id: SitePath, body: Annotated[Ladder, Body()]) -> MailingOverview:
    return mailing_desk().set_ladder(site_id, body, actor)
