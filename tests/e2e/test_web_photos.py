"""Photos in the web pages, in a real browser (Debian's Chromium) against the local stack.

The tenant chooses photos on the form; after the ticket is created each goes straight to the
evidence bucket (moto) by presigned POST, with a progress bar, and photo_ingest checks it. The
tracking page shows the thumbnails through short-lived links and takes more photos while the
ticket is open; the staff console does the same for a ticket opened by a mail's deep link, and
opens an incident report from its link (register, photos, evidence pack, verification).
Screenshots land in /tmp/screens/photos-*.png.
"""

from __future__ import annotations

import struct
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, Request, expect

from frontdesk.i18n import message
from frontdesk.models.catalogue import catalogue

from .test_web_pages import (
    NUMBER,
    SITE,
    Desk,
    beijing,
    desk,
    fill_form,
    open_form,
    refreshed_status,
    screenshot,
    sign_in_at,
    sign_out_and_in,
)

pytestmark = pytest.mark.e2e

MB = 1024 * 1024
HTML_NAMED_JPG = b"<!DOCTYPE html>\n<html><body><script>alert('not a photo')</script></body></html>\n"


# Every string the photo features show, in both catalogues (the parity test checks the rest).
def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def small_jpeg() -> bytes:
    """A 32x32 baseline greyscale JPEG that browsers decode (photo_ingest wants SOI … EOI; the page a picture).

    One flat 8x8 block per level: DC coefficients only, a quantisation table of ones, the standard DC
    Huffman table and an AC table whose only symbol is EOB (every block ends at once)."""
    grid = [[40, 200, 90, 230], [200, 60, 230, 120], [90, 230, 30, 200], [230, 120, 200, 70]]
    dc_counts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    codes: dict[int, tuple[int, int]] = {}
    code = symbol = 0
    for length, count in enumerate(dc_counts, start=1):
        for _ in range(count):
            codes[symbol] = (code, length)
            code, symbol = code + 1, symbol + 1
        code <<= 1
    bits: list[int] = []

    def put(value: int, length: int) -> None:
        bits.extend((value >> (length - 1 - i)) & 1 for i in range(length))

    previous = 0
    for row in grid:
        for level in row:
            dc = 8 * (level - 128)
            diff, previous = dc - previous, dc
            category = abs(diff).bit_length()
            put(*codes[category])
            if category:
                put(diff if diff > 0 else diff + (1 << category) - 1, category)
            put(0, 1)  # EOB
    bits.extend([1] * (-len(bits) % 8))
    scan = bytearray()
    for i in range(0, len(bits), 8):
        scan.append(int("".join(map(str, bits[i : i + 8])), 2))
        if scan[-1] == 0xFF:
            scan.append(0x00)  # byte stuffing
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + bytes([1] * 64)),
            _segment(0xC0, struct.pack(">BHHB", 8, 8 * len(grid), 8 * len(grid[0]), 1) + b"\x01\x11\x00"),
            _segment(0xC4, b"\x00" + bytes(dc_counts) + bytes(range(12))),
            _segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00"),
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            bytes(scan),
            b"\xff\xd9",
        ]
    )


def photo_file(name: str, body: bytes, mime: str = "image/jpeg") -> FilePayload:
    return {"name": name, "mimeType": mime, "buffer": body}


# ------------------------------------------------------------------------------------------- fixtures


_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


@pytest.fixture(scope="module")
def moto(desk: Desk) -> str:
    return str(desk.config["moto_endpoint"]).rstrip("/")


def watch_stages(page: Page, selector: str) -> None:
    """Record every stage an upload row passes through (they go by faster than a poll)."""
    page.evaluate(
        """selector => {
            window.__stages = [];
            const list = document.querySelector(selector);
            const seen = row => {
                const stage = row.getAttribute('data-stage');
                const bar = row.querySelector('[role=progressbar]');
                window.__stages.push([stage, bar ? bar.getAttribute('aria-valuenow') : null]);
            };
            new MutationObserver(records => records.forEach(r => {
                if (r.type === 'attributes' && r.target.matches('li.upload')) seen(r.target);
                r.addedNodes.forEach(n => n.matches && n.matches('li.upload') && seen(n));
            })).observe(list, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage']});
        }""",
        selector,
    )


