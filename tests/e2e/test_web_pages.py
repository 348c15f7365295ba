"""The web pages in a real browser (Debian's Chromium) against the local stack: what a person sees.

The tenant form, the tracking page and the staff console are opened on a 390 px wide phone
viewport with an English browser locale and a UTC clock, so Chinese text and Beijing times must
come from the pages themselves. Staff actions that are not about the console go over HTTP with the
printed logins. One screenshot of each page lands in /tmp/screens/.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, Request, expect

from deploy_tools.smoke import call as http  # (status, JSON answer) of one request
from frontdesk.models.canned import MAX_TITLE
from frontdesk.models.commands import MAX_TEXT, Acceptance, QuoteIn, QuoteLineIn

from .conftest import CHROMIUM, POLL_BOUND_SECONDS, until

pytestmark = pytest.mark.e2e

SCREENS = Path("/tmp/screens")
SITE = "demo"
NUMBER = re.compile(r"^QL-\d{4}-\d{3}$")
BEIJING = ZoneInfo("Asia/Shanghai")

if not Path(CHROMIUM).exists():  # the Makefile installs it; a browser test must never vanish as a skip
    pytest.fail("Debian's chromium is not installed: run `make browser`", pytrace=False)


# ------------------------------------------------------------------------------------------- HTTP


def raw_get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _base_url(stack: Any) -> str:
    """The gateway's base URL from the local_stack fixture, whatever shape it yields."""
    if isinstance(stack, str):
        return stack
    if isinstance(stack, dict):
        return str(stack.get("base_url") or stack["url"])
    for name in ("base_url", "url"):
        if hasattr(stack, name):
            return str(getattr(stack, name))
    if isinstance(stack, tuple | list):
        return str(stack[0])
    raise AssertionError(f"cannot find the base URL in {stack!r}")


class Desk:
    """The local stack as the tests use it: its config, staff tokens and lifecycle actions over HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        status, config = http("GET", f"{self.base}/local/config.json")
        assert status == 200, config
        self.config: dict[str, Any] = config
        self._tokens: dict[str, str] = {}

    @property
    def time_scale(self) -> float:
        return float(self.config.get("time_scale") or 1)

    def login(self, role: str) -> dict[str, str]:
        found: dict[str, str] = next(login for login in self.config["logins"] if login["role"] == role)
        return found

    def token(self, role: str) -> str:
        if role not in self._tokens:
            login = self.login(role)
            status, body = http(
                "POST", f"{self.base}/local/login", {"username": login["username"], "password": login["password"]}
            )
            assert status == 200, body
            self._tokens[role] = body["id_token"]
        return self._tokens[role]

    def staff(self, role: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return http(method, f"{self.base}/{path}", body, {"Authorization": self.token(role)})

    def report(self, **fields: Any) -> dict[str, Any]:
        """A web-form ticket over the public API: {number, status, tracking_token, tracking_url}."""
        body = {
            "site_id": SITE,
            "building_id": "expert",
            "unit": "1-102",
            "kind": "repair",
            "category": "plumbing",
            "description": "卫生间水龙头一直滴水。",
            "contact_name": "王老师",
            "contact_phone": "13800138000",
            **fields,
        }
        status, created = http("POST", f"{self.base}/public/tickets", body, {"Accept-Language": "zh-CN"})
        assert status == 201, created
        return dict(created)

    def engineer_on_site(self, number: str) -> str:
        """The ticket ``number`` dispatched to the engineer, who has arrived: its id."""
        ticket_id = self.ticket_id(number)
        engineer = self.login("engineer")["username"]
        self.act("operator", ticket_id, "dispatch", department="engineering", assignee=engineer)
        self.act("engineer", ticket_id, "arrive")
        return ticket_id

    def ticket_id(self, number: str) -> str:
        status, queue = self.staff("operator", "GET", f"staff/tickets?site_id={SITE}")
        assert status == 200, queue
        return str(next(t["ticket_id"] for t in queue["tickets"] if t["number"] == number))

    def act(self, role: str, ticket_id: str, action: str, **fields: Any) -> dict[str, Any]:
        """One lifecycle action with the version just read (an SLA timer may have moved it on)."""
        for _ in range(3):
            status, view = self.staff(role, "GET", f"staff/tickets/{ticket_id}")
            assert status == 200, view
            status, body = self.staff(
                role, "POST", f"staff/tickets/{ticket_id}/{action}", {"version": view["ticket"]["version"], **fields}
            )
            if status == 409 and body.get("code") == "version_conflict":
                continue
            assert status == 200, (action, body)
            return dict(body)
        raise AssertionError(f"{action}: version conflicts kept coming")

    def track(self, token: str) -> dict[str, Any]:
        status, view = http("GET", f"{self.base}/public/track/{token}")
        assert status == 200, view
        return dict(view)


# ------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def desk(local_stack: Any) -> Desk:
    wired = Desk(_base_url(local_stack))
    status, _, _ = raw_get(f"{wired.base}/config.json")
    if status != 200:
        pytest.fail(
            f"GET /config.json -> {status}: the web pages are not routed. They need "
            "app.include_router(pages.router) in functions/public_api/app.py and the Web* GET events "
            "(/, /track, /staff, /config.json, /assets/{name}) on PublicApiFunction in template.yaml."
        )
    return wired


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def open_form(page: Page, desk: Desk) -> None:
    page.goto(f"{desk.base}/")
    expect(page.locator("#building_id option[value=expert]")).to_have_count(1)


def fill_form(
    page: Page,
    *,
    building: str = "专家公寓",
    unit: str = "1-101",
    category: str = "给排水（水管、漏水、堵塞）",
    description: str = "厨房水槽下面的水管漏水,地面有积水。",
) -> None:
    page.get_by_label("楼宇").select_option(label=building)
    page.get_by_label("房号").fill(unit)
    page.get_by_role("radio", name="报修").check()
    page.get_by_label("类别").select_option(label=category)
    page.get_by_label("情况说明").fill(description)
    page.get_by_label("姓名").fill("李同学")
    page.get_by_label("联系电话").fill("+86 138-0013-8000")


def refreshed_status(page: Page) -> Locator:
    """The tracking page's status line, after the tenant presses its refresh button."""
    page.get_by_role("button", name="刷新").click()
    return page.locator("#status-text")


