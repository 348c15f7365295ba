"""Photos as evidence: where they live in the bucket, what an upload may be, and what its bytes really are.

The upload policy (size range, content type) is what S3 enforces on AWS and what moto ignores; it
is never trusted. photo_ingest reads the stored bytes and decides here: the size, the type by
its magic numbers (a file named .jpg that starts with ``<!DOCTYPE html>`` is not a photo), then the
whole file: its structure to the last byte and no markup in it (a JPEG header followed by an HTML
page is not a photo either).
Pure: no boto3, no clock.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.clock import to_iso
from frontdesk.domain.errors import DomainError, ErrorCode, InvalidInput
from frontdesk.models.frozen import project
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
# How the API documents describe what a photo may be (the rule above, said once).
PHOTO_RULE = f"JPEG, PNG, HEIC, WebP; at most {MAX_BYTES // (1024 * 1024)} MB"
UPLOAD_EXPIRY_SECONDS = 300  # the presigned POST; a slot not used by then no longer counts
LINK_EXPIRY_SECONDS = 300  # presigned GET links on the pages
MAX_PHOTOS: dict[OwnerKind, int] = {OwnerKind.TICKET: 10, OwnerKind.REPORT: 20}

UPLOAD_PREFIX = "uploads/"
QUARANTINE_PREFIX = "quarantine/"
PACK_PREFIX = "packs/"
VERIFY_PREFIX = "verify/"

_ID = r"[a-f0-9]{32}"
# The key names the kind of owner (the public function may write only under uploads/ticket/) and the
# photo's own random id; never the ticket or report: a slot handed to a browser reveals no internal id.
_UPLOAD_KEY = re.compile(rf"^{UPLOAD_PREFIX}(?P<kind>ticket|report)/(?P<photo>{_ID})$")
# An upload S3 accepted just before its slot expired can take this long to arrive (10 MB on a slow line).
UPLOAD_GRACE_SECONDS = 60

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


class PhotoLimitReached(DomainError, code=ErrorCode.PHOTO_LIMIT_REACHED, status=409): ...


class UploadsClosed(DomainError, code=ErrorCode.PHOTO_UPLOADS_CLOSED, status=409): ...


# ------------------------------------------------------------------------------------------- keys


def upload_key(owner_kind: OwnerKind, photo_id: str) -> str:
    """The one key an upload slot allows, chosen by the server: the owner's kind and the photo's random id."""
    if not re.fullmatch(_ID, photo_id):
        raise ValueError(f"not an upload key: {owner_kind.value}/{photo_id}")
    return f"{UPLOAD_PREFIX}{owner_kind.value}/{photo_id}"


@dataclass(frozen=True)
class UploadKey:
    owner_kind: OwnerKind
    photo_id: str


def parse_upload_key(key: str) -> UploadKey | None:
    match = _UPLOAD_KEY.match(key)
    if match is None:
        return None
    return UploadKey(OwnerKind(match["kind"]), match["photo"])


def uploaded_too_late(photo: Photo, uploaded_at: str) -> bool:
    """After the slot's presigned POST expired (with the grace a transfer S3 accepted in time may need)."""
    expires = datetime.fromisoformat(photo.slot_expires_at.replace("Z", "+00:00"))
    uploaded = datetime.fromisoformat(uploaded_at.replace("Z", "+00:00"))
    return uploaded > expires + timedelta(seconds=UPLOAD_GRACE_SECONDS)


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
        key=upload_key(owner_kind, photo_id),
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
    """Size first (the object's own, not the policy's), then the magic numbers, then the whole file:
    its structure must run exactly to the last byte, and no markup may hide anywhere in it."""
    refused = check_size(len(data))
    if refused is not None:
        return Inspection(ok=False, reason=refused)
    detected = sniff(data[:64])
    if detected is None:
        return Inspection(ok=False, reason=QuarantineReason.NOT_AN_IMAGE)
    if not _WHOLE[detected](data):
        return Inspection(ok=False, reason=QuarantineReason.MALFORMED_IMAGE)
    if has_markup(data):
        return Inspection(ok=False, reason=QuarantineReason.EMBEDDED_MARKUP)
    return Inspection(ok=True, content_type=detected)


# ------------------------------------------------------------------------------------------- whole files
# A polyglot is a file two programs read differently: a JPEG header followed by an HTML page is a
# "JPEG" to a magic-number check and a page to a browser that sniffs. Each walker follows the
# format's own structure from the first byte to the last and refuses anything left over, so
# nothing can ride after the image or between its parts. (Decoding the pixels would need an imaging
# library in the Lambda layer, native code fed untrusted input; docs/decisions/0012.)

# Tags that make a browser (or an XML reader) treat bytes as a document. Each pattern is at least six
# bytes long, so that compressed image data matches one by chance far less than once in 10^5 photos.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|object|embed|\?xml)[\s>/]", re.IGNORECASE)


def has_markup(data: bytes) -> bool:
    return _MARKUP.search(data) is not None


def _jpeg_whole(data: bytes) -> bool:
    """SOI, marker segments, entropy-coded scans (stuffed bytes, restart markers), EOI as the last two bytes."""
    end = len(data)
    pos = 2
    while pos + 2 <= end:
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:  # EOI: the image ends here, and so must the file
            return pos + 2 == end
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length
            pos += 2
            continue
        if marker in (0x00, 0xD8) or pos + 4 > end:
            return False
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > end:
            return False
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= end:
                    return False
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                elif following == 0xFF:
                    pos += 1
                else:
                    break
    return False


def _png_whole(data: bytes) -> bool:
    """The signature, then chunks with correct CRCs, IHDR first and IEND last, nothing after it."""
    pos = 8
    first = True
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        stop = pos + 12 + length
        if stop > len(data):
            return False
        (crc,) = struct.unpack(">I", data[stop - 4 : stop])
        if zlib.crc32(data[pos + 4 : stop - 4]) & 0xFFFFFFFF != crc:
            return False
        if first and kind != b"IHDR":
            return False
        first = False
        if kind == b"IEND":
            return bool(stop == len(data))
        pos = stop
    return False


def _webp_whole(data: bytes) -> bool:
    """RIFF's size is the file's, and its chunks fill it exactly."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 != len(data):
        return False
    pos = 12
    while pos + 8 <= len(data):
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        pos += 8 + length + (length & 1)
    return pos == len(data)


def _heic_whole(data: bytes) -> bool:
    """Top-level ISO-BMFF boxes, ftyp first, that add up to the file exactly."""
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            return False
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if pos + 16 > len(data):
                return False
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - pos
        if size < header or pos + size > len(data):
            return False
        pos += size
    return True


_WHOLE = {
    ImageType.JPEG: _jpeg_whole,
    ImageType.PNG: _png_whole,
    ImageType.WEBP: _webp_whole,
    ImageType.HEIC: _heic_whole,
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------- views


def visible(photo: Photo, now: datetime) -> bool:
    """An unused slot disappears when it expires; stored and refused photos stay on record."""
    return photo.state is not PhotoState.PENDING or photo.slot_expires_at > to_iso(now)


def public_view(photo: Photo, url: str | None, url_expires_at: str | None) -> PhotoView:
    return project(photo, PhotoView, by=photo.uploaded_by.kind.value, url=url, url_expires_at=url_expires_at)


def staff_view(photo: Photo, url: str | None, url_expires_at: str | None) -> StaffPhotoView:
    return project(
        photo,
        StaffPhotoView,
        by=photo.uploaded_by.kind.value,
        uploaded_by=photo.uploaded_by.id,
        url=url,
        url_expires_at=url_expires_at,
    )