def stages(page: Page) -> list[str]:
    seen: list[list[Any]] = page.evaluate("window.__stages")
    return [stage for stage, _ in seen]


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def track(page: Page, desk: Desk, token: str) -> None:
    page.goto(f"{desk.base}/track#{token}")
    expect(page.locator("#number")).to_have_text(desk.track(token)["number"])


# ------------------------------------------------------------------------------------------- tenant form


def test_the_pages_may_reach_the_evidence_bucket_and_nothing_else(desk: Desk, moto: str) -> None:
    for path in ("/", "/track", "/staff"):
        with urllib.request.urlopen(desk.base + path, timeout=60) as response:
            csp = response.headers["Content-Security-Policy"]
            html = response.read().decode()
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["connect-src"].split() == ["'self'", moto], csp
        assert directives["img-src"].split() == ["'self'", "data:", moto], csp
        assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'"
        # photos.js preloaded before what imports it, pinned to its content hash like every asset
        assert html.index('href="assets/photos.js?v=') < html.index('href="assets/photo-ui.js?v=')
    status, kind, body = fetch(f"{desk.base}/assets/photos.js")
    assert status == 200 and kind == "text/javascript; charset=utf-8" and b"export async function upload(" in body


def test_form_uploads_a_photo_with_progress_and_the_tracking_page_shows_it(page: Page, desk: Desk, moto: str) -> None:
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    picture = small_jpeg()
    open_form(page, desk)
    fill_form(page, description="阳台地漏返水,见照片。")
    photos = page.locator("#photos")
    expect(photos).to_be_enabled()
    photos.set_input_files([photo_file("leak.jpg", picture)])
    chosen = page.locator("#photos-chosen li")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("leak.jpg")
    expect(page.locator("#photos-error")).to_be_hidden()
    assert not [r for r in sent if "/photos" in r.url or r.url.startswith(moto)], "nothing is sent before the ticket"
    screenshot(page, "photos-form-chosen")

    watch_stages(page, "#result-uploads")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#result-number")).to_have_text(NUMBER)
    row = page.locator("#result-uploads li.upload")
    expect(row).to_have_count(1)
    bar = row.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-label", "leak.jpg 的上传进度")
    expect(row.locator(".upload-stage")).to_have_text("已完成", timeout=30_000)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#result-photos-status")).to_have_text("照片已全部上传。")
    expect(page.locator("#status")).to_contain_text("照片：1 张已保存")
    seen = stages(page)
    assert "uploading" in seen and "checking" in seen and seen[-1] == "done", seen
    assert seen.index("uploading") < seen.index("checking") < seen.index("done"), seen
    screenshot(page, "photos-form-done")

    # The ticket first, then the slot through the tracking token, then the file straight to the bucket.
    posts = [r.url for r in sent]
    created = next(i for i, url in enumerate(posts) if url.endswith("/public/tickets"))
    slot = next(i for i, url in enumerate(posts) if url.endswith("/photos"))
    upload = next(i for i, url in enumerate(posts) if url.startswith(moto))
    assert created < slot < upload, posts
    assert "/public/track/" in posts[slot]

    # The tracking page shows the verified photo through a short-lived link to the bucket.
    page.get_by_role("link", name="查看处理进度").click()
    thumbnail = page.locator("#photos img")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_attribute("alt", "照片 1")
    page.wait_for_function("() => { const i = document.querySelector('#photos img'); return i && i.naturalWidth > 0; }")
    assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [32, 32]
    src = thumbnail.get_attribute("src") or ""
    assert src.startswith(moto + "/") and "X-Amz-Signature=" in src and "versionId=" in src, src
    status, kind, body = fetch(src)
    assert (status, kind, body) == (200, "image/jpeg", picture)
    expect(page.locator("#photos li").first).to_contain_text("您 · 上传于")
    expect(page.locator("#photos-count")).to_have_text("（1/10 张）")
    expect(page.get_by_label("添加照片")).to_be_visible()
    screenshot(page, "photos-track")


