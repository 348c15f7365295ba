"""Staff API: the semi-annual satisfaction survey campaign (June and November, 001 part 2) and the
quarterly callback analysis (001 p11 §4.6). docs/decisions/0023."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import CampaignPath, QuarterPath, SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.campaign import CampaignIn, CampaignView
from frontdesk.models.quarterly import QuarterlyAnalysis
from frontdesk.wiring import campaigns, quarterly

router = new_router()


@router.post(
    "/staff/sites/<site_id>/campaigns",
    summary="Start the site's satisfaction survey of June or November: every unit invited by a link of "
    "its own, mailed where an address is known; started again, it creates nothing twice (managers)",
)
def start_campaign(actor: StaffActor, site_id: SitePath, body: Annotated[CampaignIn, Body()]) -> CampaignView:
    return campaigns().start(site_id, body, actor)


@router.get(
    "/staff/sites/<site_id>/campaigns/<period>",
    summary="A survey campaign: responses per unit against the 70 % target, and the links the desk hands over",
)
def get_campaign(actor: StaffActor, site_id: SitePath, period: CampaignPath) -> CampaignView:
    return campaigns().view(site_id, period, actor)


@router.get(
    "/staff/sites/<site_id>/quarterly/<quarter>",
    summary="The quarter's callback analysis: failed callbacks, units with the same complaint twice or more "
    "and with the same repair three times or more (supervisors)",
)
def get_quarterly(actor: StaffActor, site_id: SitePath, quarter: QuarterPath) -> QuarterlyAnalysis:
    return quarterly().analysis(site_id, quarter, actor)


@router.get(
    "/staff/sites/<site_id>/quarterly/<quarter>/csv",
    summary="The quarter's callback analysis as CSV, one row per finding (supervisors)",
    responses={200: {"description": "One row per finding", "content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def get_quarterly_csv(actor: StaffActor, site_id: SitePath, quarter: QuarterPath) -> Response[str]:
    text = quarterly().csv(site_id, quarter, actor)
    name = f"callbacks-{site_id}-{quarter}.csv"
    return Response(
        status_code=200,
        content_type="text/csv; charset=utf-8",
        body=text,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
