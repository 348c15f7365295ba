"""Public API: the tenant's photos of a request, through its tracking token.

(Named public_photos, not photos: function folders share one module namespace wherever they run
in one process — the local stack, the tests, the OpenAPI tool — and staff_api has its photos.)

Photos never pass through API Gateway: POST returns a presigned POST for one key the server chose
(size and type in the policy), the browser uploads to S3, and photo_ingest checks what arrived.
GET lists them with short-lived links to the verified originals.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.params import Token
from frontdesk.api.routes import new_router
from frontdesk.domain.evidence import PHOTO_RULE
from frontdesk.models.photo import PhotoList, UploadRequest, UploadSlot
from frontdesk.wiring import photo_desk

router = new_router()


@router.post(
    "/public/track/<token>/photos",
    summary=f"Upload a photo of the problem: a presigned POST straight to storage ({PHOTO_RULE})",
)
def upload_photo(token: Token, body: Annotated[UploadRequest, Body()]) -> UploadSlot:
    return photo_desk().slot_by_token(token, body)


@router.get("/public/track/<token>/photos", summary="The request's photos, with short-lived links")
def list_photos(token: Token) -> PhotoList:
    return photo_desk().list_by_token(token)
