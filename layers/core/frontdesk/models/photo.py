"""Photos: evidence attached to a ticket (by the tenant or the staff) or to an incident report.

A photo is recorded in three steps. The API hands out an upload slot (a presigned POST for one
key the server chose) and records the photo as ``pending``; the browser uploads straight to S3;
photo_ingest reads the bytes, and the photo becomes ``stored`` (hash, capture time, locked
version) or ``quarantined`` (with the reason).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models.commands import Printable
from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.ticket import Actor


class OwnerKind(StrEnum):
    TICKET = "ticket"
    REPORT = "report"


class PhotoState(StrEnum):
    PENDING = "pending"  # a slot was handed out; nothing (valid) has arrived yet
    STORED = "stored"  # verified, hashed, retained
    QUARANTINED = "quarantined"  # refused by photo_ingest; `reason` says why


class ImageType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    HEIC = "image/heic"
    WEBP = "image/webp"


EXTENSIONS: dict[ImageType, str] = {
    ImageType.JPEG: "jpg",
    ImageType.PNG: "png",
    ImageType.HEIC: "heic",
    ImageType.WEBP: "webp",
}


class QuarantineReason(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    MALFORMED_IMAGE = "malformed_image"  # the magic numbers of an image, but not its structure to the end
    EMBEDDED_MARKUP = "embedded_markup"  # HTML or script inside an image (a polyglot)
    SLOT_EXPIRED = "slot_expired"  # uploaded after its slot's presigned POST expired
    UNKNOWN_KEY = "unknown_key"
    NO_UPLOAD_SLOT = "no_upload_slot"
    DUPLICATE_UPLOAD = "duplicate_upload"
    PHOTO_LIMIT_REACHED = "photo_limit_reached"


class UploadRequest(Model):
    """What the browser says about the file before it uploads it; photo_ingest checks the real bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    content_type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="The file's type: image/jpeg, image/png, image/heic or image/webp",
        examples=["image/jpeg"],
    )
    size: int = Field(
        ge=1,
        le=2**40,
        description="The file's size in bytes (at most limits.photo_mb)",
        examples=[2_400_000],
    )
    filename: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Printable] = Field(
        default="", description="The file's name on the device, shown to staff only"
    )


class UploadSlot(Model):
    """A presigned POST: send ``fields`` and then the file (as the last field, ``file``) to ``url``."""

    photo_id: str
    url: str
    fields: dict[str, str]
    content_type: ImageType
    max_bytes: int
    expires_at: str


class Photo(Frozen):
    """The stored item. `version_id` pins the S3 object version that was verified and locked."""

    photo_id: str
    owner_kind: OwnerKind
    owner_id: str
    site_id: str
    key: str
    state: PhotoState
    declared_type: str
    declared_size: int
    original_name: str = ""
    uploaded_by: Actor
    requested_at: str
    slot_expires_at: str
    version_id: str | None = None
    content_type: ImageType | None = None
    size: int | None = None
    sha256: str | None = None
    captured_at: str | None = None
    captured_local: str | None = None
    uploaded_at: str | None = None
    recorded_at: str | None = None
    retain_until: str | None = None
    reason: QuarantineReason | None = None
    quarantine_key: str | None = None


class PhotoView(Model):
    """A photo as a page shows it; `url` is a short-lived link to the verified original."""

    photo_id: str
    state: PhotoState
    by: str = Field(description="client or staff")
    content_type: ImageType | None
    size: int | None
    sha256: str | None
    captured_at: str | None = Field(description="From the photo's EXIF DateTimeOriginal, as UTC")
    uploaded_at: str | None
    reason: QuarantineReason | None
    url: str | None
    url_expires_at: str | None


class StaffPhotoView(PhotoView):
    original_name: str
    uploaded_by: str
    version_id: str | None
    retain_until: str | None


class PhotoList(Model):
    owner_kind: OwnerKind
    owner_id: str
    max_photos: int
    photos: list[PhotoView]


class StaffPhotoList(Model):
    owner_kind: OwnerKind
    owner_id: str
    max_photos: int
    photos: list[StaffPhotoView]


class Refusal(Frozen):
    """A refused upload that had no open slot of its own (a second upload to the key, or none asked for)."""

    owner_kind: OwnerKind
    owner_id: str
    photo_id: str
    version_id: str | None
    reason: QuarantineReason
    key: str
    quarantine_key: str
    at: str
