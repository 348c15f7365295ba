"""Staff API: photos of a ticket (engineers and the desk photograph damage for the record).

Uploads go straight to S3 through a presigned POST; photo_ingest verifies them. Links to the
verified originals are short-lived and name the exact version that was verified.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import TicketId
from frontdesk.api.routes import new_router
from frontdesk.domain.evidence import PHOTO_RULE
from frontdesk.models.photo import StaffPhotoList, UploadRequest, UploadSlot
from frontdesk.wiring import photo_desk

router = new_router()


@router.post(
    "/staff/tickets/<ticket_id>/photos",
    summary=f"Upload a photo to a ticket: a presigned POST straight to storage ({PHOTO_RULE})",
)
def upload_photo(actor: StaffActor, ticket_id: TicketId, body: Annotated[UploadRequest, Body()]) -> UploadSlot:
    return photo_desk().slot_for_ticket(ticket_id, body, actor)


@router.get("/staff/tickets/<ticket_id>/photos", summary="A ticket's photos: hashes, capture times, short-lived links")
def list_photos(actor: StaffActor, ticket_id: TicketId) -> StaffPhotoList:
    return photo_desk().list_for_ticket(ticket_id, actor)
