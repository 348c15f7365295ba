"""Staff API: a site's canned replies, which the console's reply form offers (managers edit them)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.canned import CannedReplies, CannedRepliesIn
from frontdesk.wiring import canned_replies

router = new_router()


@router.get("/staff/sites/<site_id>/canned-replies", summary="The site's canned replies, in zh-CN and en (the desk)")
def get_canned_replies(actor: StaffActor, site_id: SitePath) -> CannedReplies:
    return canned_replies().get(site_id, actor)


@router.put(
    "/staff/sites/<site_id>/canned-replies",
    summary="Replace the site's canned replies; a stale version is refused (managers)",
)
def put_canned_replies(actor: StaffActor, site_id: SitePath, body: Annotated[CannedRepliesIn, Body()]) -> CannedReplies:
    return canned_replies().put(site_id, body, actor)
