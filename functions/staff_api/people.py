"""Staff API: a site's people from the user pool, searchable, with how busy each one is."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.staff import People
from frontdesk.models.ticket import Role
from frontdesk.wiring import staff_desk

router = new_router()


@router.get(
    "/staff/sites/<site_id>/people",
    summary="The site's staff: roles, department, phone and open tickets assigned (least busy first)",
)
def people(
    actor: StaffActor,
    site_id: SitePath,
    role: Annotated[Role | None, Query(description="Only people with this role, e.g. engineer")] = None,
    q: Annotated[str, Query(max_length=60, description="Part of a user name, name, phone or department")] = "",
) -> People:
    return staff_desk().people(site_id, actor, role, q)
