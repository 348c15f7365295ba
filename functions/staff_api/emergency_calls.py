"""Staff API: a site's emergency call list, who is told at intake per emergency type (000 §3.4-3.8).
The desk reads it; managers replace it (a role, i.e. one of the site's mailing lists, or several per type)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.routing import EmergencyCallList, EmergencyCalls
from frontdesk.wiring import emergency_call_desk

router = new_router()


@router.get(
    "/staff/sites/<site_id>/emergency-calls",
    summary="The site's emergency call list: per emergency type, the mailing lists told at intake (the desk)",
)
def emergency_calls(actor: StaffActor, site_id: SitePath) -> EmergencyCallList:
    return emergency_call_desk().read(site_id, actor)


@router.put(
    "/staff/sites/<site_id>/emergency-calls",
    summary="Replace the site's emergency call list: every emergency type, one or more mailing lists (managers)",
)
def replace_emergency_calls(
    actor: StaffActor, site_id: SitePath, body: Annotated[EmergencyCalls, Body()]
) -> EmergencyCallList:
    return emergency_call_desk().replace(site_id, body, actor)
