"""Image files made byte by byte for the photo tests: the structures photo_ingest reads (magic numbers,
EXIF in a JPEG APP1 segment, a PNG eXIf chunk, a WebP EXIF chunk, a HEIC ftyp box), and files that
only pretend to be photos. No imaging library: what is checked is exactly what is written here."""

from __future__ import annotations

import struct
import zlib

MB = 1024 * 1024
HTML_NAMED_JPG = b"<!DOCTYPE html>\n<html><body><script>alert('not a photo')</script></body></html>\n"


def tiff_exif(date: str | None = "2026:11:22 09:58:01", offset: str | None = None, big_endian: bool = False) -> bytes:
    """A TIFF block: IFD0 with an ExifIFD pointer; the EXIF IFD with DateTimeOriginal (and OffsetTimeOriginal)."""
    e = ">" if big_endian else "<"
    fields: list[tuple[int, bytes]] = []
    if date is not None:
        fields.append((0x9003, date.encode("ascii") + b"\x00"))
    if offset is not None:
        fields.append((0x9011, offset.encode("ascii") + b"\x00"))
    ifd0_offset = 8
    ifd0_size = 2 + 12 + 4
    exif_offset = ifd0_offset + ifd0_size
    exif_size = 2 + 12 * len(fields) + 4
    data_offset = exif_offset + exif_size
    header = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, ifd0_offset)
    ifd0 = struct.pack(e + "H", 1) + struct.pack(e + "HHII", 0x8769, 4, 1, exif_offset) + struct.pack(e + "I", 0)
    entries = b""
    values = b""
    for tag, value in fields:
        if len(value) <= 4:
            entries += struct.pack(e + "HHI", tag, 2, len(value)) + value.ljust(4, b"\x00")
        else:
            entries += struct.pack(e + "HHII", tag, 2, len(value), data_offset + len(values))
            values += value
    exif = struct.pack(e + "H", len(fields)) + entries + struct.pack(e + "I", 0)
    return header + ifd0 + exif + values


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(date: str | None = "2026:11:22 09:58:01", offset: str | None = None, pad: int = 0, exif: bool = True) -> bytes:
    """SOI, APP0 (JFIF), APP1 (Exif), a quantisation table, SOS, scan data, EOI."""
    parts = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if exif:
        parts.append(_segment(0xE1, b"Exif\x00\x00" + tiff_exif(date, offset)))
    parts.append(_segment(0xDB, b"\x00" + bytes(range(64))))
    parts.append(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"))
    parts.append(b"\x12\x34" * 32 + b"\x00" * pad)
    parts.append(b"\xff\xd9")
    return b"".join(parts)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(date: str | None = None) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunks = [_chunk(b"IHDR", ihdr)]
    if date is not None:
        chunks.append(_chunk(b"eXIf", tiff_exif(date)))
    chunks.append(_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")))
    chunks.append(_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def webp(date: str | None = None) -> bytes:
    body = b"WEBP" + b"VP8 " + struct.pack("<I", 10) + b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00"
    if date is not None:
        exif = b"Exif\x00\x00" + tiff_exif(date)
        body += b"EXIF" + struct.pack("<I", len(exif)) + exif + (b"\x00" if len(exif) % 2 else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body


def heic(major: bytes = b"heic", compatible: tuple[bytes, ...] = (b"mif1", b"heic")) -> bytes:
    box = b"ftyp" + major + struct.pack(">I", 0) + b"".join(compatible)
    return struct.pack(">I", len(box) + 4) + box + b"\x00\x00\x00\x08free" + b"\x00" * 64


def oversize() -> bytes:
    """A real JPEG header, then more than 10 MB."""
    return jpeg(pad=10 * MB)


def comment(text: bytes) -> bytes:
    """A JPEG COM segment: where a polyglot can hide markup inside a well-formed file."""
    return _segment(0xFE, text)


def jpeg_with(segment: bytes) -> bytes:
    """A well-formed JPEG with one more segment after SOI."""
    whole = jpeg()
    return whole[:2] + segment + whole[2:]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG with one more (valid) chunk after IHDR."""
    whole = png()
    ihdr_end = 8 + 12 + 13
    return whole[:ihdr_end] + _chunk(kind, data) + whole[ihdr_end:]
