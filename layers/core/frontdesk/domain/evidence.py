"""Photos as evidence: where they live in the bucket, what an upload may be, and what its bytes really are.

The upload policy (size range, content type) is what S3 enforces on AWS and what moto ignores; it
is never trusted. photo_ingest reads the stored bytes and decides here: the size, and the type
by its magic numbers (a file named .jpg that starts with ``<!DOCTYPE html>`` is not a photo).
Pure: no boto3, no clock.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.clock import to_iso
from frontdesk.domain.errors import DomainError, ErrorCode, InvalidInput
from frontdesk.models.photo import (
    EXTENSIONS,
    ImageType,
    OwnerKind,
    Photo,
    PhotoState,
    PhotoView,
    QuarantineReason,
    StaffPhotoView,
)
from frontdesk.models.ticket import Actor

MAX_BYTES = 10 * 1024 * 1024
UPLOAD_EXPIRY_SECONDS = 300  # the presigned POST; a slot not used by then no longer counts
LINK_EXPIRY_SECONDS = 300  # presigned GET links on the pages
MAX_PHOTOS: dict[OwnerKind, int] = {OwnerKind.TICKET: 10, OwnerKind.REPORT: 20}

UPLOAD_PREFIX = "uploads/"
QUARANTINE_PREFIX = "quarantine/"
PACK_PREFIX = "packs/"
VERIFY_PREFIX = "verify/"

_ID = r"[a-f0-9]{32}"
_OWNER_ID = {OwnerKind.TICKET: _ID, OwnerKind.REPORT: r"[a-z0-9-]{1,40}-\d{4}-\d{4,6}"}
_UPLOAD_KEY = re.compile(rf"^{UPLOAD_PREFIX}(?P<kind>ticket|report)/(?P<owner>[a-z0-9-]{{1,60}})/(?P<photo>{_ID})$")

# What browsers and phones call these types, mapped to the one name we keep.
_TYPE_ALIASES: dict[str, ImageType] = {
    "image/jpeg": ImageType.JPEG,
    "image/jpg": ImageType.JPEG,
    "image/pjpeg": ImageType.JPEG,
    "image/png": ImageType.PNG,
    "image/heic": ImageType.HEIC,
    "image/heif": ImageType.HEIC,
    "image/heic-sequence": ImageType.HEIC,
    "image/webp": ImageType.WEBP,
}

# ISO-BMFF brands of HEIF images coded with HEVC (what phones write as .heic).
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_GENERIC_BRANDS = frozenset({b"mif1", b"msf1"})


class PhotoLimitReached(DomainError):
    status = 409
    code = ErrorCode.PHOTO_LIMIT_REACHED


class UploadsClosed(DomainError):
    status = 409
    code = ErrorCode.PHOTO_UPLOADS_CLOSED


# ------------------------------------------------------------------------------------------- keys


def upload_key(owner_kind: OwnerKind, owner_id: str, photo_id: str) -> str:
    """The one key an upload slot allows: under the ticket's or the report's prefix, chosen by the server."""
    if not re.fullmatch(_OWNER_ID[owner_kind], owner_id) or not re.fullmatch(_ID, photo_id):
        raise ValueError(f"not an upload key: {owner_kind.value}/{owner_id}/{photo_id}")
    return f"{UPLOAD_PREFIX}{owner_kind.value}/{owner_id}/{photo_id}"


@dataclass(frozen=True)
class UploadKey:
    owner_kind: OwnerKind
    owner_id: str
    photo_id: str


def parse_upload_key(key: str) -> UploadKey | None:
    match = _UPLOAD_KEY.match(key)
    if match is None:
        return None
    kind = OwnerKind(match["kind"])
    if not re.fullmatch(_OWNER_ID[kind], match["owner"]):
        return None
    return UploadKey(kind, match["owner"], match["photo"])


def quarantine_key(key: str, version_id: str | None) -> str:
    """Each refused version keeps its own copy: two bad uploads to one key do not overwrite each other."""
    return f"{QUARANTINE_PREFIX}{key}/{version_id or 'null'}"


def pack_key(report_id: str, pack_id: str) -> str:
    return f"{PACK_PREFIX}{report_id}/{pack_id}.zip"


def verify_key(report_id: str, upload_id: str) -> str:
    return f"{VERIFY_PREFIX}{report_id}/{upload_id}.zip"


def file_name(photo: Photo) -> str:
    extension = EXTENSIONS[photo.content_type] if photo.content_type else "bin"
    return f"{photo.photo_id}.{extension}"


# ------------------------------------------------------------------------------------------- upload slots


def accepted_type(declared: str) -> ImageType:
    """The declared type as one of the four we take, or a 400 naming the ones we do."""
    found = _TYPE_ALIASES.get(declared.strip().lower().split(";")[0].strip())
    if found is None:
        raise InvalidInput(
            field="content_type",
            code=ErrorCode.PHOTO_TYPE_NOT_ALLOWED,
            allowed="JPEG, PNG, HEIC, WebP",
            given=declared[:40],
        )
    return found


def check_declared_size(size: int) -> None:
    if size > MAX_BYTES:
        raise InvalidInput(field="size", code=ErrorCode.PHOTO_TOO_LARGE, limit_mb=MAX_BYTES // (1024 * 1024))


def counts_against_limit(photo: Photo, now: datetime) -> bool:
    """Stored photos count, and slots still open (an upload may be on its way); refused files do not."""
    if photo.state is PhotoState.STORED:
        return True
    return photo.state is PhotoState.PENDING and photo.slot_expires_at > to_iso(now)


def check_room(owner_kind: OwnerKind, photos: list[Photo], now: datetime) -> None:
    limit = MAX_PHOTOS[owner_kind]
    if sum(1 for p in photos if counts_against_limit(p, now)) >= limit:
        raise PhotoLimitReached(field="photos", limit=limit)


def new_slot(
    owner_kind: OwnerKind,
    owner_id: str,
    site_id: str,
    photo_id: str,
    declared: ImageType,
    size: int,
    filename: str,
    actor: Actor,
    now: datetime,
) -> Photo:
    return Photo(
        photo_id=photo_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        site_id=site_id,
        key=upload_key(owner_kind, owner_id, photo_id),
        state=PhotoState.PENDING,
        declared_type=declared.value,
        declared_size=size,
        original_name=filename,
        uploaded_by=actor,
        requested_at=to_iso(now),
        slot_expires_at=to_iso(now + timedelta(seconds=UPLOAD_EXPIRY_SECONDS)),
    )


# ------------------------------------------------------------------------------------------- the real bytes


def sniff(head: bytes) -> ImageType | None:
    """The image type by magic number and the first structure after it; None for anything else."""
    if head[:3] == b"\xff\xd8\xff":
        return ImageType.JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return ImageType.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        return ImageType.WEBP
    if len(head) >= 16 and head[4:8] == b"ftyp":
        (box_size,) = struct.unpack(">I", head[:4])
        if box_size < 16 or box_size % 4:
            return None
        major = head[8:12]
        compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
        if major in _HEIC_BRANDS or (major in _HEIF_GENERIC_BRANDS and compatible & _HEIC_BRANDS):
            return ImageType.HEIC
    return None


@dataclass(frozen=True)
class Inspection:
    """photo_ingest's verdict on one stored object."""

    ok: bool
    reason: QuarantineReason | None = None
    content_type: ImageType | None = None


