"""Staff API: a site's duty roster (值班表) per month — read by staff, replaced whole by managers
(docs/decisions/0024)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import MonthPath, SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.duty_roster import RosterIn, RosterView
from frontdesk.wiring import roster_desk

router = new_router()


@router.get(
    "/staff/sites/<site_id>/duty-roster/<month>",
    summary="The site's duty roster of a month (YYYY-MM): who is on each shift, and what is still missing",
)
def get_roster(actor: StaffActor, site_id: SitePath, month: MonthPath) -> RosterView:
    return roster_desk().view(site_id, month, actor)


@router.put(
    "/staff/sites/<site_id>/duty-roster/<month>",
    summary="Replace the month's duty roster (managers): each shift's duty manager and desk staff",
)
def put_roster(actor: StaffActor, site_id: SitePath, month: MonthPath, body: Annotated[RosterIn, Body()]) -> RosterView:
    return roster_desk().save(site_id, month, body, actor)
