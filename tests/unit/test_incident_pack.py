"""The evidence pack as a file: written with a manifest of hashes; verified file by file; the verify
command's output and exit status."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from frontdesk.evidence.pack import MANIFEST, PackEntry, verify_pack, write_pack
from frontdesk.evidence.verify import main

from .builders import T0
from .photo_samples import jpeg, png

PHOTO = jpeg()
OTHER = png()


def _entries() -> list[PackEntry]:
    return [
        PackEntry("report.html", "report", "text/html", lambda: "<p>报告</p>".encode()),
        PackEntry(
            "photos/report/01-p1.jpg",
            "photo",
            "image/jpeg",
            lambda: PHOTO,
            {
                "photo_id": "p1",
                "recorded_sha256": hashlib.sha256(PHOTO).hexdigest(),
                "captured_at": "2026-11-22T01:58:01.000Z",
            },
        ),
        PackEntry("photos/ticket/01-p2.png", "photo", "image/png", lambda: OTHER, {"photo_id": "p2"}),
    ]


def _pack() -> tuple[bytes, str]:
    buffer = io.BytesIO()
    written = write_pack(buffer, _entries(), {"report_id": "ql-2026-0001", "pack_id": "x"}, T0)
    return buffer.getvalue(), written.manifest_sha256


def _rewrite(pack: bytes, name: str, data: bytes | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
            elif data is not None:
                target.writestr(info, data)
        if name not in source.namelist() and data is not None:
            target.writestr(name, data)
    return out.getvalue()


def test_the_manifest_describes_every_file() -> None:
    pack, manifest_sha = _pack()
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        raw = archive.read(MANIFEST)
        manifest = json.loads(raw)
        photo_info = archive.getinfo("photos/report/01-p1.jpg")
    assert hashlib.sha256(raw).hexdigest() == manifest_sha
    assert manifest["format"] == "frontdesk-evidence-pack/1" and manifest["report_id"] == "ql-2026-0001"
    (photo,) = [f for f in manifest["files"] if f["path"] == "photos/report/01-p1.jpg"]
    assert photo == {
        "path": "photos/report/01-p1.jpg",
        "kind": "photo",
        "content_type": "image/jpeg",
        "size": len(PHOTO),
        "sha256": hashlib.sha256(PHOTO).hexdigest(),
        "photo_id": "p1",
        "recorded_sha256": hashlib.sha256(PHOTO).hexdigest(),
        "captured_at": "2026-11-22T01:58:01.000Z",
    }
    assert photo_info.compress_type == zipfile.ZIP_STORED  # the original bytes, as they are
    assert photo_info.date_time == (2026, 11, 22, 2, 0, 0)


def test_a_pack_verifies() -> None:
    pack, manifest_sha = _pack()
    result = verify_pack(io.BytesIO(pack), {"p1": hashlib.sha256(PHOTO).hexdigest()}, manifest_sha)
    assert result.ok
    assert result.checked == ["report.html", "photos/report/01-p1.jpg", "photos/ticket/01-p2.png"]


def test_a_changed_missing_or_extra_file_is_named() -> None:
    pack, _ = _pack()
    changed = verify_pack(io.BytesIO(_rewrite(pack, "photos/ticket/01-p2.png", OTHER + b"!")))
    missing = verify_pack(io.BytesIO(_rewrite(pack, "report.html", None)))
    extra = verify_pack(io.BytesIO(_rewrite(pack, "photos/ticket/02-new.png", OTHER)))
    assert (changed.ok, changed.changed) == (False, ["photos/ticket/01-p2.png"])
    assert (missing.ok, missing.missing) == (False, ["report.html"])
    assert (extra.ok, extra.unexpected) == (False, ["photos/ticket/02-new.png"])


def test_a_consistent_forgery_is_caught_by_the_record() -> None:
    pack, manifest_sha = _pack()
    forged = jpeg(date="2020:01:01 00:00:00")
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    for entry in manifest["files"]:
        if entry["path"] == "photos/report/01-p1.jpg":
            entry["sha256"] = entry["recorded_sha256"] = hashlib.sha256(forged).hexdigest()
    both = _rewrite(_rewrite(pack, "photos/report/01-p1.jpg", forged), MANIFEST, json.dumps(manifest).encode())

    assert verify_pack(io.BytesIO(both)).ok  # nothing to compare with but itself
    against_record = verify_pack(io.BytesIO(both), {"p1": hashlib.sha256(PHOTO).hexdigest()})
    against_manifest = verify_pack(io.BytesIO(both), manifest_sha256=manifest_sha)
    assert against_record.changed == ["photos/report/01-p1.jpg"]
    assert against_manifest.changed == [MANIFEST]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a zip", "not_a_zip"),
        (b"", "not_a_zip"),
    ],
)
def test_unreadable_packs(data: bytes, problem: str) -> None:
    result = verify_pack(io.BytesIO(data))
    assert (result.ok, result.problems) == (False, [problem])


def test_a_zip_without_a_good_manifest_is_unreadable() -> None:
    pack, _ = _pack()
    assert verify_pack(io.BytesIO(_rewrite(pack, MANIFEST, None))).problems == ["manifest_missing"]
    assert verify_pack(io.BytesIO(_rewrite(pack, MANIFEST, b"{"))).problems == ["manifest_unreadable"]
    assert verify_pack(io.BytesIO(_rewrite(pack, MANIFEST, b'{"format": "x", "files": []}'))).problems == [
        "manifest_unreadable"
    ]


def test_paths_are_unique() -> None:
    entries = [*_entries(), PackEntry("report.html", "report", "text/html", lambda: b"")]
    with pytest.raises(ValueError, match="duplicate"):
        write_pack(io.BytesIO(), entries, {}, T0)


def test_the_verify_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack, _ = _pack()
    good, bad, broken = tmp_path / "good.zip", tmp_path / "bad.zip", tmp_path / "broken.zip"
    good.write_bytes(pack)
    bad.write_bytes(_rewrite(pack, "photos/report/01-p1.jpg", b"\xff\xd8\xff edited"))
    broken.write_bytes(b"PK")

    assert main([str(good)]) == 0
    assert "OK: 3 file(s) checked" in capsys.readouterr().out
    assert main([str(bad)]) == 1
    assert "CHANGED     photos/report/01-p1.jpg" in capsys.readouterr().out
    assert main([str(broken), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["problems"] == ["not_a_zip"]
    with pytest.raises(SystemExit):
        main([])
