"""Photos: upload slots and links for the APIs (PhotoDesk), verification on arrival (PhotoIngest).

Neither trusts the browser. PhotoDesk hands out a presigned POST for one server-chosen key with a
size range and a content type; S3 enforces those on AWS (moto does not), and PhotoIngest then
checks the stored bytes anyway: size, magic numbers, the slot it belongs to, the owner's limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from frontdesk.app.object_lock import Retention as Retention  # wiring builds it from here
from frontdesk.app.ports import (
    Bucket,
    PhotoRecords,
    ReportLookup,
    SiteLookup,
    TicketsByToken,
    require_report,
    require_ticket,
)
from frontdesk.app.tickets import CLIENT
from frontdesk.app.tokens import could_be_token, token_hash
from frontdesk.clock import Clock, to_iso
from frontdesk.domain import evidence
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, NotFound
from frontdesk.domain.exif import capture_time
from frontdesk.domain.incidents import check_may_read as check_may_read_reports
from frontdesk.domain.incidents import check_may_write as check_may_write_reports
from frontdesk.domain.permissions import may
from frontdesk.models.identifiers import new_hex_id
from frontdesk.models.incident import IncidentReport, ReportState
from frontdesk.models.photo import (
    OwnerKind,
    Photo,
    PhotoList,
    PhotoState,
    QuarantineReason,
    Refusal,
    StaffPhotoList,
    StaffPhotoView,
    UploadRequest,
    UploadSlot,
)
from frontdesk.models.ticket import TERMINAL, Actor, Ticket

logger = Logger(child=True)

DEFAULT_TIMEZONE = "Asia/Shanghai"


# ------------------------------------------------------------------------------------------- the APIs' side


@dataclass(frozen=True)
class PhotoDesk:
    photos: PhotoRecords
    bucket: Bucket
    tickets: TicketsByToken
    reports: ReportLookup
    clock: Clock
    new_id: Callable[[], str] = new_hex_id

    # ------------------------------------------------------------------ slots

    def slot_by_token(self, token: str, request: UploadRequest) -> UploadSlot:
        """The tenant adds photos while the request is open."""
        ticket = self._by_token(token)
        if ticket.status in TERMINAL:
            raise evidence.UploadsClosed(field="token", status=ticket.status.value)
        return self._slot(OwnerKind.TICKET, ticket.ticket_id, ticket.site_id, request, CLIENT)

    def slot_for_ticket(self, ticket_id: str, request: UploadRequest, actor: Actor) -> UploadSlot:
        """Any staff member who may read the ticket may photograph for it, open or closed."""
        if not may(actor, "read"):
            raise Forbidden(field="action", action="photos")
        ticket = self._ticket(ticket_id)
        return self._slot(OwnerKind.TICKET, ticket.ticket_id, ticket.site_id, request, actor)

    def slot_for_report(self, report_id: str, request: UploadRequest, actor: Actor) -> UploadSlot:
        check_may_write_reports(actor)
        report = self._report(report_id)
        if report.state is not ReportState.DRAFT:
            raise IllegalTransition(field="report_id", code=ErrorCode.INCIDENT_REPORT_SUBMITTED, number=report.number)
        return self._slot(OwnerKind.REPORT, report.report_id, report.site_id, request, actor)

    def _slot(
        self, owner_kind: OwnerKind, owner_id: str, site_id: str, request: UploadRequest, actor: Actor
    ) -> UploadSlot:
        declared = evidence.accepted_type(request.content_type)
        evidence.check_declared_size(request.size)
        now = self.clock.now()
        evidence.check_room(owner_kind, self.photos.of(owner_kind, owner_id), now)
        photo = evidence.new_slot(
            owner_kind,
            owner_id,
            site_id,
            self.new_id(),
            declared,
            request.size,
            request.filename,
            actor,
            now,
        )
        url, fields = self.bucket.presigned_post(
            photo.key, declared.value, evidence.MAX_BYTES, evidence.UPLOAD_EXPIRY_SECONDS
        )
        self.photos.put_slot(photo)
        return UploadSlot(
            photo_id=photo.photo_id,
            url=url,
            fields=fields,
            content_type=declared,
            max_bytes=evidence.MAX_BYTES,
            expires_at=photo.slot_expires_at,
        )

    # ------------------------------------------------------------------ lists with links

    def list_by_token(self, token: str) -> PhotoList:
        ticket = self._by_token(token)
        now = self.clock.now()
        photos = [p for p in self.photos.of(OwnerKind.TICKET, ticket.ticket_id) if evidence.visible(p, now)]
        return PhotoList(
            owner_kind=OwnerKind.TICKET,
            owner_id=ticket.number,
            max_photos=evidence.MAX_PHOTOS[OwnerKind.TICKET],
            photos=[evidence.public_view(p, *self._link(p, now)) for p in photos],
        )

    def list_for_ticket(self, ticket_id: str, actor: Actor) -> StaffPhotoList:
        if not may(actor, "read"):
            raise Forbidden(field="action", action="read")
        return self._staff_list(OwnerKind.TICKET, self._ticket(ticket_id).ticket_id)

    def list_for_report(self, report_id: str, actor: Actor) -> StaffPhotoList:
        check_may_read_reports(actor)
        return self._staff_list(OwnerKind.REPORT, self._report(report_id).report_id)

    def _staff_list(self, owner_kind: OwnerKind, owner_id: str) -> StaffPhotoList:
        return StaffPhotoList(
            owner_kind=owner_kind,
            owner_id=owner_id,
            max_photos=evidence.MAX_PHOTOS[owner_kind],
            photos=self.staff_views(owner_kind, owner_id),
        )

    def staff_views(self, owner_kind: OwnerKind, owner_id: str) -> list[StaffPhotoView]:
        now = self.clock.now()
        photos = [p for p in self.photos.of(owner_kind, owner_id) if evidence.visible(p, now)]
        return [evidence.staff_view(p, *self._link(p, now)) for p in photos]

    def _link(self, photo: Photo, now: datetime) -> tuple[str | None, str | None]:
        if photo.state is not PhotoState.STORED or photo.content_type is None:
            return None, None
        url = self.bucket.presigned_get(
            photo.key,
            photo.version_id,
            photo.content_type.value,
            evidence.file_name(photo),
            evidence.LINK_EXPIRY_SECONDS,
        )
        return url, to_iso(now + timedelta(seconds=evidence.LINK_EXPIRY_SECONDS))

    # ------------------------------------------------------------------ lookups

    def _by_token(self, token: str) -> Ticket:
        ticket_id = self.tickets.ticket_id_for(token_hash(token)) if could_be_token(token) else None
        if ticket_id is None:
            raise NotFound(field="token", code=ErrorCode.TICKET_NOT_FOUND)
        return self._ticket(ticket_id)

    def _ticket(self, ticket_id: str) -> Ticket:
        return require_ticket(self.tickets, ticket_id)

    def _report(self, report_id: str) -> IncidentReport:
        return require_report(self.reports, report_id)


# ------------------------------------------------------------------------------------------- photo_ingest


@dataclass(frozen=True)
class Ingested:
    """What happened to one uploaded object (for logs and metrics; no personal data)."""

    key: str
    outcome: str  # stored, quarantined, already_stored, gone
    reason: QuarantineReason | None = None
    photo_id: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class PhotoIngest:
    photos: PhotoRecords
    sites: SiteLookup
    clock: Clock
    retention: Retention

    def ingest(self, bucket: Bucket, key: str, version_id: str | None, event_time: str | None = None) -> Ingested:
        """Verify one uploaded object and record it; safe to run again for the same object (retries)."""
        found = bucket.head(key, version_id)
        if found is None:
            return Ingested(key, "gone")  # moved to quarantine by an earlier delivery of this event
        version_id = found.version_id
        uploaded_at = event_time or found.last_modified
        parsed = evidence.parse_upload_key(key)
        if parsed is None:
            return self._refuse(bucket, key, version_id, QuarantineReason.UNKNOWN_KEY, None)
        owner_id = self.photos.owner_of(parsed.owner_kind, parsed.photo_id)
        photo = self.photos.get(parsed.owner_kind, owner_id, parsed.photo_id) if owner_id else None
        if photo is None:
            return self._refuse(bucket, key, version_id, QuarantineReason.NO_UPLOAD_SLOT, None)
        if photo.version_id == version_id and photo.state is PhotoState.STORED:
            self._retain(bucket, photo)
            return Ingested(key, "already_stored", photo_id=photo.photo_id, sha256=photo.sha256)
        if photo.version_id == version_id and photo.state is PhotoState.QUARANTINED and photo.reason:
            return self._move(bucket, key, version_id, photo.reason, photo.photo_id)
        if photo.state is not PhotoState.PENDING:
            return self._refuse(bucket, key, version_id, QuarantineReason.DUPLICATE_UPLOAD, photo)
        if evidence.uploaded_too_late(photo, uploaded_at):
            return self._quarantine_slot(
                bucket, photo, version_id, QuarantineReason.SLOT_EXPIRED, found.size, uploaded_at
            )

        refused = evidence.check_size(found.size)  # before reading: an oversized file is never loaded
        data = b""
        content_type = None
        if refused is None:
            read = bucket.read(key, version_id, evidence.MAX_BYTES + 1)
            if read is None:
                return Ingested(key, "gone")
            data = read
            verdict = evidence.inspect(data)
            refused, content_type = verdict.reason, verdict.content_type
        if refused is not None:
            return self._quarantine_slot(bucket, photo, version_id, refused, found.size, uploaded_at)

        site = self.sites.get(photo.site_id)
        captured = capture_time(data, site.timezone if site else DEFAULT_TIMEZONE)
        now = self.clock.now()
        stored = photo.model_copy(
            update={
                "state": PhotoState.STORED,
                "version_id": version_id,
                "content_type": content_type,
                "size": len(data),
                "sha256": evidence.sha256(data),
                "captured_at": captured.at if captured else None,
                "captured_local": captured.local if captured else None,
                "uploaded_at": uploaded_at,
                "recorded_at": to_iso(now),
                "retain_until": to_iso(self.retention.until(now)),
            }
        )
        result = self.photos.record_stored(stored, evidence.MAX_PHOTOS[photo.owner_kind])
        if result == "limit":
            return self._quarantine_slot(
                bucket, photo, version_id, QuarantineReason.PHOTO_LIMIT_REACHED, found.size, uploaded_at
            )
        if result == "not_pending":
            again = self.photos.get(photo.owner_kind, photo.owner_id, photo.photo_id)
            if again is None or again.version_id != version_id or again.state is not PhotoState.STORED:
                return self._refuse(bucket, key, version_id, QuarantineReason.DUPLICATE_UPLOAD, photo)
            stored = again
        self._retain(bucket, stored)
        return Ingested(key, "stored", photo_id=stored.photo_id, sha256=stored.sha256)

    def _retain(self, bucket: Bucket, photo: Photo) -> None:
        if photo.retain_until is None:
            raise ValueError(f"{photo.photo_id} has no retention date")
        until = datetime.fromisoformat(photo.retain_until.replace("Z", "+00:00"))
        bucket.retain(photo.key, photo.version_id, self.retention.mode, until)

    def _quarantine_slot(
        self,
        bucket: Bucket,
        photo: Photo,
        version_id: str | None,
        reason: QuarantineReason,
        size: int,
        uploaded_at: str,
    ) -> Ingested:
        """The slot records the refusal first, then the file moves: a retry finds the record and finishes the move."""
        target = evidence.quarantine_key(photo.key, version_id)
        refused = photo.model_copy(
            update={
                "state": PhotoState.QUARANTINED,
                "version_id": version_id,
                "size": size,
                "uploaded_at": uploaded_at,
                "recorded_at": to_iso(self.clock.now()),
                "reason": reason,
                "quarantine_key": target,
            }
        )
        if not self.photos.record_quarantined(refused):
            return self._refuse(bucket, photo.key, version_id, QuarantineReason.DUPLICATE_UPLOAD, photo)
        return self._move(bucket, photo.key, version_id, reason, photo.photo_id)

    def _refuse(
        self,
        bucket: Bucket,
        key: str,
        version_id: str | None,
        reason: QuarantineReason,
        slot: Photo | None,
    ) -> Ingested:
        """A refused upload; on record beside its slot's owner when it has one."""
        target = evidence.quarantine_key(key, version_id)
        photo_id = None
        if slot is not None:
            self.photos.record_refusal(
                Refusal(
                    owner_kind=slot.owner_kind,
                    owner_id=slot.owner_id,
                    photo_id=slot.photo_id,
                    version_id=version_id,
                    reason=reason,
                    key=key,
                    quarantine_key=target,
                    at=to_iso(self.clock.now()),
                )
            )
            photo_id = slot.photo_id
        else:
            logger.warning("upload outside any slot quarantined", extra={"key": key, "reason": reason.value})
        return self._move(bucket, key, version_id, reason, photo_id)

    def _move(
        self, bucket: Bucket, key: str, version_id: str | None, reason: QuarantineReason, photo_id: str | None
    ) -> Ingested:
        bucket.quarantine(key, version_id, evidence.quarantine_key(key, version_id), reason.value)
        return Ingested(key, "quarantined", reason=reason, photo_id=photo_id)
