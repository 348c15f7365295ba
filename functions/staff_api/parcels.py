"""Staff API: the parcel register (挂号、特快专递及包裹, 004 QW21-04 §4.2.4): log a parcel signed for
at the desk, the site's parcels waiting and the recipients to phone, the desk's call, the pickup's
signature (docs/decisions/0024)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import ParcelId, SitePath
from frontdesk.api.routes import new_router
from frontdesk.models.parcels import NewParcel, Parcel, ParcelRegister, Phoned, PickUp
from frontdesk.wiring import parcel_desk

router = new_router()


@router.post(
    "/staff/parcels",
    summary="Log a registered letter, express item or parcel signed for at the desk",
    responses={201: {"description": "Created"}},
)
def log_parcel(actor: StaffActor, body: Annotated[NewParcel, Body()]) -> tuple[Parcel, int]:
    return parcel_desk().log(body, actor), 201


@router.get(
    "/staff/sites/<site_id>/parcels",
    summary="The site's parcels not yet collected, and the recipients the desk must phone",
)
def parcel_register(actor: StaffActor, site_id: SitePath) -> ParcelRegister:
    return parcel_desk().register(site_id, actor)


@router.get("/staff/parcels/<parcel_id>", summary="A parcel")
def read_parcel(actor: StaffActor, parcel_id: ParcelId) -> Parcel:
    return parcel_desk().read(parcel_id, actor)


@router.post("/staff/parcels/<parcel_id>/phoned", summary="The desk phoned the recipient (no address to mail)")
def parcel_phoned(actor: StaffActor, parcel_id: ParcelId, body: Annotated[Phoned, Body()]) -> Parcel:
    return parcel_desk().phoned(parcel_id, body, actor)


@router.post(
    "/staff/parcels/<parcel_id>/collect",
    summary="Hand the parcel over: the name signed and the ID shown; closes it",
)
def collect_parcel(actor: StaffActor, parcel_id: ParcelId, body: Annotated[PickUp, Body()]) -> Parcel:
    return parcel_desk().collect(parcel_id, body, actor)
