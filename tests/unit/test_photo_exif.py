"""The capture time from EXIF DateTimeOriginal: JPEG APP1, PNG eXIf, WebP EXIF; site time unless the
photo carries its offset; nothing (never an error) when it is absent or malformed."""

from __future__ import annotations

import random
import struct

import pytest

from frontdesk.domain.exif import CaptureTime, capture_time, exif_tiff

from .photo_samples import heic, jpeg, png, tiff_exif, webp

SHANGHAI = "Asia/Shanghai"


def test_a_jpeg_taken_in_shanghai() -> None:
    assert capture_time(jpeg(date="2026:11:22 09:58:01"), SHANGHAI) == CaptureTime(
        local="2026:11:22 09:58:01", at="2026-11-22T01:58:01.000Z", offset_known=False
    )


def test_the_photos_own_offset_wins_over_the_sites_zone() -> None:
    taken = capture_time(jpeg(date="2026:11:22 09:58:01", offset="+09:00"), SHANGHAI)
    assert taken is not None
    assert (taken.at, taken.offset_known) == ("2026-11-22T00:58:01.000Z", True)
    west = capture_time(jpeg(date="2026:11:22 09:58:01", offset="-05:30"), SHANGHAI)
    assert west is not None and west.at == "2026-11-22T15:28:01.000Z"


def test_a_nonsense_offset_falls_back_to_the_site() -> None:
    taken = capture_time(jpeg(offset="+99:00"), SHANGHAI)
    assert taken is not None and taken.offset_known is False


def test_the_site_zone_decides_without_an_offset() -> None:
    taken = capture_time(jpeg(date="2026:07:01 12:00:00"), "Europe/London")
    assert taken is not None and taken.at == "2026-07-01T11:00:00.000Z"  # summer time


def test_big_endian_tiff_is_read_too() -> None:
    data = b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(tiff_exif(big_endian=True)))
    data += b"Exif\x00\x00" + tiff_exif(big_endian=True) + b"\xff\xd9"
    taken = capture_time(data, SHANGHAI)
    assert taken is not None and taken.local == "2026:11:22 09:58:01"


def test_png_and_webp_carry_exif_in_chunks() -> None:
    assert capture_time(png(date="2026:01:02 03:04:05"), SHANGHAI) == CaptureTime(
        "2026:01:02 03:04:05", "2026-01-01T19:04:05.000Z", False
    )
    taken = capture_time(webp(date="2026:01:02 03:04:05"), SHANGHAI)
    assert taken is not None and taken.at == "2026-01-01T19:04:05.000Z"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(jpeg(exif=False), id="jpeg without exif"),
        pytest.param(jpeg(date=None), id="exif without DateTimeOriginal"),
        pytest.param(jpeg(date="0000:00:00 00:00:00"), id="zero date"),
        pytest.param(jpeg(date="2026:13:45 25:61:00"), id="impossible date"),
        pytest.param(jpeg(date="yesterday"), id="not a date"),
        pytest.param(png(), id="png without eXIf"),
        pytest.param(webp(), id="webp without EXIF"),
        pytest.param(heic(), id="heic: not read"),
        pytest.param(b"", id="empty"),
    ],
)
def test_no_capture_time(data: bytes) -> None:
    assert capture_time(data, SHANGHAI) is None


def test_malformed_exif_never_raises() -> None:
    for whole in (jpeg(), png(date="2026:01:02 03:04:05"), webp(date="2026:01:02 03:04:05")):
        for cut in range(len(whole)):
            capture_time(whole[:cut], SHANGHAI)
    tiff = tiff_exif()
    rng = random.Random(20261122)  # fuzzing, not secrets
    for _ in range(500):
        mangled = bytearray(tiff)
        for _ in range(rng.randint(1, 6)):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        capture_time(jpeg_with(bytes(mangled)), SHANGHAI)


def test_an_implausible_ifd_is_refused_quickly() -> None:
    tiff = b"II" + struct.pack("<HI", 42, 8) + struct.pack("<H", 0xFFFF) + b"\x00" * 64
    assert capture_time(jpeg_with(tiff), SHANGHAI) is None


def test_exif_is_only_looked_for_before_the_image_data() -> None:
    late = jpeg(exif=False)[:-2] + b"\xff\xe1\x00\x10Exif\x00\x00" + b"\x00" * 8 + b"\xff\xd9"
    assert exif_tiff(late) is None


def jpeg_with(tiff: bytes) -> bytes:
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + b"\xff\xd9"