def beijing(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M")


# ------------------------------------------------------------------------------------------- the pages over HTTP


def test_pages_are_served_with_security_headers_and_relative_urls(desk: Desk) -> None:
    for path in ("/", "/track", "/staff"):
        status, headers, body = raw_get(desk.base + path)
        assert status == 200, path
        assert headers["content-type"] == "text/html; charset=utf-8"
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        html = body.decode("utf-8")
        assert 'lang="zh-CN"' in html
        # relative asset URLs (the API has a stage prefix on AWS), pinned to their content hash
        assert re.search(r'href="assets/common\.js\?v=[0-9a-f]{16}"', html)  # preloaded with the entry
        assert 'src="/' not in html and 'href="/' not in html

    status, headers, body = raw_get(f"{desk.base}/assets/app.css")
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert "max-age" in headers["cache-control"]
    status, headers, _ = raw_get(f"{desk.base}/assets/staff.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"

    for name in ("evil.js", "index.html", "..%2Fpages.py", "app.css.map"):
        status, _, _ = raw_get(f"{desk.base}/assets/{name}")
        assert status in (403, 404), name

    status, headers, _ = raw_get(f"{desk.base}/track/")
    assert status == 308 and headers["location"] == "../track"

    status, config = http("GET", f"{desk.base}/config.json")
    assert status == 200
    assert config["user_pool_client_id"], config
    assert config["cognito_endpoint"]
    # the console counts down on the same clock as the local stack's SLA timers
    assert config["time_scale"] == desk.time_scale, (config, desk.config.get("time_scale"))


# ------------------------------------------------------------------------------------------- tenant form


def test_form_is_in_chinese_by_default_and_switches_to_english(page: Page, desk: Desk) -> None:
    open_form(page, desk)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("在线报修 · 投诉 · 咨询")
    expect(page.get_by_label("园区")).to_have_value(SITE)
    expect(page.get_by_label("园区").locator("option:checked")).to_have_text("青岚校区")
    expect(page.get_by_label("楼宇").locator("option[value=expert]")).to_have_text("专家公寓")
    for label in ("房号", "类别", "情况说明", "姓名", "联系电话", "电子邮箱"):
        expect(page.get_by_label(label)).to_be_visible()
    expect(page.get_by_text("最多 10 张，每张不超过 10 MB")).to_be_visible()
    photos = page.locator("#photos")  # photos: tests/e2e/test_web_photos.py
    expect(photos).to_be_enabled()
    assert photos.get_attribute("accept") == "image/jpeg,image/png,image/heic,image/heif,image/webp,.heic,.heif"
    page.get_by_label("情况说明").fill("灯不亮")
    expect(page.locator("#description-count")).to_have_text("3/2000")
    screenshot(page, "form")

    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Repairs, complaints and inquiries")
    expect(page.get_by_label("Building")).to_be_visible()
    expect(page.get_by_label("Building").locator("option[value=expert]")).to_have_text("Expert Apartment")
    expect(page.get_by_label("Site").locator("option:checked")).to_have_text("Qinglan Campus")
    expect(page.get_by_text("Up to 10 photos, at most 10 MB each")).to_be_visible()
    expect(page.get_by_role("radio", name="Complaint")).to_be_visible()
    expect(page.get_by_role("button", name="Submit")).to_be_visible()
    page.get_by_role("radio", name="Inquiry").check()
    expect(page.get_by_label("Category").locator("option")).to_contain_text(["Please choose", "General question"])

    page.reload()  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_have_text("Repairs, complaints and inquiries")
    page.get_by_role("button", name="切换到中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在线报修 · 投诉 · 咨询")


def test_form_works_from_the_keyboard_with_a_visible_focus(page: Page, desk: Desk) -> None:
    open_form(page, desk)
    reached: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id || document.activeElement.name || ''")
        reached.append(focused)
        if focused == "submit":
            break
    expected = ["site_id", "building_id", "place", "unit", "kind", "category", "description", "contact_name"]
    expected += ["contact_phone", "contact_email", "submit"]
    assert [name for name in reached if name in expected] == expected, reached
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline
    # every control has a label
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(c => c.type !== 'hidden' && !(c.labels && c.labels.length))
            .map(c => c.id || c.name)"""
    )
    assert unlabelled == []
    # radios change with the arrow keys; the categories follow the kind
    page.locator("input[name=kind][value=repair]").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="投诉")).to_be_checked()
    expect(page.get_by_label("类别").locator("option")).to_contain_text(["请选择", "安保工作", "清洁"])


def test_empty_submission_marks_the_fields_and_sends_nothing(page: Page, desk: Desk) -> None:
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    open_form(page, desk)
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("alert")).to_contain_text("请更正标出的")
    required = {
        "building_id": "请选择一项。",
        "unit": "请填写房号，或说明公共区域的具体位置。",
        "category": "请选择一项。",
        "description": "此项为必填项。",
        "contact_name": "此项为必填项。",
        "contact_phone": "此项为必填项。",
    }
    for field, text in required.items():
        control = page.locator(f"#{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}-error")).to_have_text(text)
        assert f"{field}-error" in (control.get_attribute("aria-describedby") or "").split()
    expect(page.locator("#contact_email")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#building_id")).to_be_focused()  # the first invalid field
    screenshot(page, "form-errors")

    # a bad phone number is caught before anything is sent
    page.get_by_label("联系电话").fill("12ab")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#contact_phone-error")).to_contain_text("请填写有效的电话号码")
    # fixing a field clears its message
    page.get_by_label("姓名").fill("李同学")
    expect(page.locator("#contact_name-error")).to_be_hidden()
    expect(page.locator("#contact_name")).not_to_have_attribute("aria-invalid", "true")

    # the messages follow the language switch
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("#description-error")).to_have_text("This field is required.")
    page.get_by_role("button", name="切换到中文").click()
    assert not [url for url in posts if "/public/tickets" in url]


def test_server_side_errors_are_shown_next_to_their_field(page: Page, desk: Desk) -> None:
    open_form(page, desk)
    fill_form(page)
    # The textarea stops at 2000 characters; without that limit the server is the judge.
    page.locator("#description").evaluate("el => el.removeAttribute('maxlength')")
    page.get_by_label("情况说明").fill("漏" * 2001)
    expect(page.locator("#description-count")).to_have_text("2001/2000")
    with page.expect_response(lambda r: r.url.endswith("/public/tickets") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="提交").click()
    assert sent.value.status == 400
    expect(page.locator("#description-error")).to_have_text("内容过长，最多 2000 个字符。")
    expect(page.locator("#description")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-alert")).to_contain_text("请更正标出的 1 项")
    expect(page.locator("#result")).to_be_hidden()

    # A unit the building does not have: refused by the server, in the language of the page.
    page.get_by_label("情况说明").fill("门锁坏了")
    page.get_by_role("button", name="Switch to English").click()
    page.get_by_label("Room number").fill("9-999")
    with page.expect_response(lambda r: r.url.endswith("/public/tickets") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="Submit").click()
    assert sent.value.status == 400
    expect(page.locator("#unit-error")).to_have_text("That unit is not in the chosen building.")
    expect(page.locator("#unit")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#unit")).to_be_focused()
    page.get_by_role("button", name="切换到中文").click()


def test_valid_submission_shows_the_number_and_the_tracking_link(page: Page, desk: Desk) -> None:
    created: list[Request] = []
    page.on(
        "request",
        lambda request: (
            created.append(request) if request.method == "POST" and request.url.endswith("/public/tickets") else None
        ),
    )
    open_form(page, desk)
    fill_form(page, description="卧室顶灯不亮,开关没有反应。", category="照明、灯具")
    with page.expect_response(lambda r: r.url.endswith("/public/tickets") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="提交").dblclick()  # a double click must not make two tickets
    assert sent.value.status == 201

    result = page.get_by_role("region", name="已受理")
    expect(result).to_be_visible()
    number = page.locator("#result-number")
    expect(number).to_have_text(NUMBER)
    link = page.get_by_role("link", name="查看处理进度")
    href = link.get_attribute("href") or ""
    assert href.startswith("track#"), href
    expect(page.locator("#result-url")).to_contain_text("/track#")
    assert len(created) == 1
    assert created[0].headers.get("idempotency-key")
    assert json.loads(created[0].post_data or "{}")["language"] == "zh-CN"
    screenshot(page, "form-submitted")

    shown = number.inner_text()
    link.click()
    expect(page.locator("#number")).to_have_text(shown)
    expect(page.locator("#status-text")).to_have_text("已受理")


# ------------------------------------------------------------------------------------------- tracking page


def test_tracking_page_follows_the_work_and_acceptance_closes_the_ticket(page: Page, desk: Desk) -> None:
    created = desk.report(description="洗手池下水堵塞,水排不下去。")
    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    expect(page.locator("#number")).to_have_text(created["number"])
    expect(page.locator("#status-text")).to_have_text("已受理")
    current = page.locator("#steps li[aria-current=step]")
    expect(current).to_contain_text("已受理")
    expect(page.locator("#steps li")).to_have_count(5)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("受理")
    view = desk.track(created["tracking_token"])
    # the browser runs in UTC; the page shows Beijing time
    expect(timeline.locator("time").first).to_have_text(beijing(view["created_at"]))
    expect(page.locator("#details")).to_contain_text("专家公寓")
    expect(page.locator("#details")).to_contain_text("138****8000")
    expect(page.locator("#accept-card")).to_be_hidden()
    screenshot(page, "track")

    ticket_id = desk.engineer_on_site(created["number"])
    desk.act("engineer", ticket_id, "complete", summary="疏通了下水管,已恢复正常。")

    expect(refreshed_status(page)).to_have_text("已完工待验收")
    expect(timeline).to_contain_text("派工")
    expect(timeline).to_contain_text("工程人员到场")
    expect(timeline).to_contain_text("完工说明：疏通了下水管,已恢复正常。")
    accept = page.get_by_role("region", name="验收")
    expect(accept).to_be_visible()
    screenshot(page, "track-accept")

    # the verdict is required
    accept.get_by_role("button", name="提交验收").click()
    expect(page.locator("#satisfied-error")).to_have_text("请选择一项。")
    accept.get_by_role("radio", name="满意", exact=True).check()
    # the marks and the comment's length are the model's, served by the catalogue
    rating = Acceptance.model_fields["rating"].metadata
    expect(accept.locator("[name=rating]")).to_have_count(rating[1].le - rating[0].ge + 1)
    expect(accept.get_by_label("意见或建议")).to_have_attribute("maxlength", str(MAX_TEXT))
    accept.get_by_role("radio", name="5 星").check()
    accept.get_by_label("意见或建议").fill("师傅很快就到了,谢谢!")
    accept.get_by_role("button", name="提交验收").click()

    expect(page.locator("#status-text")).to_have_text("已关闭")
    expect(page.locator("#accept-card")).to_be_hidden()
    expect(timeline).to_contain_text("客户验收")
    expect(timeline).to_contain_text("评分：5/5")
    expect(page.locator("#status")).to_contain_text("感谢您的验收")
    assert desk.track(created["tracking_token"])["status"] == "closed"


def test_tracking_page_shows_a_quote_in_yuan_and_confirms_it(page: Page, desk: Desk) -> None:
    created = desk.report(unit="2-201", category="doors_windows", description="阳台推拉门的滑轮坏了。")
    ticket_id = desk.engineer_on_site(created["number"])
    desk.act(
        "engineer",
        ticket_id,
        "quote",
        lines=[{"item": "推拉门滑轮 ×2", "amount_cents": 4800}],
        tax_cents=312,
        labour_cents=3000,
    )

    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    expect(page.locator("#status-text")).to_have_text("待确认报价")
    quote = page.get_by_role("region", name="报价确认")
    expect(quote).to_contain_text("推拉门滑轮 ×2")
    expect(quote.locator("#quote-lines")).to_contain_text("¥48.00")
    expect(quote.locator("#quote-tax")).to_have_text("¥3.12")
    expect(quote.locator("#quote-labour")).to_have_text("¥30.00")
    expect(quote.locator("#quote-total")).to_have_text("¥81.12")
    screenshot(page, "track-quote")

    quote.get_by_role("button", name="确认报价，开始维修").click()
    expect(page.locator("#status-text")).to_have_text("维修中")
    expect(quote).to_contain_text("您已确认此报价。")
    expect(page.locator("#quote-actions")).to_be_hidden()
    assert desk.track(created["tracking_token"])["quote"]["decision"] == "confirmed"


def test_tracking_page_without_a_valid_token_says_so(page: Page, desk: Desk) -> None:
    page.goto(f"{desk.base}/track#{'x' * 24}")
    expect(page.get_by_role("alert")).to_have_text("未找到该工单，请检查查询链接是否完整。")
    expect(page.get_by_label("查询链接或查询码")).to_be_visible()


# ------------------------------------------------------------------------------------------- staff console


def sign_in(page: Page, desk: Desk, role: str) -> None:
    sign_in_at(page, desk, f"{desk.base}/staff", role)
    expect(page.locator("#who")).to_contain_text(desk.login(role)["username"])


def sign_in_at(page: Page, desk: Desk, url: str, role: str) -> None:
    """Open ``url`` (the console, or a link from a mail) and sign in there as ``role``."""
    login = desk.login(role)
    page.goto(url)
    _log_in(page, login)


def sign_out_and_in(page: Page, desk: Desk, role: str) -> dict[str, str]:
    """Sign out of the console and, on the same page, in again as ``role``: its login."""
    page.get_by_role("button", name="退出登录").click()
    login = desk.login(role)
    _log_in(page, login)
    expect(page.locator("#who")).to_contain_text(login["username"])
    return login


def _log_in(page: Page, login: dict[str, str]) -> None:
    page.get_by_label("用户名", exact=True).fill(login["username"])
    page.get_by_label("密码", exact=True).fill(login["password"])
    page.get_by_role("button", name="登录").click()


def open_action(page: Page, action: str) -> Any:
    """The form of one action in the open ticket (a single action is already unfolded)."""
    details = page.locator(f"details[data-action={action}]")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()
    return page.locator(f"form[data-action-form={action}]")


def fill_in(form: Any, choose: Mapping[str, str], type_in: Mapping[str, str]) -> None:
    """The form's fields by their labels: the options to choose in selects, then the text to type in."""
    for label, option in choose.items():
        form.get_by_label(label).select_option(label=option)
    for label, text in type_in.items():
        form.get_by_label(label).fill(text)


SERIOUS_PHONE_COMPLAINT = {"来源": "电话", "类型": "投诉", "严重程度": "严重"}


def record_a_call(page: Page, choose: Mapping[str, str], type_in: Mapping[str, str]) -> Any:
    """The desk's intake form for a call or a visit, opened and filled (not yet sent)."""
    page.get_by_role("button", name="登记来电/来访").click()
    intake = page.locator("#intake-form")
    fill_in(intake, choose, type_in)
    return intake


def required_then_sent(form: Any, send: str, error: Any, label: str, text: str) -> None:
    """Sent with the field ``label`` empty: ``error`` asks for it; filled with ``text``, sent again."""
    form.get_by_role("button", name=send).click()
    expect(error).to_have_text("此项为必填项。")
    form.get_by_label(label).fill(text)
    form.get_by_role("button", name=send).click()


def handle_and_reply(page: Page, department: str, measures: str, reply: str) -> None:
    """The open complaint handled by ``department``, then the client answered by phone."""
    handling = open_action(page, "handle")
    fill_in(handling, choose={"部门": department}, type_in={"处理措施": measures})
    handling.get_by_role("button", name="记录处理").click()
    expect(page.locator("#detail-status")).to_have_text("已处理")
    replying = open_action(page, "reply")
    fill_in(replying, choose={"回复方式": "电话"}, type_in={"回复内容": reply})
    replying.get_by_role("button", name="回复客户").click()
    expect(page.locator("#detail-status")).to_have_text("已回复")


def submitted_by_api(desk: Desk, role: str = "duty_manager", **fields: str) -> dict[str, Any]:
    """A general incident report (a fight) drafted and submitted through the staff API by ``role``;
    ``fields`` replace the draft's place, details or immediate action."""
    draft = {
        "site_id": SITE,
        "severity": "general",
        "category": "fight",
        "occurred_at": datetime.now(UTC).isoformat(),
        "place": "东门停车场",
        "details": "两名访客在停车场争执推搡，保安已将双方分开。",
        "immediate_action": "带至保安部办公室，检查现场设施无损坏。",
    }
    status, created = desk.staff(role, "POST", "staff/incident-reports", {**draft, **fields})
    assert status == 201, created
    report = created["report"]
    status, submitted = desk.staff(
        role, "POST", f"staff/incident-reports/{report['report_id']}/submit", {"version": report["version"]}
    )
    assert status == 200, submitted
    return dict(submitted["report"])


def pick_engineer(form: Any, query: str) -> None:
    """Search the form's engineer list and pick the one match (the picker selects a single match)."""
    form.get_by_label("按姓名、用户名或电话查找").fill(query)
    expect(form.locator("[data-field=assignee] select option")).to_have_count(1)
    expect(form.locator("[data-field=assignee] select")).not_to_have_value("")


def open_ticket(page: Page, number: str) -> None:
    """Open a ticket from the queue (at phone width the open ticket covers the list: back first)."""
    if page.locator("#back").is_visible():
        page.locator("#back").click()
    page.locator("li.ticket", has_text=number).get_by_role("button").click()
    expect(page.locator("#detail-title")).to_have_text(number)


def report_and_open(page: Page, desk: Desk, role: str, **fields: Any) -> dict[str, Any]:
    """A new web-form ticket, opened in the console by a user with `role`."""
    created = desk.report(**fields)
    sign_in(page, desk, role)
    open_ticket(page, created["number"])
    return created


def test_staff_console_signs_in_and_lists_tickets_with_the_time_left(page: Page, desk: Desk) -> None:
    complaint = desk.report(
        kind="complaint",
        category="staff_attitude",
        building_id="library",
        unit="2F-201",
        description="前台工作人员态度生硬。",
    )
    repair = desk.report(building_id="library", unit="1F-101", category="lighting", description="阅览室灯管闪烁。")

    page.goto(f"{desk.base}/staff")
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()
    page.get_by_label("用户名").fill("operator")
    page.get_by_label("密码", exact=True).fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#signin-alert")).to_have_text("用户名或密码错误。")

    sign_in(page, desk, "operator")
    expect(page.locator("#who")).to_contain_text("接线员")
    if desk.time_scale > 1:
        expect(page.locator("#scale-note")).to_contain_text(f"{desk.time_scale:g} 倍")
    expect(page.get_by_label("园区")).to_have_value(SITE)

    complaint_item = page.locator("li.ticket", has_text=complaint["number"])
    expect(complaint_item).to_contain_text("投诉")
    expect(complaint_item).to_contain_text("服务态度")
    expect(complaint_item.locator(".left")).to_have_text(re.compile(r"^剩余 \S+"))
    repair_item = page.locator("li.ticket", has_text=repair["number"])
    expect(repair_item.locator(".left")).to_have_text(re.compile(r"^已等待 "))
    screenshot(page, "staff")

    # The open ticket: its timeline, and buttons only for what this user may do.
    repair_item.get_by_role("button").click()
    detail = page.locator("#detail")
    expect(detail.get_by_role("heading", level=2)).to_have_text(repair["number"])
    expect(page.locator("#detail-timeline")).to_contain_text("受理")
    ticket_id = desk.ticket_id(repair["number"])
    _, view = desk.staff("operator", "GET", f"staff/tickets/{ticket_id}")
    shown = page.locator("#actions [data-action]")
    expect(shown).to_have_count(len(view["actions"]))
    assert sorted(shown.evaluate_all("els => els.map(e => e.dataset.action)")) == sorted(view["actions"])
    assert "arrive" not in view["actions"] and "dispatch" in view["actions"]

    # Dispatch from the console; the arrival countdown starts (in demo time) and turns red when overdue.
    page.locator("details[data-action=dispatch] > summary").click()
    form = page.locator("form[data-action-form=dispatch]")
    form.get_by_role("button", name="派工").click()
    expect(form.locator("[data-field=assignee] .field-error")).to_have_text("请从名单中选择一位工程人员。")
    pick_engineer(form, desk.login("engineer")["username"])
    form.get_by_role("button", name="派工").click()
    expect(page.locator("#detail-status")).to_have_text("已派工")
    expect(page.locator("#detail-timeline")).to_contain_text("派工")
    expect(page.locator("#actions [data-action]")).to_have_count(
        len(desk.staff("operator", "GET", f"staff/tickets/{ticket_id}")[1]["actions"])
    )
    countdown = page.locator("#detail-left")
    expect(countdown).to_have_text(re.compile(r"^(剩余|已超时) "))
    screenshot(page, "staff-ticket")

    # A rule only the server knows (a new arrival time must be later) comes back next to its field.
    due = desk.staff("operator", "GET", f"staff/tickets/{ticket_id}")[1]["ticket"]["arrival_due"]
    earlier = datetime.fromisoformat(due.replace("Z", "+00:00")).astimezone(BEIJING) - timedelta(minutes=10)
    reschedule = open_action(page, "reschedule")
    reschedule.get_by_label("新的到场时间（北京时间）").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    reschedule.get_by_role("button", name="改约到场时间").click()
    error = reschedule.locator("[data-field=new_arrival] .field-error")
    expect(error).to_contain_text("新的到场时间必须晚于当前时限")
    expect(reschedule.locator("[name=new_arrival]")).to_have_attribute("aria-invalid", "true")
    if desk.time_scale >= 30:  # the library's 5-minute arrival SLA passes in seconds
        expect(countdown).to_have_class(re.compile(r"\boverdue\b"), timeout=30_000)
        expect(countdown).to_have_text(re.compile(r"^已超时 "))
        expect(countdown).to_have_css("background-color", "rgb(179, 38, 30)")
        # ... which is when the SLA timer escalates: the refreshed timeline says so.
        escalated = page.locator("#detail-timeline li", has_text="超时，已上报主管跟进")
        _until_escalated(desk, ticket_id)
        page.get_by_role("button", name="刷新").click()
        expect(escalated.first).to_contain_text("到场超时")


def _until_escalated(desk: Desk, ticket_id: str) -> None:
    """The SLA timer has escalated the ticket (asked of the API under the e2e poll bound)."""

    def escalated() -> bool:
        _, view = desk.staff("operator", "GET", f"staff/tickets/{ticket_id}")
        return any(event["action"] == "escalate" for event in view["timeline"])

    until(escalated, "the SLA timer escalates the ticket")


def test_engineer_sees_only_field_actions(page: Page, desk: Desk) -> None:
    created = desk.report(building_id="library", unit="3F-301", category="hvac", description="空调不制冷。")
    ticket_id = desk.ticket_id(created["number"])
    engineer = desk.login("engineer")["username"]
    desk.act("operator", ticket_id, "dispatch", department="engineering", assignee=engineer)

    sign_in(page, desk, "engineer")
    page.locator("li.ticket", has_text=created["number"]).get_by_role("button").click()
    expect(page.locator("#detail-status")).to_have_text("已派工")
    actions = page.locator("#actions [data-action]")
    names = actions.evaluate_all("els => els.map(e => e.dataset.action)")
    assert "arrive" in names and "dispatch" not in names and "decline" not in names
    if desk.time_scale >= 30:
        # Let the SLA timer escalate under the open page: the version the page holds is now stale,
        # but an escalation changes nothing the engineer acts on, so the check-in still goes through.
        _until_escalated(desk, ticket_id)
    page.get_by_role("button", name="确认到场").click()
    expect(page.locator("#detail-status")).to_have_text("已到场")
    expect(page.locator("#detail-alert")).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("已完成操作：确认到场")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()


def test_operator_records_a_phone_complaint_and_follows_it_to_the_end(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "operator")
    intake = record_a_call(
        page,
        choose={**SERIOUS_PHONE_COMPLAINT, "类别": "员工服务态度", "楼宇": "行政楼"},
        type_in={"房号": "205", "姓名": "赵主任", "联系电话": "0531-88391832"},
    )
    required_then_sent(
        intake,
        "登记",
        intake.locator("[data-field=description] .field-error"),
        "情况说明",
        "保洁人员下午没有打扫会议室,态度也不好。",
    )

    expect(page.locator("#status")).to_contain_text("已登记")
    expect(page.locator("#detail-status")).to_have_text("已受理")
    expect(page.locator("#detail-fields")).to_contain_text("严重")
    expect(page.locator("#detail-fields")).to_contain_text("电话")

    # A complaint is handled before the client is answered: no reply is offered yet (a reply time
    # may be agreed, a repair raised).
    shown = page.locator("#actions [data-action]")
    expect(shown).to_have_count(3)
    assert sorted(shown.evaluate_all("els => els.map(e => e.dataset.action)")) == ["agree_reply", "handle", "repairs"]

    handle_and_reply(
        page, "保洁部", "已通知保洁主管,立即安排打扫,并对当班人员进行教育。", "会议室已打扫完毕,向您致歉。"
    )
    expect(page.locator("#detail-timeline")).to_contain_text("回复:会议室已打扫完毕".replace(":", "："))

    close = open_action(page, "close")
    close.get_by_role("button", name="关闭工单").click()
    expect(page.locator("#detail-status")).to_have_text("已关闭")
    expect(page.locator("#actions-none")).to_be_visible()


def test_engineer_quotes_from_the_console_and_the_client_sees_it(page: Page, desk: Desk) -> None:
    created = desk.report(unit="2-201", category="furniture", description="衣柜门铰链断了。")
    desk.engineer_on_site(created["number"])

    sign_in(page, desk, "engineer")
    page.locator("li.ticket", has_text=created["number"]).get_by_role("button").click()
    expect(page.locator("#detail-title")).to_have_text(created["number"])
    quote = open_action(page, "quote")
    fill_in(quote, {}, {"项目": "铰链 ×2", "金额（元）": "abc"})
    add = quote.get_by_role("button", name="添加一项")
    # the model's most lines (served): no more rows at the cap, one again after a row is removed
    most = QuoteIn.model_fields["lines"].metadata[-1].max_length
    for _ in range(most - 1):
        add.click()
    expect(quote.locator(".quote-row")).to_have_count(most)
    expect(add).to_be_disabled()
    expect(add).to_have_attribute("title", f"最多 {most} 项；删除一项后才能再添加。")
    for _ in range(most - 2):
        quote.locator(".quote-row").last.get_by_role("button", name="删除此项").click()
    expect(add).to_be_enabled()
    expect(quote.locator(".quote-row")).to_have_count(2)
    # a new row is as long as the model's item, and an amount above the model's ceiling is refused here
    item = QuoteLineIn.model_fields["item"].metadata[0].max_length
    expect(quote.locator("[data-field='lines.1.item'] input")).to_have_attribute("maxlength", str(item))
    quote.locator("[data-field='lines.1.item'] input").fill("螺丝")
    quote.locator("[data-field='lines.1.amount_cents'] input").fill("2")
    fill_in(quote, {}, {"税费（元）": "1.5", "人工费（元）": "20"})
    quote.get_by_role("button", name="提交报价").click()
    expect(quote.locator("[data-field='lines.0.amount_cents'] .field-error")).to_have_text("请填写金额，例如 12.50。")
    ceiling = QuoteIn.model_fields["tax_cents"].metadata[-1].le
    fill_in(quote, {}, {"税费（元）": f"{(ceiling + 1) / 100:.2f}"})
    quote.get_by_role("button", name="提交报价").click()
    expect(quote.locator("[data-field=tax_cents] .field-error")).to_have_text("请填写金额，例如 12.50。")
    fill_in(quote, {}, {"税费（元）": "1.5"})
    quote.locator("[data-field='lines.0.amount_cents'] input").fill("36.80")
    quote.get_by_role("button", name="提交报价").click()
    expect(page.locator("#detail-status")).to_have_text("待确认报价")
    expect(page.locator("#detail-fields")).to_contain_text("¥60.30")

    view = desk.track(created["tracking_token"])
    assert view["quote"]["total_cents"] == 6030
    assert [line["amount_cents"] for line in view["quote"]["lines"]] == [3680, 200]


def test_a_change_by_someone_else_reloads_the_ticket_and_says_so(page: Page, desk: Desk) -> None:
    created = desk.report(building_id="expert", unit="1-102", category="electrical", description="插座冒火花。")
    ticket_id = desk.ticket_id(created["number"])
    sign_in(page, desk, "operator")
    page.locator("li.ticket", has_text=created["number"]).get_by_role("button").click()
    expect(page.locator("#detail-status")).to_have_text("已受理")

    # Another desk dispatches it meanwhile; this page still holds the old version.
    desk.act("duty_manager", ticket_id, "dispatch", department="engineering", assignee="engineer")
    decline = open_action(page, "decline")
    decline.get_by_label("原因").fill("不属于物业维修范围。")
    decline.get_by_role("button", name="婉拒").click()

    expect(page.locator("#detail-alert")).to_have_text("工单已被他人更新，已重新加载，请确认后重试。")
    expect(page.locator("#detail-status")).to_have_text("已派工")
    expect(page.locator("details[data-action=decline]")).to_have_count(0)
    assert desk.track(created["tracking_token"])["status"] == "dispatched"


# ------------------------------------------------------------------------------------------- language


def chinese_left(page: Page) -> list[str]:
    """Visible lines with Chinese in them (the language button's own 中文 aside)."""
    lines: list[str] = page.evaluate(
        """() => document.body.innerText.split('\\n').map(s => s.trim())
              .filter(s => /[\\u4e00-\\u9fff]/.test(s) && s !== '中文')"""
    )
    return lines


def test_after_a_switch_to_english_no_status_line_stays_chinese(page: Page, desk: Desk) -> None:
    """Every line the pages write, status lines included, follows a switch (the tenant's words aside)."""
    created = desk.report(description="The tap drips.", contact_name="Li")
    ticket_id = desk.ticket_id(created["number"])
    desk.act("operator", ticket_id, "dispatch", department="engineering", assignee=desk.login("engineer")["username"])

    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    expect(page.locator("#number")).to_have_text(created["number"])
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#status-text")).to_have_text("Engineer dispatched")
    assert chinese_left(page) == []

    page.get_by_role("button", name="切换到中文").click()  # the choice is remembered across pages
    sign_in(page, desk, "operator")
    page.get_by_role("button", name="Switch to English").click()
    page.evaluate("id => { location.hash = 'ticket=' + id; }", ticket_id)
    expect(page.locator("#detail-title")).to_have_text(created["number"])
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert chinese_left(page) == []


def test_the_escalation_mails_link_opens_the_ticket(page: Page, desk: Desk) -> None:
    """Class A arrival is 5 minutes (5 s at the demo's time scale): the late engineer's mail reaches
    the duty manager with an absolute link, which opens the ticket after sign-in."""
    created = desk.report(building_id="library", unit="1F-101", category="lighting", description="阅览室灯管闪烁。")
    ticket_id = desk.ticket_id(created["number"])
    desk.act("operator", ticket_id, "dispatch", department="engineering", assignee=desk.login("engineer")["username"])

    def escalation_link() -> str | None:
        _, outbox = http("GET", f"{desk.base}/local/outbox.json")
        for mail in outbox:
            subject = mail["subject"] or ""
            if mail["channel"] == "email" and created["number"] in subject and "升级" in subject:
                found = re.search(r"^查看工单：(\S+)$", mail["body"], re.MULTILINE)
                return found.group(1) if found else ""
        return None

    deadline = time.monotonic() + 180  # bounded: far beyond 5 s, so a busy machine cannot break it
    link = escalation_link()
    while link is None and time.monotonic() < deadline:
        time.sleep(0.5)
        link = escalation_link()
    assert link == f"{desk.base}/staff#ticket={ticket_id}"

    sign_in_at(page, desk, link, "duty_manager")
    expect(page.locator("#detail-title")).to_have_text(created["number"])


# ------------------------------------------------------------------------------------------- the desk's moves


def test_the_operator_picks_an_engineer_from_the_list_to_dispatch(page: Page, desk: Desk) -> None:
    report_and_open(
        page, desk, "operator", building_id="expert", unit="2-201", category="electrical", description="客厅插座没电。"
    )
    form = open_action(page, "dispatch")
    engineers = form.locator("[data-field=assignee] select option")
    # The site's engineers, each with name, user name and how busy, least busy first.
    _, roster = desk.staff("operator", "GET", f"staff/sites/{SITE}/people?role=engineer")
    expect(engineers).to_have_count(len(roster["people"]))
    expect(engineers.first).to_contain_text(roster["people"][0]["username"])
    expect(form.locator("[data-field=assignee] option[value='li.shifu']")).to_have_text(
        re.compile(r"^李师傅 · li\.shifu · 工程部 · (空闲|在办 \d+ 单)$")
    )

    screenshot(page, "staff-engineer-picker")

    # A name not on the list is refused before anything is sent.
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    search = form.get_by_label("按姓名、用户名或电话查找")
    search.fill("ENGINEER-X")
    expect(form.locator("[data-field=assignee] .hint")).to_have_text("没有与“ENGINEER-X”相符的工程人员。")
    form.get_by_role("button", name="派工").click()
    expect(form.locator("[data-field=assignee] .field-error")).to_have_text("请从名单中选择一位工程人员。")
    assert sent == []

    # Keyboard first: the last digits of a phone find one engineer; Enter sends the form.
    search.fill("1002")
    expect(engineers).to_have_count(1)
    expect(form.locator("[data-field=assignee] select")).to_have_value("li.shifu")
    search.press("Enter")
    expect(page.locator("#detail-status")).to_have_text("已派工")
    expect(page.locator("#detail-fields")).to_contain_text("li.shifu")
    screenshot(page, "staff-dispatched")

    # The list is read again after the dispatch: li.shifu now has open work.
    reassign = open_action(page, "reassign")
    expect(reassign.locator("[data-field=assignee] .hint")).to_have_text(re.compile(r"^共 \d+ 人"))  # read
    expect(reassign.locator("[data-field=assignee] option[value='li.shifu']")).to_have_count(0)  # has it now
    other = desk.report(building_id="expert", unit="1-101", category="electrical", description="走廊灯不亮。")
    page.locator("#back").click()  # to the list, then refresh it (a refresh would reopen an open ticket)
    page.get_by_role("button", name="刷新", exact=True).click()
    open_ticket(page, other["number"])
    busy = open_action(page, "dispatch").locator("[data-field=assignee] option[value='li.shifu']")
    expect(busy).to_have_text(re.compile(r"在办 [1-9]\d* 单$"))

    # A name the server does not know (a list read before the roster changed) comes back at the field.
    form = page.locator("form[data-action-form=dispatch]")
    form.locator("[data-field=assignee] select").evaluate(
        "select => { select.add(new Option('ghost', 'ghost')); select.value = 'ghost'; }"
    )
    form.get_by_role("button", name="派工").click()
    expect(form.locator("[data-field=assignee] .field-error")).to_contain_text("ghost")
    expect(form.locator("[data-field=assignee] select")).to_have_attribute("aria-invalid", "true")


def test_a_wrongly_dispatched_ticket_is_moved_to_the_right_engineer_and_finished(page: Page, desk: Desk) -> None:
    engineer = desk.login("engineer")["username"]
    created = report_and_open(page, desk, "operator", description="马桶水箱一直流水。")
    dispatch = open_action(page, "dispatch")
    pick_engineer(dispatch, "王工")
    dispatch.get_by_role("button", name="派工").click()
    expect(page.locator("#detail-status")).to_have_text("已派工")

    # Nobody went: dispatched again to another engineer, with a reason (a new visit).
    again = open_action(page, "redispatch")
    expect(again.locator("[data-field=assignee] option[value='wang.gong']")).to_have_count(0)
    # From the keyboard: search, down into the list (the least busy match is chosen), Enter sends.
    again.get_by_label("按姓名、用户名或电话查找").fill("li.")
    expect(again.locator("[data-field=assignee] select option")).to_have_count(1)  # the list has been read
    again.get_by_label("按姓名、用户名或电话查找").press("ArrowDown")
    expect(again.locator("[data-field=assignee] select")).to_be_focused()
    expect(again.locator("[data-field=assignee] select")).to_have_value("li.shifu")
    page.keyboard.press("Enter")
    expect(again.locator("[data-field=reason] .field-error")).to_have_text("此项为必填项。")
    again.get_by_label("重新派工原因（仅员工可见）").fill("王工今天休假，电话联系不上。")
    again.get_by_role("button", name="重新派工").click()
    timeline = page.locator("#detail-timeline")
    expect(timeline.locator("li", has_text="重新派工").first).to_contain_text("原负责人：wang.gong")
    expect(page.locator("#detail-fields")).to_contain_text("li.shifu")

    # Then handed to the engineer on duty (the deadline stands).
    reassign = open_action(page, "reassign")
    pick_engineer(reassign, engineer)
    reassign.get_by_label("改派原因（仅员工可见）").fill("李师傅在另一栋楼抢修，改由值班工程师处理。")
    reassign.get_by_role("button", name="改派").click()
    expect(timeline.locator("li", has_text="改派").first).to_contain_text("改派原因：李师傅在另一栋楼抢修")
    expect(page.locator("#detail-fields")).to_contain_text(engineer)
    page.get_by_role("button", name="退出登录").click()

    # The engineer arrives and finishes it ...
    sign_in(page, desk, "engineer")
    open_ticket(page, created["number"])
    page.get_by_role("button", name="确认到场").click()
    expect(page.locator("#detail-status")).to_have_text("已到场")
    complete = open_action(page, "complete")
    complete.get_by_label("完工说明").fill("更换了水箱进水阀，已不再流水。")
    complete.get_by_role("button", name="报完工").click()
    expect(page.locator("#detail-status")).to_have_text("已完工待验收")
    page.get_by_role("button", name="退出登录").click()

    # ... and the desk closes it.
    sign_in(page, desk, "operator")
    open_ticket(page, created["number"])
    close = open_action(page, "close")
    close.get_by_label("备注（未经客户验收而关闭时必填）").fill("已电话回访，客户确认修好。")
    close.get_by_role("button", name="关闭工单").click()
    expect(page.locator("#detail-status")).to_have_text("已关闭")
    assert desk.track(created["tracking_token"])["status"] == "closed"


def test_a_duty_manager_cancels_a_ticket_and_the_tracking_page_shows_it(page: Page, desk: Desk) -> None:
    created = report_and_open(page, desk, "duty_manager", unit="2-201", description="阳台地漏返味。")
    cancel = open_action(page, "cancel")
    required_then_sent(
        cancel,
        "撤销工单",
        cancel.locator("[data-field=reason] .field-error"),
        "撤销原因（客户可在查询页看到）",
        "业主来电说明已自行处理好，撤销报修。",
    )
    expect(page.locator("#detail-status")).to_have_text("已关闭")
    expect(page.locator("#detail-timeline li", has_text="工单已撤销")).to_have_count(1)

    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    expect(page.locator("#status-text")).to_have_text("已关闭")
    expect(page.locator("#outcome")).to_have_text("此工单已撤销。")  # said plainly, not only in the timeline
    expect(page.locator("#steps li")).to_have_count(2)
    expect(page.locator("#view")).to_contain_text("撤销原因业主来电说明已自行处理好，撤销报修。")
    cancelled = page.locator("#timeline li", has_text="工单已撤销")
    expect(cancelled).to_contain_text("业主来电说明已自行处理好，撤销报修。")
    screenshot(page, "track-cancelled")


def test_an_engineer_takes_an_unassigned_repair(page: Page, desk: Desk) -> None:
    engineer = desk.login("engineer")["username"]
    created = desk.report(building_id="expert", unit="1-101", category="plumbing", description="厨房水槽下水慢。")
    sign_in(page, desk, "engineer")
    expect(page.get_by_role("checkbox", name="我的工单")).to_be_checked()  # an engineer starts on their own work:
    page.get_by_role("checkbox", name="我的工单").uncheck()  # the whole queue, to take one
    open_ticket(page, created["number"])
    take = open_action(page, "take")
    expect(take.get_by_label("部门")).to_have_value("engineering")
    take.get_by_role("button", name="接单").click()
    expect(page.locator("#detail-status")).to_have_text("已派工")
    expect(page.locator("#detail-timeline li", has_text="工程人员接单")).to_contain_text(f"负责人：{engineer}")
    expect(page.locator("#actions [data-action=arrive]")).to_have_count(1)


# ------------------------------------------------------------------------------------------- notes and replies


def open_conversation(page: Page, action: str) -> Any:
    """The note or reply form of the open ticket, unfolded."""
    details = page.locator(f"details[data-conversation={action}]")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()
    return details.locator("form")


def test_a_note_and_a_reply_each_appear_in_the_right_places(page: Page, desk: Desk) -> None:
    note = "客户家里有老人，敲门后请多等一会儿。"
    created = report_and_open(
        page, desk, "operator", unit="2-201", description="热水器不出热水。", contact_email="tenant@example.org"
    )
    timeline = page.locator("#detail-timeline")

    # An internal note: an empty one is refused at its field, then it is on the timeline, marked staff only.
    form = open_conversation(page, "note")
    required_then_sent(form, "添加备注", form.locator("[data-field=text] .field-error"), "备注内容（仅员工可见）", note)
    noted = timeline.locator("li[data-event=note]")
    expect(noted).to_contain_text(note)
    expect(noted).to_contain_text("仅员工可见")
    expect(page.locator("#detail-status")).to_have_text("已受理")  # a note moves nothing

    # A reply, started from one of the site's canned replies (in the tenant's language).
    form = open_conversation(page, "message")
    expect(form).to_contain_text("系统也会发邮件给客户")
    form.get_by_label("常用回复").select_option(label="致歉")
    text = form.get_by_label("回复内容（客户可在查询页看到）")
    expect(text).to_have_value("给您带来不便，我们深表歉意，会尽快处理。")
    text.fill("给您带来不便，我们深表歉意。师傅今天下午三点上门。")
    form.get_by_role("button", name="书面回复客户").click()
    replied = timeline.locator("li[data-event=message]")
    expect(replied).to_contain_text("师傅今天下午三点上门。")
    expect(page.locator("#status")).to_contain_text("已完成操作：书面回复客户")
    screenshot(page, "staff-conversation")

    # The tenant reads the reply on the tracking page, never the note.
    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    track = page.locator("#timeline")
    expect(track.locator("li[data-event=message]")).to_contain_text("师傅今天下午三点上门。")
    expect(track.locator("li[data-event=note]")).to_have_count(0)
    expect(track).not_to_contain_text(note)
    assert note not in json.dumps(desk.track(created["tracking_token"]), ensure_ascii=False)

    # ... and has it by mail (the stream router mails it: bounded, never timed).
    def reply_mails() -> list[dict[str, Any]]:
        _, outbox = http("GET", f"{desk.base}/local/outbox.json")
        return [
            m for m in outbox if m["channel"] == "email" and f"关于您的请求 {created['number']}" in (m["subject"] or "")
        ]

    deadline = time.monotonic() + 120
    while not reply_mails() and time.monotonic() < deadline:
        time.sleep(0.5)
    (mail,) = reply_mails()
    assert "师傅今天下午三点上门。" in mail["body"] and note not in mail["body"]


def test_a_tenants_answer_on_the_tracking_page_reaches_the_console(page: Page, desk: Desk) -> None:
    created = desk.report(unit="1-101", category="lighting", description="客厅吸顶灯闪烁。")
    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    card = page.get_by_role("region", name="给客服中心留言")
    required_then_sent(
        card, "发送留言", page.locator("#answer-text-error"), "留言内容", "白天家里没人，请下午五点以后再来。"
    )
    expect(page.locator("#status")).to_contain_text("留言已发送。")
    expect(page.locator("#timeline li[data-event=answer]")).to_contain_text("白天家里没人")
    expect(card.get_by_label("留言内容")).to_have_value("")
    screenshot(page, "track-answer")

    sign_in(page, desk, "operator")
    open_ticket(page, created["number"])
    answered = page.locator("#detail-timeline li[data-event=answer]")
    expect(answered).to_contain_text("白天家里没人，请下午五点以后再来。")
    expect(answered).to_contain_text("来自客户")
    expect(answered).to_have_class(re.compile(r"\bfrom-client\b"))


def test_a_manager_edits_the_canned_replies_and_the_reply_form_offers_them(page: Page, desk: Desk) -> None:
    _, before = desk.staff("manager", "GET", f"staff/sites/{SITE}/canned-replies")
    report_and_open(page, desk, "manager", unit="1-102", description="阳台窗户关不严。")
    editor = open_conversation(page, "canned")
    rows = editor.locator(".canned-row")
    expect(rows).to_have_count(len(before["replies"]))
    editor.get_by_role("button", name="添加一条").click()
    editor.get_by_role("button", name="保存常用回复").click()
    added = rows.last
    expect(added.locator("[data-field$=title_zh] .field-error")).to_have_text("此项为必填项。")
    expect(added.get_by_label("标题（中文）")).to_have_attribute("maxlength", str(MAX_TITLE))  # the model's, served
    added.get_by_label("标题（中文）").fill("请稍候")
    added.get_by_label("标题（英文）").fill("Please wait")
    added.get_by_label("内容（中文）").fill("我们正在联系相关部门，稍后回复您。")
    added.get_by_label("内容（英文）").fill("We are contacting the department and will reply soon.")
    editor.get_by_role("button", name="保存常用回复").click()
    expect(page.locator("#status")).to_contain_text("常用回复已保存。")
    _, after = desk.staff("operator", "GET", f"staff/sites/{SITE}/canned-replies")
    assert after["version"] == before["version"] + 1 and len(after["replies"]) == len(before["replies"]) + 1

    form = open_conversation(page, "message")
    form.get_by_label("常用回复").select_option(label="请稍候")
    expect(form.get_by_label("回复内容（客户可在查询页看到）")).to_have_value("我们正在联系相关部门，稍后回复您。")


# ------------------------------------------------------------------ find anything, the live board


def test_a_search_finds_a_closed_ticket_by_the_last_4_digits_of_the_phone(page: Page, desk: Desk) -> None:
    last4 = f"{uuid.uuid4().int % 10000:04d}"
    created = desk.report(contact_phone=f"1391234{last4}", description="洗手池下水管松动。")
    desk.act("duty_manager", desk.ticket_id(created["number"]), "cancel", reason="业主已自行修好。")

    sign_in(page, desk, "operator")
    expect(page.locator("li.ticket", has_text=created["number"])).to_have_count(0)  # the queue holds open work
    page.get_by_label("查找工单").fill(last4)
    page.get_by_label("查找工单").press("Enter")
    found = page.locator("li.ticket", has_text=created["number"])
    expect(found).to_contain_text("已关闭")
    expect(page.locator("#queue-title")).to_have_text("查找结果（含已关闭）")
    expect(page).to_have_url(re.compile(rf"/staff#q={last4}$"))
    screenshot(page, "staff-search-closed")

    page.reload()  # the view is in the link: bookmarked, it shows the same results
    expect(page.locator("li.ticket", has_text=created["number"])).to_contain_text("已关闭")
    expect(page.get_by_label("查找工单")).to_have_value(last4)
    page.get_by_role("button", name="清除筛选").click()
    expect(page.locator("li.ticket", has_text=created["number"])).to_have_count(0)


class Held:
    """The first answers to requests matching ``pattern``, held back until ``release``: a slow
    server, made deterministic (the route is set before the page asks)."""

    def __init__(self, page: Page, pattern: str) -> None:
        self.page = page
        self.routes: list[Any] = []
        page.route(re.compile(pattern), lambda route: self.routes.append(route))

    def asked(self) -> None:
        # page.wait_for_timeout, not time.sleep: Playwright hands the route over only while it runs
        for _ in range(int(POLL_BOUND_SECONDS * 20)):
            if self.routes:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the page never asked")

    def release(self, answered: Callable[[Any], bool]) -> None:
        with self.page.expect_response(answered):
            for route in self.routes:
                route.continue_()


def test_a_search_typed_while_the_console_starts_is_kept(page: Page, desk: Desk) -> None:
    """The console is on screen while it still reads the catalogue; what the operator types in the
    search box then is not wiped when the board starts."""
    last4 = f"{uuid.uuid4().int % 10000:04d}"
    created = desk.report(contact_phone=f"1371234{last4}", description="楼道窗户关不上。")
    catalogue = Held(page, r".*/public/catalogue.*")  # answered once the operator has typed
    sign_in(page, desk, "operator")
    catalogue.asked()
    page.get_by_label("查找工单").fill(last4)
    catalogue.release(lambda reply: "/public/catalogue" in reply.url)
    expect(page.locator("#updated")).to_contain_text("更新于")  # the board has started
    expect(page.get_by_label("查找工单")).to_have_value(last4)
    page.get_by_label("查找工单").press("Enter")
    expect(page.locator("li.ticket", has_text=created["number"])).to_have_count(1)
    expect(page.locator("#queue-title")).to_have_text("查找结果（含已关闭）")


def test_a_queue_answer_that_arrives_after_a_search_does_not_replace_its_results(page: Page, desk: Desk) -> None:
    """Under load the queue asked for at sign-in can answer after the operator has searched."""
    last4 = f"{uuid.uuid4().int % 10000:04d}"
    created = desk.report(contact_phone=f"1381234{last4}", description="走廊灯不亮。")
    desk.act("duty_manager", desk.ticket_id(created["number"]), "cancel", reason="重复报修。")  # not in the queue
    queue = Held(page, r".*/staff/tickets\?site_id=[^&]*$")  # the first load, answered after the search
    sign_in(page, desk, "operator")
    queue.asked()
    page.get_by_label("查找工单").fill(last4)
    page.get_by_label("查找工单").press("Enter")
    found = page.locator("li.ticket", has_text=created["number"])
    expect(found).to_have_count(1)
    queue.release(lambda reply: "/staff/tickets?site_id=" in reply.url and "since=" not in reply.url)
    page.wait_for_timeout(500)  # room for the late answer to be (wrongly) drawn
    expect(found).to_have_count(1)
    expect(page.locator("#queue-title")).to_have_text("查找结果（含已关闭）")


def test_the_queue_shows_a_new_ticket_unasked_and_puts_an_escalated_one_first(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "operator")
    expect(page.locator("#queue-title")).to_have_text("待办工单（按时限排序）")
    expect(page.locator("#updated")).to_contain_text("更新于")  # the queue is in: what comes now is new

    arrived = desk.report(building_id="library", unit="1F-101", category="lighting", description="门厅灯忽明忽暗。")
    fresh = page.locator("li.ticket", has_text=arrived["number"])
    expect(fresh).to_contain_text("新")  # no refresh clicked: the poll brought it (within the expect bound)
    expect(fresh).to_have_class(re.compile(r"\bfresh\b"))

    # Dispatched and never arrived: the arrival clock escalates it (5 min in the library, scaled).
    desk.act("operator", desk.ticket_id(arrived["number"]), "dispatch", department="engineering", assignee="li.shifu")
    expect(fresh).to_have_class(re.compile(r"\bescalated\b"), timeout=60_000)
    expect(fresh).to_contain_text("已升级")
    classes = page.locator("li.ticket").evaluate_all("els => els.map(e => e.classList.contains('escalated'))")
    assert classes[: classes.count(True)] == [True] * classes.count(True)  # every escalated ticket before the rest
    screenshot(page, "staff-live-escalated")


def test_an_engineer_sees_their_own_work_by_default(page: Page, desk: Desk) -> None:
    engineer = desk.login("engineer")["username"]
    mine = desk.report(building_id="library", unit="2F-201", category="hvac", description="空调出风口滴水。")
    desk.act("operator", desk.ticket_id(mine["number"]), "dispatch", department="engineering", assignee=engineer)
    theirs = desk.report(building_id="library", unit="2F-201", category="lighting", description="办公室灯管不亮。")

    sign_in(page, desk, "engineer")
    expect(page.get_by_role("checkbox", name="我的工单")).to_be_checked()
    expect(page.locator("#queue-title")).to_have_text("我的工单（按时限排序）")
    expect(page.locator("li.ticket", has_text=mine["number"])).to_have_count(1)
    expect(page.locator("li.ticket", has_text=theirs["number"])).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/staff#mine=1$"))

    page.get_by_role("checkbox", name="我的工单").uncheck()
    expect(page.locator("li.ticket", has_text=theirs["number"])).to_have_count(1)
