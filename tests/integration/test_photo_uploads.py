"""Photos go straight to S3 by presigned POST; the API only hands out slots for keys it chooses and
short-lived links to the verified originals. Tenants through the tracking token, staff through the staff API."""

from __future__ import annotations

import json

import pytest
import requests

from frontdesk.domain.evidence import MAX_BYTES, MAX_PHOTOS, UPLOAD_EXPIRY_SECONDS
from frontdesk.models.photo import OwnerKind

from .evidence_support import Evidence, jpeg, png

TICKETS = "/public/track/{token}/photos"


def test_a_tenant_uploads_a_photo_and_sees_it_through_a_short_lived_link(ev: Evidence) -> None:
    opened = ev.open_ticket()
    path = TICKETS.format(token=opened.tracking_token)
    data = jpeg(date="2026:11:22 09:58:01")

    slot = ev.public_call("POST", path, {"content_type": "image/jpeg", "size": len(data), "filename": "漏水.jpg"})

    assert slot.status == 200, slot.body
    key = slot.body["fields"]["key"]
    assert key == f"uploads/ticket/{slot.body['photo_id']}"  # chosen by the server; no internal id in it
    assert opened.ticket.ticket_id not in json.dumps(slot.body)
    assert slot.body["max_bytes"] == MAX_BYTES
    assert slot.body["fields"]["Content-Type"] == "image/jpeg"
    assert "policy" in slot.body["fields"]
    assert slot.body["expires_at"] == "2026-11-22T02:05:00.000Z"  # UPLOAD_EXPIRY_SECONDS later
    assert UPLOAD_EXPIRY_SECONDS == 300

    listed = ev.public_call("GET", path).body["photos"]
    assert [(p["state"], p["url"]) for p in listed] == [("pending", None)]

    result = ev.upload_and_ingest(slot.body, data)
    assert result["photos"][0]["outcome"] == "stored"

    (photo,) = ev.public_call("GET", path).body["photos"]
    assert photo["state"] == "stored"
    assert photo["by"] == "client"
    assert photo["content_type"] == "image/jpeg"
    assert photo["size"] == len(data)
    assert photo["captured_at"] == "2026-11-22T01:58:01.000Z"  # 09:58:01 in Shanghai
    assert photo["url_expires_at"] == "2026-11-22T02:05:00.000Z"
    download = requests.get(photo["url"], timeout=10)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["Content-Type"] == "image/jpeg"
    # opened on its own it is saved, never rendered as a page; the name is the photo's id, not the tenant's
    assert download.headers["Content-Disposition"] == f"attachment; filename*=UTF-8''{photo['photo_id']}.jpg"
    assert "uploaded_by" not in photo and "original_name" not in photo  # staff-only


def test_staff_see_the_same_photo_with_its_hash_version_and_retention(ev: Evidence) -> None:
    opened = ev.open_ticket()
    data = png()
    slot = ev.public_call(
        "POST", TICKETS.format(token=opened.tracking_token), {"content_type": "image/png", "size": len(data)}
    ).body
    ev.upload_and_ingest(slot, data)

    listed = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos", groups="engineer")

    assert listed.status == 200, listed.body
    (photo,) = listed.body["photos"]
    assert photo["uploaded_by"] == "client"
    assert photo["version_id"]
    assert photo["retain_until"] == "2029-11-21T02:00:00.000Z"  # 1095 days
    assert photo["captured_at"] is None  # no EXIF: the upload time is still on record
    assert photo["uploaded_at"] == "2026-11-22T02:00:00.000Z"
    assert requests.get(photo["url"], timeout=10).content == data


def test_staff_upload_to_a_ticket_through_the_staff_api(ev: Evidence) -> None:
    opened = ev.open_ticket()
    data = jpeg()
    slot = ev.staff(
        "POST",
        f"/staff/tickets/{opened.ticket.ticket_id}/photos",
        {"content_type": "image/jpeg", "size": len(data), "filename": "IMG_0001.JPG"},
        user="eng1",
        groups="engineer",
    )
    assert slot.status == 200, slot.body

    ev.upload_and_ingest(slot.body, data)

    (photo,) = ev.staff("GET", f"/staff/tickets/{opened.ticket.ticket_id}/photos").body["photos"]
    assert (photo["state"], photo["uploaded_by"], photo["original_name"]) == ("stored", "eng1", "IMG_0001.JPG")
    # the tenant sees staff photos too, without the name of who took them
    (public,) = ev.public_call("GET", TICKETS.format(token=opened.tracking_token)).body["photos"]
    assert public["by"] == "staff"


