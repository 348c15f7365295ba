"""Staff API: callbacks (回访). The site's open callbacks by due time; one callback; an attempt
recorded (phone or visit) with the manual's fields. docs/decisions/0023."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import CallbackId, SitePath, WeekPath
from frontdesk.models.callback import Callback, CallbackIn, CallbackList, Sample, SampleIn
from frontdesk.wiring import callbacks, tickets

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves Router.__init__ unannotated


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
