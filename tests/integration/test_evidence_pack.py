"""The insurer's evidence pack: one ZIP with the report, the original photos, the ticket's timeline and
a manifest (SHA-256, capture and upload time of every file). A pack verifies; a tampered file is named
— by the verify command offline, and by the endpoint against what was recorded."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests
from moto.s3.models import s3_backends

from frontdesk.evidence.verify import main as verify_command

from .evidence_support import Evidence, jpeg, png
from .lambda_support import ACCOUNT

REPORTS = "/staff/incident-reports"


@pytest.fixture
def case(ev: Evidence) -> dict[str, Any]:
    """A leak: the tenant's photo on the ticket, the duty manager's on the report, the report submitted."""
    opened = ev.open_ticket()
    tenant_photo = png(date="2026:11:22 09:40:00")
    slot = ev.public_call(
        "POST", f"/public/track/{opened.tracking_token}/photos", {"content_type": "image/png", "size": 100}
    )
    ev.upload_and_ingest(slot.body, tenant_photo)
    report = ev.staff(
        "POST",
        REPORTS,
        {
            "site_id": "ql",
            "ticket_id": opened.ticket.ticket_id,
            "severity": "general",
            "category": "property_damage",
            "occurred_at": "2026-11-22T09:30:00+08:00",
            "details": "101 室天花板渗水,两台电脑进水",
            "immediate_action": "关闭总阀,转移设备",
            "police_file_number": "",
        },
    ).body["report"]
    path = f"{REPORTS}/{report['report_id']}"
    damage_photo = jpeg(date="2026:11:22 10:05:00")
    ev.clock.advance(minutes=30)
    ev.upload_and_ingest(
        ev.staff("POST", f"{path}/photos", {"content_type": "image/jpeg", "size": 100}).body, damage_photo
    )
    ev.staff("POST", f"{path}/submit", {"version": 1})
    return {"path": path, "report": report, "ticket": opened.ticket, "tenant": tenant_photo, "damage": damage_photo}


def _pack(ev: Evidence, case: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    made = ev.staff("POST", f"{case['path']}/evidence-pack", language="zh-CN")
    assert made.status == 200, made.body
    download = requests.get(made.body["url"], timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    assert download.headers["Content-Disposition"].startswith(
        "attachment; filename*=UTF-8''QL-IR-2026-001-evidence.zip"
    )
    return made.body, download.content


def _rewrite(pack: bytes, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """The pack with some files replaced (or, with None, left out) and others added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in changes:
                replacement = changes[info.filename]
                if replacement is not None:
                    target.writestr(info, replacement)
            else:
                target.writestr(info, source.read(info.filename))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def test_the_pack_holds_the_report_the_originals_the_timeline_and_a_manifest(
    ev: Evidence, case: dict[str, Any]
) -> None:
    made, pack = _pack(ev, case)

    assert made["sha256"] == hashlib.sha256(pack).hexdigest()
    assert made["size"] == len(pack)
    assert made["files"] == 8
    assert made["url_expires_at"] == "2026-11-22T02:40:00.000Z"  # ten minutes
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        photos = {name: archive.read(name) for name in names if name.startswith("photos/")}
        html = archive.read("report.html").decode("utf-8")
        ticket = json.loads(archive.read("ticket/ticket.json"))
        ticket_timeline = json.loads(archive.read("ticket/timeline.json"))
    report_photo, ticket_photo = sorted(photos)
    assert report_photo.startswith("photos/report/01-") and report_photo.endswith(".jpg")
    assert ticket_photo.startswith("photos/ticket/01-") and ticket_photo.endswith(".png")
    assert names == sorted(
        [
            "manifest.json",
            "report.html",
            "report.json",
            "report/timeline.json",
            "ticket/ticket.json",
            "ticket/timeline.json",
            report_photo,
            ticket_photo,
        ]
    )
    # the originals, byte for byte
    assert photos[report_photo] == case["damage"] and photos[ticket_photo] == case["tenant"]
    # every file in the manifest with its hash; photos with capture and upload time
    assert manifest["format"] == "frontdesk-evidence-pack/1"
    assert (manifest["number"], manifest["pack_id"]) == ("QL-IR-2026-001", made["pack_id"])
    described = {f["path"]: f for f in manifest["files"]}
    assert set(described) == set(names) - {"manifest.json"}
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        for path, entry in described.items():
            assert entry["sha256"] == hashlib.sha256(archive.read(path)).hexdigest()
    damage = described[report_photo]
    assert damage["captured_at"] == "2026-11-22T02:05:00.000Z"
    assert damage["uploaded_at"] == "2026-11-22T02:30:00.000Z"
    assert damage["recorded_sha256"] == damage["sha256"] == hashlib.sha256(case["damage"]).hexdigest()
    assert re.fullmatch(r"uploads/report/[a-f0-9]{32}", damage["source"]["key"])  # no report id in it
    assert described[ticket_photo]["captured_at"] == "2026-11-22T01:40:00.000Z"
    assert described[ticket_photo]["uploaded_by"] == "client"
    # the report as a page (in the caller's language), the ticket without the tenant's contact details
    assert "事故报告 QL-IR-2026-001" in html and "关闭总阀" in html and f'src="{report_photo}"' in html
    assert "contact" not in ticket and ticket["number"] == case["ticket"].number
    assert [e["action"] for e in ticket_timeline] == ["create"]