@pytest.mark.parametrize(
    ("body", "field", "code", "text"),
    [
        (
            {"content_type": "image/gif", "size": 10},
            "content_type",
            "photo_type_not_allowed",
            "JPEG, PNG, HEIC or WebP",
        ),
        ({"content_type": "text/html", "size": 10}, "content_type", "photo_type_not_allowed", "text/html"),
        ({"content_type": "image/jpeg", "size": MAX_BYTES + 1}, "size", "photo_too_large", "10 MB"),
        ({"content_type": "image/jpeg", "size": 0}, "size", "validation_failed", "correct the marked fields"),
        ({"content_type": "image/jpeg"}, "size", "validation_failed", "correct the marked fields"),
        ({"content_type": "image/jpeg", "size": 1, "key": "x"}, "key", "validation_failed", "correct"),
    ],
)
def test_refused_slots_name_the_field_in_the_callers_language(
    ev: Evidence, body: dict[str, object], field: str, code: str, text: str
) -> None:
    path = TICKETS.format(token=ev.open_ticket().tracking_token)

    reply = ev.public_call("POST", path, body)

    assert reply.status == 400
    assert (reply.body["code"], reply.body["field"]) == (code, field)
    assert text in reply.body["message"]
    chinese = ev.public_call("POST", path, body, language="zh-CN")
    assert chinese.body["code"] == code and chinese.body["message"] != reply.body["message"]


def test_heic_and_webp_aliases_are_taken(ev: Evidence) -> None:
    path = TICKETS.format(token=ev.open_ticket().tracking_token)
    for declared, kept in [("image/heif", "image/heic"), ("image/jpg", "image/jpeg"), ("IMAGE/WEBP", "image/webp")]:
        reply = ev.public_call("POST", path, {"content_type": declared, "size": 1000})
        assert reply.status == 200, reply.body
        assert reply.body["content_type"] == kept


def test_a_ticket_takes_at_most_its_number_of_photos(ev: Evidence) -> None:
    path = TICKETS.format(token=ev.open_ticket().tracking_token)
    limit = MAX_PHOTOS[OwnerKind.TICKET]
    for _ in range(limit):
        assert ev.public_call("POST", path, {"content_type": "image/jpeg", "size": 1000}).status == 200

    refused = ev.public_call("POST", path, {"content_type": "image/jpeg", "size": 1000})

    assert refused.status == 409
    assert (refused.body["code"], refused.body["field"]) == ("photo_limit_reached", "photos")
    assert str(limit) in refused.body["message"]
    # slots never used stop counting once they expire
    ev.clock.advance(seconds=UPLOAD_EXPIRY_SECONDS + 1)
    assert ev.public_call("POST", path, {"content_type": "image/jpeg", "size": 1000}).status == 200


def test_no_photos_on_a_closed_request_and_none_without_a_valid_token(ev: Evidence) -> None:
    opened = ev.open_ticket()
    ev.close(opened.ticket)

    closed = ev.public_call(
        "POST", TICKETS.format(token=opened.tracking_token), {"content_type": "image/jpeg", "size": 9}
    )
    unknown = ev.public_call("POST", TICKETS.format(token="x" * 32), {"content_type": "image/jpeg", "size": 9})

    assert (closed.status, closed.body["code"]) == (409, "photo_uploads_closed")
    assert (unknown.status, unknown.body["code"], unknown.body["field"]) == (404, "ticket_not_found", "token")
    # staff may still photograph a closed ticket (damage is often found later)
    staff = ev.staff(
        "POST", f"/staff/tickets/{opened.ticket.ticket_id}/photos", {"content_type": "image/png", "size": 9}
    )
    assert staff.status == 200


def test_staff_routes_need_a_signed_in_caller(ev: Evidence) -> None:
    ticket_id = ev.open_ticket().ticket.ticket_id

    reply = ev.staff("GET", f"/staff/tickets/{ticket_id}/photos", user=None)
    nobody = ev.staff("GET", f"/staff/tickets/{ticket_id}/photos", groups="")

    assert (reply.status, reply.body["code"]) == (401, "unauthorized")
    assert (nobody.status, nobody.body["code"]) == (403, "forbidden")
