"""photo_ingest trusts the bytes, not the upload policy (which moto does not enforce at all): oversize,
wrong-type and disguised files are moved to quarantine/ with the reason on record; good photos are
hashed, dated from EXIF, recorded and locked; every event can be delivered again safely."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from frontdesk.domain.evidence import MAX_PHOTOS, UPLOAD_EXPIRY_SECONDS, UPLOAD_GRACE_SECONDS
from frontdesk.models.photo import OwnerKind

from .evidence_support import HTML_NAMED_JPG, Evidence, comment, heic, jpeg, jpeg_with, oversize, png

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _slot(ev: Evidence, token: str, content_type: str = "image/jpeg", size: int = 1000) -> dict[str, Any]:
    reply = ev.public_call("POST", f"/public/track/{token}/photos", {"content_type": content_type, "size": size})
    assert reply.status == 200, reply.body
    slot: dict[str, Any] = reply.body
    return slot


def _versions(ev: Evidence, prefix: str) -> list[dict[str, Any]]:
    return [dict(v) for v in ev.s3.list_object_versions(Bucket=ev.bucket, Prefix=prefix).get("Versions", [])]


@pytest.mark.parametrize(
    ("declared", "data", "reason"),
    [
        pytest.param("image/jpeg", oversize(), "too_large", id="oversize"),
        pytest.param("image/png", PDF, "not_an_image", id="wrong-type"),
        pytest.param("image/jpeg", HTML_NAMED_JPG, "not_an_image", id="html-named-jpg"),
        pytest.param("image/jpeg", jpeg()[:20] + HTML_NAMED_JPG, "malformed_image", id="jpeg-header-then-html"),
        pytest.param("image/jpeg", jpeg() + HTML_NAMED_JPG, "malformed_image", id="html-after-the-jpeg"),
        pytest.param("image/jpeg", jpeg_with(comment(HTML_NAMED_JPG)), "embedded_markup", id="html-inside-the-jpeg"),
        pytest.param("image/jpeg", b"", "empty", id="empty"),
    ],
)
def test_bad_files_are_quarantined_with_the_reason_on_record(
    ev: Evidence, declared: str, data: bytes, reason: str
) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token, declared)  # the declared size is small: moto does not check it
    key = ev.key_of(slot)
    upload = ev.upload(slot, data, filename="photo.jpg")
    assert upload.status_code in (200, 204)  # moto took it, policy or not
    version = ev.s3.head_object(Bucket=ev.bucket, Key=key)["VersionId"]

    result = ev.ingest(key)

    assert result["photos"] == [{"key": key, "outcome": "quarantined", "reason": reason, "sha256": None}]
    # the upload itself is gone (that version deleted for good); a copy waits in quarantine/ with the reason
    assert _versions(ev, key) == []
    target = f"quarantine/{key}/{version}"
    head = ev.s3.head_object(Bucket=ev.bucket, Key=target)
    assert head["Metadata"] == {"reason": reason, "source-key": key, "source-version": version}
    assert head["ContentLength"] == len(data)
    tags = ev.s3.get_object_tagging(Bucket=ev.bucket, Key=target)["TagSet"]
    assert tags == [{"Key": "reason", "Value": reason}]
    # and the photo's record says so, for the staff and the tenant
    (photo,) = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos").body["photos"]
    assert (photo["state"], photo["reason"], photo["url"]) == ("quarantined", reason, None)
    (public,) = ev.public_call("GET", f"/public/track/{opened.tracking_token}/photos").body["photos"]
    assert (public["state"], public["reason"]) == ("quarantined", reason)


def test_a_good_photo_is_hashed_dated_recorded_and_locked(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token)
    data = jpeg(date="2026:11:22 08:15:00", offset="+08:00")
    ev.upload(slot, data)
    key = ev.key_of(slot)

    result = ev.ingest(key)

    assert result["photos"][0]["outcome"] == "stored"
    assert result["photos"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    item = ev.item(f"TICKET#{opened.ticket.ticket_id}", f"PHOTO#{slot['photo_id']}")
    assert item is not None
    assert item["state"] == "stored"
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["captured_at"] == "2026-11-22T00:15:00.000Z"
    assert item["captured_local"] == "2026:11:22 08:15:00"
    head = ev.s3.head_object(Bucket=ev.bucket, Key=key, VersionId=item["version_id"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] == datetime(2029, 11, 21, 2, 0, tzinfo=UTC)
    # locked: the verified version cannot be deleted
    with pytest.raises(ev.s3.exceptions.ClientError, match="AccessDenied"):
        ev.s3.delete_object(Bucket=ev.bucket, Key=key, VersionId=item["version_id"])


def test_a_png_declared_as_jpeg_is_a_photo_and_is_served_as_what_it_is(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token, "image/jpeg")
    ev.upload(slot, png())

    assert ev.ingest(ev.key_of(slot))["photos"][0]["outcome"] == "stored"

    (photo,) = ev.public_call("GET", f"/public/track/{opened.tracking_token}/photos").body["photos"]
    assert photo["content_type"] == "image/png"


def test_heic_is_taken_without_a_capture_time(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token, "image/heic")
    ev.upload(slot, heic())

    assert ev.ingest(ev.key_of(slot))["photos"][0]["outcome"] == "stored"
    (photo,) = ev.public_call("GET", f"/public/track/{opened.tracking_token}/photos").body["photos"]
    assert (photo["content_type"], photo["captured_at"]) == ("image/heic", None)


def test_delivering_the_same_event_again_changes_nothing(ev: Evidence) -> None:
    opened = ev.open_ticket()
    good, bad = _slot(ev, opened.tracking_token), _slot(ev, opened.tracking_token)
    ev.upload(good, jpeg())
    ev.upload(bad, HTML_NAMED_JPG)
    good_version = ev.s3.head_object(Bucket=ev.bucket, Key=ev.key_of(good))["VersionId"]
    bad_version = ev.s3.head_object(Bucket=ev.bucket, Key=ev.key_of(bad))["VersionId"]
    first = [ev.ingest(ev.key_of(good)), ev.ingest(ev.key_of(bad))]

    again = [ev.ingest(ev.key_of(good), good_version), ev.ingest(ev.key_of(bad), bad_version)]

    assert [r["photos"][0]["outcome"] for r in first] == ["stored", "quarantined"]
    assert [r["photos"][0]["outcome"] for r in again] == ["already_stored", "gone"]
    photos = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos").body["photos"]
    assert sorted(p["state"] for p in photos) == ["quarantined", "stored"]
    counter = ev.item(f"TICKET#{opened.ticket.ticket_id}", "PHOTOCOUNT")
    assert counter is not None and counter["n"] == 1


def test_a_second_upload_to_a_used_slot_is_refused_and_the_evidence_stays(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token)
    original = jpeg()
    ev.upload(slot, original)
    ev.ingest(ev.key_of(slot))
    ev.upload(slot, jpeg(date="2020:01:01 00:00:00"))  # the presigned POST is still valid: same key again

    result = ev.ingest(ev.key_of(slot))

    assert result["photos"][0]["outcome"] == "quarantined"
    assert result["photos"][0]["reason"] == "duplicate_upload"
    (photo,) = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos").body["photos"]
    assert photo["state"] == "stored"
    assert photo["sha256"] == hashlib.sha256(original).hexdigest()
    refusals = ev.table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :q)",
        ExpressionAttributeValues={":pk": f"TICKET#{opened.ticket.ticket_id}", ":q": "QUARANTINE#"},
    )["Items"]
    assert [r["reason"] for r in refusals] == ["duplicate_upload"]
    # the evidence is still the current version, byte for byte
    assert ev.s3.get_object(Bucket=ev.bucket, Key=ev.key_of(slot))["Body"].read() == original


def test_an_object_without_a_slot_is_quarantined(ev: Evidence) -> None:
    stray = f"uploads/ticket/{'a' * 32}"
    ev.s3.put_object(Bucket=ev.bucket, Key=stray, Body=jpeg())
    odd = "uploads/somewhere/else.jpg"
    ev.s3.put_object(Bucket=ev.bucket, Key=odd, Body=jpeg())

    assert ev.ingest(stray)["photos"][0]["reason"] == "no_upload_slot"
    assert ev.ingest(odd)["photos"][0]["reason"] == "unknown_key"
    assert _versions(ev, "uploads/") == []


def test_the_limit_holds_at_ingest_too(ev: Evidence) -> None:
    """Slots are counted when handed out; the stored count is enforced again in the write that records a photo."""
    opened = ev.open_ticket()
    limit = MAX_PHOTOS[OwnerKind.TICKET]
    slots = [_slot(ev, opened.tracking_token) for _ in range(limit)]
    for slot in slots:
        ev.upload(slot, jpeg())  # in time; their events arrive later
    uploaded = ev.clock.now()
    ev.clock.advance(minutes=10)  # the slots have expired: room for more slots, not for more photos
    slots.append(_slot(ev, opened.tracking_token))
    ev.upload(slots[-1], jpeg())

    outcomes = [ev.ingest(ev.key_of(slot), uploaded=uploaded)["photos"][0] for slot in slots[:-1]]
    outcomes.append(ev.ingest(ev.key_of(slots[-1]))["photos"][0])

    assert [o["outcome"] for o in outcomes] == ["stored"] * limit + ["quarantined"]
    assert outcomes[-1]["reason"] == "photo_limit_reached"


def test_an_upload_after_its_slot_expired_is_quarantined(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token)
    ev.clock.advance(seconds=UPLOAD_EXPIRY_SECONDS + UPLOAD_GRACE_SECONDS + 1)
    ev.upload(slot, jpeg())  # moto does not enforce the POST policy's expiry; S3 would refuse most of these

    result = ev.ingest(ev.key_of(slot))

    assert result["photos"][0] | {"key": None} == {
        "key": None,
        "outcome": "quarantined",
        "reason": "slot_expired",
        "sha256": None,
    }
    (photo,) = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos").body["photos"]
    assert (photo["state"], photo["reason"], photo["url"]) == ("quarantined", "slot_expired", None)
    assert _versions(ev, ev.key_of(slot)) == []


def test_an_upload_s3_accepted_in_time_may_arrive_within_the_grace(ev: Evidence) -> None:
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token)
    ev.clock.advance(seconds=UPLOAD_EXPIRY_SECONDS + UPLOAD_GRACE_SECONDS)
    ev.upload(slot, jpeg())
    assert ev.ingest(ev.key_of(slot))["photos"][0]["outcome"] == "stored"


def test_the_event_without_a_version_id_takes_the_current_version(ev: Evidence) -> None:
    """moto's notifications carry no versionId (S3's do); ingest then reads the current version."""
    opened = ev.open_ticket()
    slot = _slot(ev, opened.tracking_token)
    ev.upload(slot, jpeg())

    assert ev.ingest(ev.key_of(slot), with_version=False)["photos"][0]["outcome"] == "stored"
