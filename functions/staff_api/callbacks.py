"""Staff API: callbacks (回访). The site's open callbacks by due time; one callback; an attempt
recorded (phone or visit) with the manual's fields; a callback reassigned; the week's sample and
the month's draws (the top 3 repairs, the activities' sample). docs/decisions/0023."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import CallbackId, MonthPath, SitePath, WeekPath
from frontdesk.api.routes import new_router
from frontdesk.models.callback import (
    ActivitySampleIn,
    Callback,
    CallbackIn,
    CallbackList,
    DrawRule,
    MonthlyDraw,
    ReassignIn,
    Sample,
    SampleIn,
    TopRepairsIn,
)
from frontdesk.wiring import callbacks, monthly_callbacks, staff_desk, tickets

router = new_router()


@router.get("/staff/sites/<site_id>/callbacks", summary="The site's open callbacks, soonest due first")
def list_callbacks(
    actor: StaffActor, site_id: SitePath, limit: Annotated[int, Query(ge=1, le=500)] = 200
) -> CallbackList:
    return callbacks().queue(site_id, actor, limit)


@router.get("/staff/callbacks/<callback_id>", summary="One callback with its attempts")
def get_callback(actor: StaffActor, callback_id: CallbackId) -> Callback:
    return callbacks().read(callback_id, actor)


@router.post(
    "/staff/callbacks/<callback_id>/attempts",
    summary="Record a callback attempt: satisfied, unsatisfied (reopens the complaint, or reworks the repair "
    "when the defect remains) or unreachable (closed after 3 different days) (the desk)",
)
def record_attempt(actor: StaffActor, callback_id: CallbackId, body: Annotated[CallbackIn, Body()]) -> Callback:
    return callbacks().record(callback_id, body, actor)


@router.post(
    "/staff/sites/<site_id>/samples",
    summary="Draw the week's sample of ordinary repairs to call back (the site's rate, 20 % by default); "
    "drawn once: the seed and the population are stored (supervisors)",
)
def draw_sample(actor: StaffActor, site_id: SitePath, body: Annotated[SampleIn, Body()]) -> Sample:
    return callbacks().draw_sample(site_id, body, actor, tickets())


@router.get("/staff/sites/<site_id>/samples/<week>", summary="A week's sample as it was drawn")
def get_sample(actor: StaffActor, site_id: SitePath, week: WeekPath) -> Sample:
    return callbacks().sample(site_id, week, actor)


@router.post(
    "/staff/callbacks/<callback_id>/assignee",
    summary="Give an open callback to another member of the site's desk (an operator or a manager; supervisors)",
)
def reassign_callback(actor: StaffActor, callback_id: CallbackId, body: Annotated[ReassignIn, Body()]) -> Callback:
    return callbacks().reassign(callback_id, body, actor, staff_desk())


@router.post(
    "/staff/sites/<site_id>/top-repairs",
    summary="Draw the month's 3 most significant repairs, called back by the deputy manager with the engineering "
    "head; drawn once, from the month's last working day (managers)",
)
def draw_top_repairs(actor: StaffActor, site_id: SitePath, body: Annotated[TopRepairsIn, Body()]) -> MonthlyDraw:
    return monthly_callbacks().draw_top_repairs(site_id, body, actor, tickets(), staff_desk())


@router.post(
    "/staff/sites/<site_id>/activity-samples",
    summary="Draw the month's 10 % sample of activity sign-ups to call back; drawn once, with its seed and "
    "population stored (supervisors)",
)
def draw_activity_sample(
    actor: StaffActor, site_id: SitePath, body: Annotated[ActivitySampleIn, Body()]
) -> MonthlyDraw:
    return monthly_callbacks().draw_activities(site_id, body, actor, tickets())


@router.get("/staff/sites/<site_id>/draws/<rule>/<month>", summary="A month's drawn callbacks as they were drawn")
def get_draw(actor: StaffActor, site_id: SitePath, rule: Annotated[DrawRule, Path()], month: MonthPath) -> MonthlyDraw:
    return monthly_callbacks().draw(site_id, rule, month, actor)
