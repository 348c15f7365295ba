"""The evidence pack as a file: writing it and checking it. Pure (zipfile and hashlib; no AWS).

    report.html                     the report, readable offline (photos shown from photos/)
    report.json                     the report as recorded
    report/timeline.json            every change to the report: who, when, what
    ticket/ticket.json              the ticket it came from (contact details left out)
    ticket/timeline.json            the ticket's timeline
    photos/report/NN-<id>.<ext>     the original photos, byte for byte, the verified version
    photos/ticket/NN-<id>.<ext>
    manifest.json                   per file: path, SHA-256, size, type; for photos also the hash
                                    recorded when the upload was verified, capture and upload time

A pack verifies when every file the manifest names is present with its hash, nothing else is in
it, and every photo's hash is the one recorded at upload. Given the hash of the manifest as made
(kept with the pack's record), a manifest edited to match an edited file is caught as well.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, Final

from frontdesk.models.incident import Verification

FORMAT: Final = "frontdesk-evidence-pack/1"
MANIFEST: Final = "manifest.json"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PackEntry:
    path: str
    kind: str  # report, record, timeline, photo
    content_type: str
    read: Callable[[], bytes]
    photo: dict[str, Any] = field(default_factory=dict)  # photo_id, recorded_sha256, captured_at, uploaded_at, source


@dataclass(frozen=True)
class WrittenPack:
    manifest: dict[str, Any]
    manifest_sha256: str


def _info(path: str, when: datetime, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def write_pack(target: IO[bytes], entries: Iterable[PackEntry], meta: Mapping[str, Any], when: datetime) -> WrittenPack:
    """Write the files and then their manifest; each file is read once, hashed as written."""
    files: list[dict[str, Any]] = []
    with zipfile.ZipFile(target, "w") as archive:
        for entry in entries:
            if entry.path == MANIFEST or any(f["path"] == entry.path for f in files):
                raise ValueError(f"duplicate path in pack: {entry.path}")
            data = entry.read()
            archive.writestr(_info(entry.path, when, compress=entry.kind != "photo"), data)
            described: dict[str, Any] = {
                "path": entry.path,
                "kind": entry.kind,
                "content_type": entry.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            described.update(entry.photo)
            files.append(described)
        manifest = {"format": FORMAT, **meta, "files": files}
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        archive.writestr(_info(MANIFEST, when, compress=True), text)
    return WrittenPack(manifest, hashlib.sha256(text).hexdigest())


def _hash_member(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_pack(
    source: IO[bytes] | str,
    recorded: Mapping[str, str] | None = None,
    manifest_sha256: str | None = None,
    subject: str = "pack",
) -> Verification:
    """Re-hash every file of a pack against its manifest (and the hashes on record, when given).

    ``recorded`` maps photo ids to the SHA-256 recorded at upload; ``manifest_sha256`` is the
    manifest's hash when the pack was made. Either catches a file changed together with its line
    in the manifest."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return _unreadable(subject, "not_a_zip")
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if MANIFEST not in names:
            return _unreadable(subject, "manifest_missing")
        raw = archive.read(MANIFEST)
        try:
            manifest = json.loads(raw)
        except ValueError:
            return _unreadable(subject, "manifest_unreadable")
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != FORMAT
            or not isinstance(manifest.get("files"), list)
        ):
            return _unreadable(subject, "manifest_unreadable")
        changed: list[str] = []
        missing: list[str] = []
        checked: list[str] = []
        if manifest_sha256 is not None and hashlib.sha256(raw).hexdigest() != manifest_sha256:
            changed.append(MANIFEST)
        listed: set[str] = set()
        for described in manifest["files"]:
            path = str(described.get("path", ""))
            listed.add(path)
            if path not in names:
                missing.append(path)
                continue
            checked.append(path)
            actual = _hash_member(archive, path)
            on_record = (recorded or {}).get(str(described.get("photo_id", "")))
            expected = {str(described.get("sha256", ""))}
            if described.get("recorded_sha256"):
                expected.add(str(described["recorded_sha256"]))
            if on_record:
                expected.add(on_record)
            if expected != {actual}:
                changed.append(path)
        unexpected = sorted(set(names) - listed - {MANIFEST})
    return Verification(
        ok=not (changed or missing or unexpected),
        subject=subject,
        checked=checked,
        changed=changed,
        missing=missing,
        unexpected=unexpected,
    )


def _unreadable(subject: str, problem: str) -> Verification:
    return Verification(
        ok=False, subject=subject, checked=[], changed=[], missing=[], unexpected=[], problems=[problem]
    )
