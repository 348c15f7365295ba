"""What an upload may be and what its bytes really are: keys, declared types and sizes, magic numbers, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from frontdesk.clock import to_iso
from frontdesk.domain import evidence
from frontdesk.domain.errors import InvalidInput
from frontdesk.models.photo import ImageType, OwnerKind, Photo, PhotoState, QuarantineReason, UploadRequest

from .builders import OPERATOR, T0, TICKET_ID
from .photo_samples import HTML_NAMED_JPG, MB, comment, heic, jpeg, jpeg_with, png, png_chunk, webp

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


POLYGLOT = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(jpeg()[:4] + POLYGLOT, QuarantineReason.MALFORMED_IMAGE, id="jpeg header then html"),
        pytest.param(jpeg() + POLYGLOT, QuarantineReason.MALFORMED_IMAGE, id="html after jpeg EOI"),
        pytest.param(jpeg()[:-2], QuarantineReason.MALFORMED_IMAGE, id="jpeg without EOI"),
        pytest.param(jpeg() + b"\x00", QuarantineReason.MALFORMED_IMAGE, id="one byte after EOI"),
        pytest.param(jpeg_with(b"\xff\xe0\xff\xff"), QuarantineReason.MALFORMED_IMAGE, id="segment past the end"),
        pytest.param(jpeg_with(comment(POLYGLOT)), QuarantineReason.EMBEDDED_MARKUP, id="html in a jpeg comment"),
        pytest.param(jpeg_with(comment(b"x<script src=//e.vil>")), QuarantineReason.EMBEDDED_MARKUP, id="script"),
        pytest.param(png() + POLYGLOT, QuarantineReason.MALFORMED_IMAGE, id="html after png IEND"),
        pytest.param(png_chunk(b"tEXt", b"c\x00" + POLYGLOT), QuarantineReason.EMBEDDED_MARKUP, id="png text chunk"),
        pytest.param(png()[:23] + b"\x02" + png()[24:], QuarantineReason.MALFORMED_IMAGE, id="png bad crc"),
        pytest.param(webp() + POLYGLOT, QuarantineReason.MALFORMED_IMAGE, id="html after webp"),
        pytest.param(
            heic()[:-64] + b"\x00\x00\x00\x64mdat" + b"\x00" * 10, QuarantineReason.MALFORMED_IMAGE, id="heic box"
        ),
        pytest.param(
            heic() + b"\x00\x00\x00\x5a" + b"mdat" + POLYGLOT[:82], QuarantineReason.EMBEDDED_MARKUP, id="heic"
        ),
    ],
)
def test_polyglots_are_refused_after_the_magic_numbers_pass(data: bytes, reason: QuarantineReason) -> None:
    assert evidence.sniff(data[:64]) is not None
    assert evidence.inspect(data) == evidence.Inspection(ok=False, reason=reason)


def test_markup_like_bytes_that_are_not_tags_are_kept() -> None:
    assert evidence.inspect(jpeg_with(comment(b"a<b and <htmlx <scripts <!-- fine"))).ok


def test_a_jpeg_scan_may_hold_stuffed_bytes_restart_markers_and_fill_bytes() -> None:
    whole = jpeg()
    eoi = len(whole) - 2
    assert evidence.inspect(whole[:eoi] + b"\xff\x00\xff\xd3\x12\xff\xff\xd9").ok


def test_size_is_the_objects_own() -> None:
    assert evidence.inspect(b"").reason is QuarantineReason.EMPTY
    at_limit = jpeg(pad=evidence.MAX_BYTES - len(jpeg(pad=0)))
    assert len(at_limit) == evidence.MAX_BYTES
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


def test_keys_are_chosen_by_the_server_and_name_no_ticket_or_report() -> None:
    key = evidence.upload_key(OwnerKind.TICKET, PHOTO_ID)
    assert key == f"uploads/ticket/{PHOTO_ID}"
    assert evidence.parse_upload_key(key) == evidence.UploadKey(OwnerKind.TICKET, PHOTO_ID)
    report_key = evidence.upload_key(OwnerKind.REPORT, PHOTO_ID)
    assert evidence.parse_upload_key(report_key) == evidence.UploadKey(OwnerKind.REPORT, PHOTO_ID)
    assert evidence.quarantine_key(key, "v1") == f"quarantine/{key}/v1"
    with pytest.raises(ValueError, match="not an upload key"):
        evidence.upload_key(OwnerKind.TICKET, "../../etc")
    slot = evidence.new_slot(OwnerKind.TICKET, TICKET_ID, "ql", PHOTO_ID, ImageType.JPEG, 1, "", OPERATOR, T0)
    assert TICKET_ID not in slot.key


def test_an_upload_after_the_slot_expired_is_too_late() -> None:
    slot = evidence.new_slot(OwnerKind.TICKET, TICKET_ID, "ql", PHOTO_ID, ImageType.JPEG, 1, "", OPERATOR, T0)
    expiry = T0 + timedelta(seconds=evidence.UPLOAD_EXPIRY_SECONDS)
    grace = timedelta(seconds=evidence.UPLOAD_GRACE_SECONDS)
    assert not evidence.uploaded_too_late(slot, to_iso(T0))
    assert not evidence.uploaded_too_late(slot, to_iso(expiry + grace))
    assert evidence.uploaded_too_late(slot, to_iso(expiry + grace + timedelta(seconds=1)))


@pytest.mark.parametrize(
    "key",
    [
        f"uploads/ticket/{PHOTO_ID}.jpg",
        f"uploads/ticket/../{PHOTO_ID}",
        f"uploads/ticket/{TICKET_ID}/{PHOTO_ID}",
        f"uploads/incident/{PHOTO_ID}",
        f"quarantine/uploads/ticket/{PHOTO_ID}",
        f"uploads/ticket/{PHOTO_ID.upper()}",
        "uploads/ticket/x",
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


def test_a_file_name_that_reorders_itself_is_refused() -> None:
    """Staff read the original name: "photo\u202egpj.exe" would show as "photoexe.jpg"."""
    with pytest.raises(ValidationError) as refused:
        UploadRequest(content_type="image/jpeg", size=1, filename="photo\u202egpj.exe")
    assert [(e["loc"], str(e["ctx"]["error"])) for e in refused.value.errors()] == [(("filename",), "bidi_control")]
    assert UploadRequest(content_type="image/jpeg", size=1, filename="漏水 (1).jpg").filename == "漏水 (1).jpg"