def test_a_pack_verifies_and_a_tampered_file_is_named(
    ev: Evidence, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made, pack = _pack(ev, case)
    good = tmp_path / "pack.zip"
    good.write_bytes(pack)
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        photo = next(n for n in archive.namelist() if n.startswith("photos/report/"))
        original = archive.read(photo)
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(_rewrite(pack, {photo: original[:-10] + b"edited!!!!"}))

    assert verify_command([str(good)]) == 0
    assert capsys.readouterr().out.strip().endswith("OK: 7 file(s) checked, 0 changed, 0 missing, 0 unexpected")
    assert verify_command([str(tampered)]) == 1
    out = capsys.readouterr().out
    assert f"CHANGED     {photo}" in out and "FAILED" in out
    assert verify_command([str(tmp_path / "nothing.zip")]) == 2

    # the endpoint: the pack as made, then the tampered copy brought back by upload
    assert ev.staff("POST", f"{case['path']}/verify", {"pack_id": made["pack_id"]}).body["ok"] is True
    slot = ev.staff("POST", f"{case['path']}/verify-upload").body
    requests.post(slot["url"], data=slot["fields"], files={"file": ("pack.zip", tampered.read_bytes())}, timeout=10)
    checked = ev.staff("POST", f"{case['path']}/verify", {"upload_id": slot["upload_id"]}).body
    assert checked["ok"] is False
    assert (checked["subject"], checked["changed"], checked["missing"]) == ("upload", [photo], [])


def test_a_file_changed_with_its_manifest_line_is_still_caught_against_the_record(
    ev: Evidence, case: dict[str, Any], tmp_path: Path
) -> None:
    _, pack = _pack(ev, case)
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        photo = next(n for n in archive.namelist() if n.startswith("photos/ticket/"))
        manifest = json.loads(archive.read("manifest.json"))
    forged = b"\x89PNG\r\n\x1a\n" + b"a different picture"
    for entry in manifest["files"]:
        if entry["path"] == photo:
            entry["sha256"] = entry["recorded_sha256"] = hashlib.sha256(forged).hexdigest()
    consistent = _rewrite(pack, {photo: forged, "manifest.json": json.dumps(manifest).encode()})
    (tmp_path / "forged.zip").write_bytes(consistent)
    assert verify_command([str(tmp_path / "forged.zip")]) == 0  # offline, a self-consistent forgery passes…

    slot = ev.staff("POST", f"{case['path']}/verify-upload").body
    requests.post(slot["url"], data=slot["fields"], files={"file": ("pack.zip", consistent)}, timeout=10)
    checked = ev.staff("POST", f"{case['path']}/verify", {"upload_id": slot["upload_id"]}).body

    # …the endpoint knows the photo's recorded hash and the manifest this pack was made with
    assert checked["ok"] is False
    assert sorted(checked["changed"]) == sorted(["manifest.json", photo])


def test_missing_and_unexpected_files_are_named(
    ev: Evidence, case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, pack = _pack(ev, case)
    altered = _rewrite(pack, {"report/timeline.json": None}, extra={"photos/report/99-extra.jpg": jpeg()})
    (tmp_path / "altered.zip").write_bytes(altered)

    assert verify_command([str(tmp_path / "altered.zip"), "--json"]) == 1

    result = json.loads(capsys.readouterr().out)
    assert (result["ok"], result["changed"]) == (False, [])
    assert result["missing"] == ["report/timeline.json"]
    assert result["unexpected"] == ["photos/report/99-extra.jpg"]


def test_the_stored_originals_are_rechecked_and_a_changed_one_is_named(ev: Evidence, case: dict[str, Any]) -> None:
    first = ev.staff("POST", f"{case['path']}/verify", {}).body
    assert (first["ok"], first["subject"], first["changed"], first["missing"]) == (True, "originals", [], [])
    assert [path.split("/")[1] for path in first["checked"]] == ["report", "ticket"]
    # what Object Lock prevents through S3's API: the stored bytes of the ticket's photo change anyway
    photo = ev.staff("GET", f"/staff/tickets/{case['ticket'].ticket_id}/photos").body["photos"][0]
    key = f"uploads/ticket/{photo['photo_id']}"
    stored = s3_backends[ACCOUNT]["aws"].buckets[ev.bucket].keys.getlist(key)
    (version,) = [v for v in stored if v.version_id == photo["version_id"]]
    version.value = b"\x89PNG\r\n\x1a\n" + b"bit rot"

    checked = ev.staff("POST", f"{case['path']}/verify", {}).body

    assert checked["ok"] is False
    assert checked["changed"] == [f"photos/ticket/01-{photo['photo_id']}.png"]


def test_packs_and_verification_are_for_duty_managers_and_managers(ev: Evidence, case: dict[str, Any]) -> None:
    operator = ev.staff("POST", f"{case['path']}/evidence-pack", user="op1", groups="operator")
    both = ev.staff("POST", f"{case['path']}/verify", {"pack_id": "a" * 32, "upload_id": "b" * 32})
    unknown = ev.staff("POST", f"{case['path']}/verify", {"pack_id": "a" * 32})
    never = ev.staff("POST", f"{case['path']}/verify", {"upload_id": "c" * 32})

    assert (operator.status, operator.body["code"]) == (403, "forbidden")
    assert (both.status, both.body["code"], both.body["field"]) == (400, "evidence_verify_one", "upload_id")
    assert (unknown.status, unknown.body["code"], unknown.body["field"]) == (404, "evidence_pack_not_found", "pack_id")
    assert (never.status, never.body["code"]) == (404, "evidence_upload_not_found")