def test_an_html_file_named_jpg_is_refused_with_the_reason_in_the_chosen_language(page: Page, desk: Desk) -> None:
    open_form(page, desk)
    page.get_by_role("button", name="Switch to English").click()
    page.locator("#building_id").select_option(label="Expert Apartment")
    page.locator("#unit").fill("1-102")
    page.locator("#category").select_option(value="plumbing")
    page.locator("#description").fill("The sink leaks.")
    page.locator("#contact_name").fill("Li")
    page.locator("#contact_phone").fill("13800138000")
    # The browser believes the type it is told: the local check passes, the bucket's check does not.
    page.locator("#photos").set_input_files(
        [photo_file("not-a-photo.jpg", HTML_NAMED_JPG), photo_file("sink.jpg", small_jpeg())]
    )
    expect(page.locator("#photos-chosen li")).to_have_count(2)
    page.get_by_role("button", name="Submit").click()

    # The ticket is there whatever happens to its photos.
    expect(page.locator("#result-number")).to_have_text(NUMBER)
    expect(page.get_by_role("link", name="Track progress")).to_be_visible()
    rows = page.locator("#result-uploads li.upload")
    expect(rows).to_have_count(2)
    refused = rows.filter(has_text="not-a-photo.jpg")
    expect(refused.locator(".upload-stage")).to_have_text("Refused: the file is not a photo", timeout=30_000)
    expect(refused).to_have_attribute("data-stage", "refused")
    expect(rows.filter(has_text="sink.jpg").locator(".upload-stage")).to_have_text("Done", timeout=30_000)
    expect(page.locator("#result-photos-status")).to_have_text(
        "Some photos could not be saved. You can add photos again on the tracking page."
    )
    screenshot(page, "photos-form-refused-en")
    # ... and in Chinese after a switch
    page.get_by_role("button", name="切换到中文").click()
    expect(refused.locator(".upload-stage")).to_have_text("未通过检查：文件内容不是照片")
    page.get_by_role("button", name="Switch to English").click()

    token = (page.locator("#result-link").get_attribute("href") or "").split("#", 1)[1]
    listed = desk.track(token)
    track(page, desk, token)
    tiles = page.locator("#photos li")
    expect(tiles).to_have_count(2)
    quarantined = page.locator("#photos li[data-state=quarantined]")
    expect(quarantined).to_have_count(1)
    expect(quarantined).to_contain_text("Refused: the file is not a photo")
    expect(quarantined.locator("img")).to_have_count(0)  # no link to a refused file
    expect(page.locator("#photos li[data-state=stored] img")).to_have_count(1)
    expect(page.locator("#photos-count")).to_have_text("(1 of 10)")
    assert listed["status"] == "received"
    screenshot(page, "photos-track-refused-en")