def check_size(size: int) -> QuarantineReason | None:
    if size <= 0:
        return QuarantineReason.EMPTY
    if size > MAX_BYTES:
        return QuarantineReason.TOO_LARGE
    return None


def inspect(data: bytes) -> Inspection:
    """Size first (the object's own, not the policy's), then the magic numbers."""
    refused = check_size(len(data))
    if refused is not None:
        return Inspection(ok=False, reason=refused)
    detected = sniff(data[:64])
    if detected is None:
        return Inspection(ok=False, reason=QuarantineReason.NOT_AN_IMAGE)
    return Inspection(ok=True, content_type=detected)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------- views


def visible(photo: Photo, now: datetime) -> bool:
    """An unused slot disappears when it expires; stored and refused photos stay on record."""
    return photo.state is not PhotoState.PENDING or photo.slot_expires_at > to_iso(now)


def public_view(photo: Photo, url: str | None, url_expires_at: str | None) -> PhotoView:
    return PhotoView(
        photo_id=photo.photo_id,
        state=photo.state,
        by=photo.uploaded_by.kind.value,
        content_type=photo.content_type,
        size=photo.size,
        sha256=photo.sha256,
        captured_at=photo.captured_at,
        uploaded_at=photo.uploaded_at,
        reason=photo.reason,
        url=url,
        url_expires_at=url_expires_at,
    )


def staff_view(photo: Photo, url: str | None, url_expires_at: str | None) -> StaffPhotoView:
    return StaffPhotoView(
        **public_view(photo, url, url_expires_at).model_dump(),
        original_name=photo.original_name,
        uploaded_by=photo.uploaded_by.id,
        version_id=photo.version_id,
        retain_until=photo.retain_until,
    )
