"""Staff API: a site's business calendar (working hours, holidays and 调休 per year); managers load a
year and set the working hours (the day shift; the night shift is the rest)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.calendar import CalendarView, HoursIn, YearCalendar
from frontdesk.wiring import calendars

router = new_router()


@router.get("/staff/sites/<site_id>/calendar", summary="The site's business calendar: hours, time zone, years")
def get_calendar(actor: StaffActor, site_id: SitePath) -> CalendarView:
    return calendars().view(site_id, actor)


@router.put(
    "/staff/sites/<site_id>/calendar",
    summary="Load one year's public holidays and adjusted working days for the site (managers)",
)
def put_calendar(actor: StaffActor, site_id: SitePath, body: Annotated[YearCalendar, Body()]) -> CalendarView:
    return calendars().load(site_id, body, actor)


@router.put(
    "/staff/sites/<site_id>/calendar/hours",
    summary="Set the site's working hours: the day shift's start and end (the night shift is the rest) (managers)",
)
def put_hours(actor: StaffActor, site_id: SitePath, body: Annotated[HoursIn, Body()]) -> CalendarView:
    return calendars().set_hours(site_id, body, actor)