def test_an_oversize_file_or_a_document_is_refused_inline_without_any_request(page: Page, desk: Desk) -> None:
    requests: list[str] = []
    open_form(page, desk)
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    page.locator("#photos").set_input_files(
        [
            photo_file("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (10 * MB)),
            photo_file("notes.txt", b"just text", "text/plain"),
            photo_file("ok.jpg", small_jpeg()),
        ]
    )
    error = page.locator("#photos-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("huge.jpg：照片过大，每张不能超过 10 MB。")
    expect(error).to_contain_text("notes.txt：只能上传 JPEG、PNG、HEIC 或 WebP 格式的照片，不支持 text/plain。")
    expect(page.locator("#photos")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#photos-chosen li")).to_have_count(1)  # only the good one is kept
    expect(page.locator("#photos-chosen li")).to_contain_text("ok.jpg")
    page.get_by_role("button", name="Switch to English").click()
    expect(error).to_contain_text("huge.jpg: The photo is too large: at most 10 MB each.")
    page.get_by_role("button", name="切换到中文").click()
    screenshot(page, "photos-form-too-large")
    assert requests == [], requests

    # the kept photo can be removed again; ten at most
    page.get_by_role("button", name="移除 ok.jpg").click()
    expect(page.locator("#photos-chosen li")).to_have_count(0)
    page.locator("#photos").set_input_files([photo_file(f"p{n}.jpg", small_jpeg()) for n in range(11)])
    expect(page.locator("#photos-chosen li")).to_have_count(10)
    expect(error).to_have_text("p10.jpg：超出数量上限，未添加。")
    assert requests == [], requests


# ------------------------------------------------------------------------------------------- tracking page


def test_the_tracking_page_takes_photos_while_the_ticket_is_open(page: Page, desk: Desk, moto: str) -> None:
    created = desk.report(unit="2-201", description="门锁坏了。")
    track(page, desk, created["tracking_token"])
    expect(page.locator("#photos-empty")).to_have_text("暂无照片。")
    add = page.get_by_label("添加照片")
    expect(add).to_be_enabled()

    watch_stages(page, "#track-uploads")
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" and r.url.startswith(moto) else None)
    add.set_input_files([photo_file("lock.jpg", small_jpeg())])
    row = page.locator("#track-uploads li.upload")
    expect(row.locator(".upload-stage")).to_have_text("已完成", timeout=30_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    assert stages(page)[-1] == "done"
    assert len(uploads) == 1
    expect(page.locator("#photos img")).to_have_count(1)
    page.wait_for_function("() => { const i = document.querySelector('#photos img'); return i && i.naturalWidth > 0; }")
    expect(page.locator("#photos-empty")).to_be_hidden()
    screenshot(page, "photos-track-added")

    # The ticket is declined: it is closed, and so is the photo upload.
    ticket_id = desk.ticket_id(created["number"])
    desk.act("operator", ticket_id, "decline", reason="不属于物业维修范围。")
    expect(refreshed_status(page)).to_have_text("已婉拒")
    expect(page.locator("#photos-closed")).to_have_text("工单已结束，不能再添加照片。")
    expect(page.locator("#track-photos-add")).to_be_hidden()
    expect(page.locator("#photos img")).to_have_count(1)  # what was sent stays on record


# ------------------------------------------------------------------------------------------- staff console


def test_a_mail_link_opens_the_ticket_after_sign_in_and_staff_add_photos(page: Page, desk: Desk) -> None:
    created = desk.report(building_id="library", unit="2F-201", category="lighting", description="走廊灯闪。")
    ticket_id = desk.ticket_id(created["number"])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#ticket={ticket_id}", "engineer")
    login = desk.login("engineer")
    expect(page.locator("#detail-title")).to_have_text(created["number"])
    expect(page.locator("#detail-photos-empty")).to_have_text("暂无照片。")

    add = page.locator("#detail").get_by_label("上传照片")
    add.set_input_files([photo_file("corridor.jpg", small_jpeg()), photo_file("page.jpg", HTML_NAMED_JPG)])
    rows = page.locator("#detail-uploads li.upload")
    expect(rows.filter(has_text="corridor.jpg").locator(".upload-stage")).to_have_text("已完成", timeout=30_000)
    expect(rows.filter(has_text="page.jpg").locator(".upload-stage")).to_have_text(
        "未通过检查：文件内容不是照片", timeout=30_000
    )
    stored = page.locator("#detail-photos li[data-state=stored]")
    expect(stored).to_have_count(1)
    expect(stored).to_contain_text("corridor.jpg")  # staff see the file's own name and its hash
    expect(stored).to_contain_text(f"{login['username']} · 上传于")
    expect(stored.locator(".photo-hash")).to_contain_text("SHA-256 ")
    page.wait_for_function(
        "() => { const i = document.querySelector('#detail-photos img'); return i && i.naturalWidth > 0; }"
    )
    screenshot(page, "photos-staff")

    # Back to the list forgets the link; a new link opens the other ticket.
    other = desk.report(building_id="library", unit="1F-101", category="hvac", description="空调滴水。")
    other_id = desk.ticket_id(other["number"])
    page.evaluate("id => { location.hash = 'ticket=' + id; }", other_id)
    expect(page.locator("#detail-title")).to_have_text(other["number"])
    expect(page.locator("#detail-photos-empty")).to_be_visible()

    # The tenant sees the staff's photo (not the staff member's name).
    track(page, desk, created["tracking_token"])
    tile = page.locator("#photos li[data-state=stored]")
    expect(tile).to_contain_text("工作人员 · 上传于")
    expect(tile).not_to_contain_text(login["username"])


# ------------------------------------------------------------------------------------------- language


# The limits the pages' static texts name (photos_per_ticket, photo_mb …), as the catalogue serves them.
LIMITS = catalogue().limits.model_dump()


@pytest.mark.parametrize("path", ["", "track", "staff"])
def test_every_label_comes_from_the_one_catalogue_in_both_languages(page: Page, desk: Desk, path: str) -> None:
    """The pages keep no copy of the texts: what they show is the catalogue Python reads too."""
    page.goto(f"{desk.base}/{path}")

    def shown() -> dict[str, str]:
        labels: list[list[str]] = page.evaluate(
            "() => [...document.querySelectorAll('[data-i18n]')].map(e => [e.dataset.i18n, e.textContent])"
        )
        return dict((key, text) for key, text in labels)

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # the texts that name a limit are written again once the catalogue has come
    page.wait_for_function("() => ![...document.querySelectorAll('[data-i18n]')].some(e => /[{]/.test(e.textContent))")
    zh = shown()
    assert len(zh) > 5 and zh == {key: message(key, "zh-CN", **LIMITS) for key in zh}
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    en = shown()  # (choices a script redraws on the switch carry no data-i18n: they are compared by the form tests)
    assert len(en) > 5 and en == {key: message(key, "en", **LIMITS) for key in en}


# ------------------------------------------------------------------------------------------- incident reports


def test_a_mail_link_opens_an_incident_report_with_photos_a_pack_and_its_verification(page: Page, desk: Desk) -> None:
    status, created = desk.staff(
        "duty_manager",
        "POST",
        "staff/incident-reports",
        {
            "site_id": SITE,
            "severity": "major",
            "category": "water_leak",
            "occurred_at": datetime.now(UTC).isoformat(),
            "building_id": "library",
            "place": "一楼大厅",
            "details": "水管爆裂,大厅积水约 3 厘米。",
        },
    )
    assert status == 201, created
    report = created["report"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#report={report['report_id']}", "duty_manager")

    register = page.locator("#reports")
    expect(register).to_be_visible()
    row = register.locator(f"tr[data-report='{report['report_id']}']")
    expect(row).to_contain_text(report["number"])
    expect(row).to_contain_text("重大")
    expect(row).to_contain_text("草稿")
    expect(row).to_contain_text(beijing(report["due_at"]))
    opened = page.locator("#report")
    expect(opened.locator("#report-title")).to_have_text(report["number"])
    draft = opened.locator("#report-edit")  # a draft opens with its fields to complete
    expect(draft.get_by_label("事故类别")).to_have_value("water_leak")
    expect(draft.get_by_label("发生地点")).to_have_value("一楼大厅")
    expect(draft.get_by_label("事件内容")).to_have_value("水管爆裂,大厅积水约 3 厘米。")

    # Photos of the damage, while the report is a draft.
    opened.get_by_label("上传照片").set_input_files([photo_file("hall.jpg", small_jpeg())])
    expect(opened.locator("#report-uploads .upload-stage")).to_have_text("已完成", timeout=30_000)
    expect(opened.locator("#report-photos li[data-state=stored]")).to_have_count(1)
    page.wait_for_function(
        "() => { const i = document.querySelector('#report-photos img'); return i && i.naturalWidth > 0; }"
    )
    page.emulate_media(media="print")  # the printed form counts the photos (the originals are in the pack)
    expect(page.locator("#report-sheet")).to_contain_text("1 张（原件见证据包）")
    page.emulate_media(media="screen")

    # The evidence pack, then both checks.
    opened.get_by_role("button", name="下载证据包").click()
    link = opened.locator("#report-pack-link")
    expect(link).to_be_visible()
    expect(link).to_contain_text("下载证据包（ZIP")
    href = link.get_attribute("href") or ""
    status, kind, body = fetch(href)
    assert status == 200 and kind == "application/zip" and body[:2] == b"PK"
    opened.get_by_role("button", name="核验原件").click()
    result = opened.locator("#report-verify-result")
    expect(result).to_have_text("留存原件 · 核验通过：1 个文件与留存记录一致。")
    expect(result).to_have_attribute("data-ok", "true")
    opened.get_by_role("button", name="核验此证据包").click()
    expect(result).to_contain_text("证据包 · 核验通过")
    screenshot(page, "photos-incident-report")
    page.get_by_role("button", name="Switch to English").click()
    expect(result).to_contain_text("Evidence pack · Verified")
    expect(row).to_contain_text("Major")
    page.get_by_role("button", name="切换到中文").click()

    # An operator has no register.
    sign_out_and_in(page, desk, "operator")
    expect(page.locator("#reports-toggle")).to_be_hidden()
    expect(page.locator("#reports")).to_be_hidden()
