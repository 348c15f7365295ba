"""Evidence packs for an insurer, and re-checking them (the staff API's service; the CLI uses it too).

A pack is built from what is on record: the report, its timeline, the ticket it came from and
that ticket's timeline, and every verified photo of both, read back from the exact S3 version
that was verified and locked. It is written to a spooled temporary file (memory, then /tmp),
stored under packs/ and handed out as a short-lived link: packs can be far larger than an API
response may be. The pack's record keeps the hash of its manifest, so a pack brought back later
is checked against what was made, not only against itself.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any, Final

from frontdesk.app.ports import Bucket, PackRecords, PhotoRecords, SiteLookup, TicketHistory
from frontdesk.clock import Clock, to_iso
from frontdesk.domain import evidence
from frontdesk.domain.errors import DomainError, ErrorCode, InvalidInput, NotFound
from frontdesk.domain.incidents import check_may_read
from frontdesk.evidence import report_html
from frontdesk.evidence.pack import MANIFEST, PackEntry, verify_pack, write_pack
from frontdesk.models.identifiers import new_hex_id
from frontdesk.models.incident import (
    EvidencePackOut,
    IncidentReport,
    Verification,
    VerifyRequest,
    VerifyUploadSlot,
)
from frontdesk.models.photo import EXTENSIONS, OwnerKind, Photo, PhotoState
from frontdesk.models.ticket import Actor

MAX_PACK_BYTES: Final = 512 * 1024 * 1024
PACK_LINK_SECONDS: Final = 600
SPOOL_BYTES: Final = 64 * 1024 * 1024


class OriginalMissing(DomainError, code=ErrorCode.EVIDENCE_ORIGINAL_MISSING, status=409): ...


def photo_path(owner_kind: OwnerKind, index: int, photo: Photo) -> str:
    extension = EXTENSIONS[photo.content_type] if photo.content_type else "bin"
    return f"photos/{owner_kind.value}/{index:02d}-{photo.photo_id}.{extension}"


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sha256_file(file: IO[bytes]) -> tuple[str, int]:
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class EvidenceDesk:
    reports: PackRecords
    tickets: TicketHistory
    photos: PhotoRecords
    sites: SiteLookup
    bucket: Bucket
    clock: Clock
    new_id: Callable[[], str] = new_hex_id

    # ------------------------------------------------------------------ making a pack

    def build(self, report_id: str, actor: Actor, language: str) -> EvidencePackOut:
        check_may_read(actor)
        report = self._report(report_id)
        site = self.sites.get(report.site_id)
        if site is None:
            raise NotFound(field="site_id", code=ErrorCode.SITE_NOT_FOUND)
        ticket = self.tickets.get(report.ticket_id) if report.ticket_id else None
        now = self.clock.now()
        pack_id = self.new_id()
        originals = self._originals(report)
        timeline = self.reports.timeline(report_id)
        html = report_html.render(
            report,
            site,
            [(path, p.sha256 or "", p.captured_at or "") for path, p in originals if p.owner_kind is OwnerKind.REPORT],
            timeline,
            language,
            to_iso(now),
        )
        entries = [
            PackEntry("report.html", "report", "text/html", lambda: html.encode("utf-8")),
            PackEntry("report.json", "record", "application/json", lambda: _json(report.model_dump(mode="json"))),
            PackEntry(
                "report/timeline.json",
                "timeline",
                "application/json",
                lambda: _json([e.model_dump(mode="json") for e in timeline]),
            ),
        ]
        if ticket is not None:
            found = ticket
            entries += [
                PackEntry(
                    "ticket/ticket.json",
                    "record",
                    "application/json",
                    lambda: _json(found.model_dump(mode="json", exclude={"contact"})),
                ),
                PackEntry(
                    "ticket/timeline.json",
                    "timeline",
                    "application/json",
                    lambda: _json([e.model_dump(mode="json") for e in self.tickets.timeline(found.ticket_id)]),
                ),
            ]
        entries += [self._photo_entry(path, photo) for path, photo in originals]
        meta = {
            "pack_id": pack_id,
            "report_id": report.report_id,
            "number": report.number,
            "site_id": report.site_id,
            "ticket_id": report.ticket_id,
            "generated_at": to_iso(now),
            "generated_by": actor.id,
            "language": language,
        }
        key = evidence.pack_key(report_id, pack_id)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
            written = write_pack(file, entries, meta, now)
            zip_sha256, size = _sha256_file(file)
            version_id = self.bucket.upload(key, file, "application/zip")
        self.reports.put_pack(
            report_id,
            {
                "pack_id": pack_id,
                "key": key,
                "version_id": version_id or "",
                "sha256": zip_sha256,
                "size": size,
                "manifest_sha256": written.manifest_sha256,
                "files": len(written.manifest["files"]),
                "generated_at": to_iso(now),
                "generated_by": actor.id,
            },
        )
        url = self.bucket.presigned_get(
            key, version_id, "application/zip", f"{report.number}-evidence.zip", PACK_LINK_SECONDS
        )
        return EvidencePackOut(
            pack_id=pack_id,
            report_id=report_id,
            url=url,
            url_expires_at=to_iso(now + timedelta(seconds=PACK_LINK_SECONDS)),
            size=size,
            sha256=zip_sha256,
            manifest_sha256=written.manifest_sha256,
            files=len(written.manifest["files"]) + 1,
        )

    def _originals(self, report: IncidentReport) -> list[tuple[str, Photo]]:
        """Every verified photo of the report and of its ticket, with its path in a pack."""
        owners = [(OwnerKind.REPORT, report.report_id)]
        if report.ticket_id:
            owners.append((OwnerKind.TICKET, report.ticket_id))
        found: list[tuple[str, Photo]] = []
        for kind, owner_id in owners:
            stored = [p for p in self.photos.of(kind, owner_id) if p.state is PhotoState.STORED]
            found += [(photo_path(kind, index, photo), photo) for index, photo in enumerate(stored, start=1)]
        return found

    def _photo_entry(self, path: str, photo: Photo) -> PackEntry:
        def read() -> bytes:
            data = self.bucket.read(photo.key, photo.version_id, evidence.MAX_BYTES + 1)
            if data is None:
                raise OriginalMissing(field="photos", photo_id=photo.photo_id)
            return data

        return PackEntry(
            path,
            "photo",
            photo.content_type.value if photo.content_type else "application/octet-stream",
            read,
            {
                "photo_id": photo.photo_id,
                "recorded_sha256": photo.sha256,
                "captured_at": photo.captured_at,
                "captured_local": photo.captured_local,
                "uploaded_at": photo.uploaded_at,
                "uploaded_by": photo.uploaded_by.kind.value,
                "source": {"key": photo.key, "version_id": photo.version_id},
            },
        )

    # ------------------------------------------------------------------ checking

    def verify_slot(self, report_id: str, actor: Actor) -> VerifyUploadSlot:
        """A presigned POST to bring a pack back (from the insurer, say) to be checked."""
        check_may_read(actor)
        self._report(report_id)
        upload_id = self.new_id()
        url, fields = self.bucket.presigned_post(
            evidence.verify_key(report_id, upload_id), None, MAX_PACK_BYTES, evidence.UPLOAD_EXPIRY_SECONDS
        )
        expires = self.clock.now() + timedelta(seconds=evidence.UPLOAD_EXPIRY_SECONDS)
        return VerifyUploadSlot(
            upload_id=upload_id, url=url, fields=fields, max_bytes=MAX_PACK_BYTES, expires_at=to_iso(expires)
        )

    def verify(self, report_id: str, request: VerifyRequest, actor: Actor) -> Verification:
        check_may_read(actor)
        report = self._report(report_id)
        if request.pack_id and request.upload_id:
            raise InvalidInput(field="upload_id", code=ErrorCode.EVIDENCE_VERIFY_ONE)
        recorded = {p.photo_id: p.sha256 or "" for _, p in self._originals(report)}
        if request.pack_id:
            record = self.reports.get_pack(report_id, request.pack_id)
            if record is None:
                raise NotFound(field="pack_id", code=ErrorCode.EVIDENCE_PACK_NOT_FOUND)
            version = str(record.get("version_id") or "") or None
            return self._check(report_id, str(record["key"]), version, recorded, str(record["manifest_sha256"]), "pack")
        if request.upload_id:
            key = evidence.verify_key(report_id, request.upload_id)
            found = self.bucket.head(key)
            if found is None:
                raise NotFound(field="upload_id", code=ErrorCode.EVIDENCE_UPLOAD_NOT_FOUND)
            if found.size > MAX_PACK_BYTES:
                raise InvalidInput(
                    field="upload_id", code=ErrorCode.EVIDENCE_PACK_TOO_LARGE, limit_mb=MAX_PACK_BYTES >> 20
                )
            return self._check(report_id, key, found.version_id, recorded, None, "upload")
        return self.verify_originals(report)

    def verify_originals(self, report: IncidentReport) -> Verification:
        """Re-hash every verified original in the bucket against the hash recorded at upload."""
        checked: list[str] = []
        changed: list[str] = []
        missing: list[str] = []
        for path, photo in self._originals(report):
            data = self.bucket.read(photo.key, photo.version_id, evidence.MAX_BYTES + 1)
            if data is None:
                missing.append(path)
                continue
            checked.append(path)
            if evidence.sha256(data) != photo.sha256:
                changed.append(path)
        return Verification(
            ok=not (changed or missing),
            subject="originals",
            checked=checked,
            changed=changed,
            missing=missing,
            unexpected=[],
        )

    def _check(
        self,
        report_id: str,
        key: str,
        version_id: str | None,
        recorded: dict[str, str],
        manifest_sha256: str | None,
        subject: str,
    ) -> Verification:
        with tempfile.TemporaryFile() as file:
            self.bucket.download(key, version_id, file)
            file.seek(0)
            if manifest_sha256 is None:
                manifest_sha256 = self._made_manifest_sha256(report_id, file)
                file.seek(0)
            return verify_pack(file, recorded, manifest_sha256, subject=subject)

    def _made_manifest_sha256(self, report_id: str, file: IO[bytes]) -> str | None:
        """A pack brought back names the pack it claims to be: its manifest is checked against that pack's record."""
        try:
            with zipfile.ZipFile(file) as archive:
                manifest = json.loads(archive.read(MANIFEST))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return None
        if not isinstance(manifest, dict):
            return None
        pack_id = manifest.get("pack_id")
        if not isinstance(pack_id, str) or manifest.get("report_id") != report_id:
            return None
        record = self.reports.get_pack(report_id, pack_id)
        return str(record["manifest_sha256"]) if record else None

    def _report(self, report_id: str) -> IncidentReport:
        report = self.reports.get(report_id)
        if report is None:
            raise NotFound(field="report_id", code=ErrorCode.INCIDENT_REPORT_NOT_FOUND)
        return report
