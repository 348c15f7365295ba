"""Staff API: the duty log (值班记录, 000 §3.9) and the shift handover (交接班).

Entries are only ever added: no route changes or removes one, and a correction is a new entry
naming the one it corrects (docs/decisions/0024)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import DutyPageId, SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.duty import (
    CloseDutyPage,
    DutyPages,
    DutyPageView,
    DutyVerification,
    Handover,
    NewDutyEntry,
    SignIn,
    SignOut,
)
from frontdesk.wiring import duty_desk

router = new_router()


@router.get("/staff/sites/<site_id>/duty-log", summary="The page of the shift now running, with its entries")
def current_page(actor: StaffActor, site_id: SitePath) -> DutyPageView:
    return duty_desk().current(site_id, actor)


@router.get("/staff/sites/<site_id>/duty-pages", summary="The site's latest duty-log pages, newest first")
def pages(actor: StaffActor, site_id: SitePath) -> DutyPages:
    return DutyPages(site_id=site_id, pages=tuple(duty_desk().pages(site_id, actor)))


@router.post(
    "/staff/duty-entries",
    summary="Add an entry to the running shift's page (a correction names the entry it corrects)",
    responses={201: {"description": "Created"}},
)
def write_entry(actor: StaffActor, body: Annotated[NewDutyEntry, Body()]) -> tuple[DutyPageView, int]:
    return duty_desk().write(body, actor), 201


@router.get("/staff/duty-pages/<page_id>", summary="A page of the duty log with its entries and corrections")
def read_page(actor: StaffActor, page_id: DutyPageId) -> DutyPageView:
    return duty_desk().read(page_id, actor)


@router.post(
    "/staff/duty-pages/<page_id>/close",
    summary="Close the page: no more entries; its closing hash is kept under Object Lock",
)
def close_page(actor: StaffActor, page_id: DutyPageId, body: Annotated[CloseDutyPage, Body()]) -> DutyPageView:
    return duty_desk().close(page_id, body, actor)


@router.get(
    "/staff/duty-pages/<page_id>/verify",
    summary="Recompute the page's hash chain and compare the closing hash: names every entry altered",
)
def verify_page(actor: StaffActor, page_id: DutyPageId) -> DutyVerification:
    return duty_desk().verify(page_id, actor)


@router.get(
    "/staff/duty-pages/<page_id>/handover",
    summary="The shift's handover: pre-filled as its page closes (open tickets, unfinished work, running clocks)",
)
def handover(actor: StaffActor, page_id: DutyPageId) -> Handover:
    return duty_desk().handover(page_id, actor)


@router.post(
    "/staff/duty-pages/<page_id>/sign-out",
    summary="The outgoing shift enters the cash counted and signs the handover (after closing the page)",
)
def sign_out(actor: StaffActor, page_id: DutyPageId, body: Annotated[SignOut, Body()]) -> Handover:
    return duty_desk().sign_out(page_id, body, actor)


@router.post(
    "/staff/duty-pages/<page_id>/sign-in",
    summary="The incoming shift signs the handover: another person than the one who signed out",
)
def sign_in(actor: StaffActor, page_id: DutyPageId, body: Annotated[SignIn, Body()]) -> Handover:
    return duty_desk().sign_in(page_id, body, actor)
