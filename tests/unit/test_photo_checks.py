"""What an upload may be and what its bytes really are: keys, declared types and sizes, magic numbers, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.clock import to_iso
from frontdesk.domain import evidence
from frontdesk.domain.errors import InvalidInput
from frontdesk.models.photo import ImageType, OwnerKind, Photo, PhotoState, QuarantineReason

from .builders import OPERATOR, T0, TICKET_ID
from .photo_samples import HTML_NAMED_JPG, MB, heic, jpeg, png, webp

PHOTO_ID = "fedcba9876543210fedcba9876543210"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (jpeg(), ImageType.JPEG),
        (jpeg(exif=False), ImageType.JPEG),
        (png(), ImageType.PNG),
        (webp(), ImageType.WEBP),
        (heic(), ImageType.HEIC),
        (heic(major=b"mif1", compatible=(b"mif1", b"heic")), ImageType.HEIC),
        (heic(major=b"heix", compatible=(b"mif1",)), ImageType.HEIC),
    ],
)
def test_the_four_types_are_known_by_their_magic_numbers(data: bytes, kind: ImageType) -> None:
    assert evidence.sniff(data[:64]) is kind
    assert evidence.inspect(data) == evidence.Inspection(ok=True, content_type=kind)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(HTML_NAMED_JPG, id="html named .jpg"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'/>", id="svg"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b"%PDF-1.7\n", id="pdf"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 40, id="zip"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, id="png signature without IHDR"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20, id="wav"),
        pytest.param(b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif" + b"\x00" * 8, id="avif"),
        pytest.param(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42" + b"\x00" * 8, id="mp4"),
        pytest.param(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif" + b"\x00" * 8, id="heif, not hevc"),
        pytest.param(b"\x00\x00\x00\x05ftypheic" + b"\x00" * 8, id="ftyp box too short"),
        pytest.param(b"\xff\xd8", id="two bytes of jpeg"),
    ],
)
def test_anything_else_is_not_an_image(data: bytes) -> None:
    assert evidence.sniff(data[:64]) is None
    assert evidence.inspect(data).reason is QuarantineReason.NOT_AN_IMAGE


def test_size_is_the_objects_own() -> None:
    assert evidence.inspect(b"").reason is QuarantineReason.EMPTY
    at_limit = jpeg(pad=0)
    at_limit += b"\x00" * (evidence.MAX_BYTES - len(at_limit))
    assert evidence.inspect(at_limit).ok
    assert evidence.inspect(at_limit + b"\x00").reason is QuarantineReason.TOO_LARGE
    assert evidence.MAX_BYTES == 10 * MB
    assert evidence.check_size(evidence.MAX_BYTES + 1) is QuarantineReason.TOO_LARGE
    assert evidence.check_size(0) is QuarantineReason.EMPTY


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("image/jpeg", ImageType.JPEG),
        ("image/jpg", ImageType.JPEG),
        (" IMAGE/JPEG ", ImageType.JPEG),
        ("image/png; charset=binary", ImageType.PNG),
        ("image/heif", ImageType.HEIC),
        ("image/heic", ImageType.HEIC),
        ("image/webp", ImageType.WEBP),
    ],
)
def test_declared_types_and_their_aliases(declared: str, kept: ImageType) -> None:
    assert evidence.accepted_type(declared) is kept


@pytest.mark.parametrize("declared", ["image/gif", "text/html", "application/pdf", "image/svg+xml", ""])
def test_other_declared_types_are_refused_naming_the_field(declared: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        evidence.accepted_type(declared)
    assert (refused.value.field, refused.value.code) == ("content_type", "photo_type_not_allowed")


def test_a_declared_size_over_the_limit_is_refused() -> None:
    evidence.check_declared_size(evidence.MAX_BYTES)
    with pytest.raises(InvalidInput) as refused:
        evidence.check_declared_size(evidence.MAX_BYTES + 1)
    assert (refused.value.field, refused.value.code, refused.value.params) == (
        "size",
        "photo_too_large",
        {"limit_mb": 10},
    )


def test_keys_are_chosen_by_the_server_under_the_owners_prefix() -> None:
    key = evidence.upload_key(OwnerKind.TICKET, TICKET_ID, PHOTO_ID)
    assert key == f"uploads/ticket/{TICKET_ID}/{PHOTO_ID}"
    assert evidence.parse_upload_key(key) == evidence.UploadKey(OwnerKind.TICKET, TICKET_ID, PHOTO_ID)
    report_key = evidence.upload_key(OwnerKind.REPORT, "ql-2026-0007", PHOTO_ID)
    assert evidence.parse_upload_key(report_key) == evidence.UploadKey(OwnerKind.REPORT, "ql-2026-0007", PHOTO_ID)
    assert evidence.quarantine_key(key, "v1") == f"quarantine/{key}/v1"
    with pytest.raises(ValueError, match="not an upload key"):
        evidence.upload_key(OwnerKind.TICKET, "../../etc", PHOTO_ID)


@pytest.mark.parametrize(
    "key",
    [
        f"uploads/ticket/{TICKET_ID}/{PHOTO_ID}.jpg",
        f"uploads/ticket/{TICKET_ID}/../{PHOTO_ID}",
        f"uploads/report/{TICKET_ID}/{PHOTO_ID}",
        f"uploads/ticket/ql-2026-0007/{PHOTO_ID}",
        f"quarantine/uploads/ticket/{TICKET_ID}/{PHOTO_ID}",
        f"uploads/ticket/{TICKET_ID.upper()}/{PHOTO_ID}",
        "uploads/ticket/x/y",
    ],
)
def test_keys_of_any_other_shape_are_not_uploads(key: str) -> None:
    assert evidence.parse_upload_key(key) is None


def _slot(state: PhotoState = PhotoState.PENDING, minutes_ago: float = 0) -> Photo:
    slot = evidence.new_slot(
        OwnerKind.TICKET,
        TICKET_ID,
        "ql",
        PHOTO_ID,
        ImageType.JPEG,
        1000,
        "a.jpg",
        OPERATOR,
        T0 - timedelta(minutes=minutes_ago),
    )
    return slot.model_copy(update={"state": state})


def test_stored_photos_and_open_slots_count_against_the_limit() -> None:
    limit = evidence.MAX_PHOTOS[OwnerKind.TICKET]
    assert _slot().slot_expires_at == to_iso(T0 + timedelta(seconds=evidence.UPLOAD_EXPIRY_SECONDS))
    evidence.check_room(OwnerKind.TICKET, [_slot(PhotoState.STORED)] * (limit - 1), T0)
    with pytest.raises(evidence.PhotoLimitReached):
        evidence.check_room(OwnerKind.TICKET, [_slot(PhotoState.STORED)] * (limit - 1) + [_slot()], T0)
    # expired slots and refused files do not count
    others = [_slot(minutes_ago=10), _slot(PhotoState.QUARANTINED)]
    evidence.check_room(OwnerKind.TICKET, [_slot(PhotoState.STORED)] * (limit - 1) + others, T0)
    assert not evidence.visible(_slot(minutes_ago=10), T0)
    assert evidence.visible(_slot(PhotoState.QUARANTINED, minutes_ago=10), T0)
