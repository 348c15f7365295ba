"""When a photo was taken, from its EXIF ``DateTimeOriginal`` (a small reader, no imaging library).

EXIF is a TIFF structure carried in a JPEG APP1 segment (``Exif\\0\\0``), a PNG ``eXIf`` chunk or
a WebP ``EXIF`` chunk. HEIC keeps it in an item of its ``meta`` box, which this reader does not
walk: a HEIC photo has no capture time here (its upload time is still recorded).

``DateTimeOriginal`` is local time without a zone. ``OffsetTimeOriginal`` (EXIF 2.31) gives the
offset when the camera wrote one; otherwise the time is read in the site's time zone, where the
photo was taken. Malformed data never raises: it just has no capture time.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from frontdesk.clock import to_iso

_EXIF_IFD_POINTER = 0x8769
_DATE_TIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_ASCII = 2
_MAX_ENTRIES = 512
_MAX_SEGMENTS = 256
_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class CaptureTime:
    local: str  # as written in the photo, "YYYY:MM:DD HH:MM:SS"
    at: str  # UTC ISO-8601
    offset_known: bool


def capture_time(data: bytes, site_timezone: str) -> CaptureTime | None:
    tiff = exif_tiff(data)
    if tiff is None:
        return None
    try:
        fields = _exif_fields(tiff)
    except (struct.error, IndexError, ValueError):
        return None
    original = fields.get(_DATE_TIME_ORIGINAL)
    if original is None:
        return None
    match = _DATE.match(original)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = _offset(fields.get(_OFFSET_TIME_ORIGINAL))
    moment = naive.replace(tzinfo=offset) if offset is not None else naive.replace(tzinfo=ZoneInfo(site_timezone))
    return CaptureTime(local=original, at=to_iso(moment), offset_known=offset is not None)


def _offset(text: str | None) -> timezone | None:
    match = _OFFSET.match(text or "")
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


# ------------------------------------------------------------------------------------------- containers


def exif_tiff(data: bytes) -> bytes | None:
    """The TIFF block of the file's EXIF, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg_exif(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _png_exif(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_exif(data)
    return None


def _jpeg_exif(data: bytes) -> bytes | None:
    offset = 2
    for _ in range(_MAX_SEGMENTS):
        if offset + 4 > len(data) or data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            offset += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no EXIF after this
            return None
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if length < 2:
            return None
        payload = data[offset + 4 : offset + 2 + length]
        if marker == 0xE1 and payload[:6] == b"Exif\x00\x00":
            return payload[6:]
        offset += 2 + length
    return None


def _png_exif(data: bytes) -> bytes | None:
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"eXIf":
            return data[offset + 8 : offset + 8 + length]
        if kind == b"IEND":
            return None
        offset += 12 + length
    return None


def _webp_exif(data: bytes) -> bytes | None:
    offset = 12
    while offset + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[offset : offset + 8])
        if kind == b"EXIF":
            chunk = data[offset + 8 : offset + 8 + length]
            return chunk[6:] if chunk[:6] == b"Exif\x00\x00" else chunk
        offset += 8 + length + (length & 1)
    return None


# ------------------------------------------------------------------------------------------- TIFF


def _exif_fields(tiff: bytes) -> dict[int, str]:
    """ASCII fields of IFD0 and the EXIF IFD, by tag."""
    order = tiff[:2]
    if order not in (b"II", b"MM"):
        raise ValueError("not TIFF")
    endian = "<" if order == b"II" else ">"
    (magic, ifd0) = struct.unpack(endian + "HI", tiff[2:8])
    if magic != 42:
        raise ValueError("not TIFF")
    fields, pointers = _ifd(tiff, endian, ifd0)
    exif_ifd = pointers.get(_EXIF_IFD_POINTER)
    if exif_ifd is not None:
        more, _ = _ifd(tiff, endian, exif_ifd)
        fields.update(more)
    return fields


def _ifd(tiff: bytes, endian: str, offset: int) -> tuple[dict[int, str], dict[int, int]]:
    (count,) = struct.unpack(endian + "H", tiff[offset : offset + 2])
    if count > _MAX_ENTRIES:
        raise ValueError("implausible IFD")
    texts: dict[int, str] = {}
    pointers: dict[int, int] = {}
    for index in range(count):
        entry = tiff[offset + 2 + 12 * index : offset + 14 + 12 * index]
        tag, kind, length = struct.unpack(endian + "HHI", entry[:8])
        if tag == _EXIF_IFD_POINTER:
            (pointers[tag],) = struct.unpack(endian + "I", entry[8:12])
        elif kind == _ASCII and tag in (_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL):
            if length <= 4:
                raw = entry[8 : 8 + length]
            else:
                (start,) = struct.unpack(endian + "I", entry[8:12])
                raw = tiff[start : start + length]
            texts[tag] = raw.split(b"\x00", 1)[0].decode("ascii", errors="replace").strip()
    return texts, pointers
