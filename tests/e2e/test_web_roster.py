"""The duty roster in the staff console, in a real browser (Debian's Chromium) against the local stack
(issue 13; 000 §1.1; ADR 0024).

A manager opens a month under the duty log, fills the first day's shifts, is told in the cell which
name is not one of the site's staff, corrects it and saves; the month says how many shifts are still
missing. The reminder's link (staff#roster=<month>) opens that month. A desk operator reads it and
cannot change it. The demo site is on duty this month and the next (the local stack fills them).
Screenshots land in /tmp/screens/roster-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from frontdesk.domain.duty_roster import roster_month
from frontdesk.domain.months import next_month
from local_stack.demo import DEMO_SITE

from .conftest import SETTLE_MS, hold_next_read
from .test_web_pages import SITE, Desk, desk, screenshot, sign_in, sign_in_at

pytestmark = pytest.mark.e2e

MONTH = "2027-03"  # a month no other test fills
_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def _open_roster(page: Page, month: str = MONTH) -> Any:
    expect(page.locator("#site")).not_to_have_value("")
    page.get_by_role("button", name="值班记录", exact=True).click()
    roster = page.locator("#roster")
    roster.locator("summary").click()
    roster.get_by_label("月份").fill(month)
    roster.get_by_label("月份").dispatch_event("change")
    expect(roster.locator("table.roster")).to_be_visible()
    return roster


def _cell(roster: Any, shift: str, what: str, day: str = f"{MONTH}-01") -> Any:
    return roster.locator(f"#roster-{day}-{shift}-{what}")


def _hold_next_read(page: Page, roster: Any) -> Callable[[], None]:
    """The month read again, its answer handed to the page when the returned function is called. A
    read still under way (waiting for the staff directory) answers a change without a new GET, so
    the month is chosen again until one is asked."""
    return hold_next_read(page, f"**/duty-roster/{MONTH}", lambda: roster.get_by_label("月份").dispatch_event("change"))


def test_a_manager_fills_the_roster_and_the_desk_reads_it(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    duty_manager, manager = desk.login("duty_manager")["username"], desk.login("manager")["username"]
    operator = desk.login("operator")["username"]
    sign_in(page, desk, "manager")
    roster = _open_roster(page)
    expect(roster.locator("#roster-summary")).to_contain_text("还有 62 个班次没有值班经理")
    expect(roster.locator("#roster-summary")).to_contain_text("2027-02-28")

    _cell(roster, "day", "duty_manager").fill(duty_manager)
    _cell(roster, "day", "desk").fill(operator)
    _cell(roster, "night", "duty_manager").fill("nobody")
    roster.get_by_role("button", name="保存值班表").click()
    night = roster.locator(f'[data-field="{MONTH}-01/night/duty_manager"]')
    expect(night.locator(".field-error")).to_have_text("nobody 不是本项目的员工。")
    expect(_cell(roster, "night", "duty_manager")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "roster-refused")

    # the month read again (chosen again, or a late answer to the panel's opening) with nothing new
    # leaves the form as it is: the entry, the focus, and a click on 保存 under way
    page.evaluate("document.getElementById('roster-form').dataset.kept = 'yes'")
    with page.expect_response(lambda r: r.request.method == "GET" and r.url.endswith(f"/duty-roster/{MONTH}")):
        roster.get_by_label("月份").dispatch_event("change")
    page.wait_for_timeout(SETTLE_MS)  # the page's handling of the answer; a slow page can only hide a bug
    expect(roster.locator("#roster-form")).to_have_attribute("data-kept", "yes")
    expect(_cell(roster, "day", "duty_manager")).to_have_value(duty_manager)
    expect(_cell(roster, "day", "desk")).to_have_value(operator)
    _cell(roster, "night", "duty_manager").fill(manager)

    # A read asked before the save and answered after it brings the month as it was: it is dropped.
    late = _hold_next_read(page, roster)
    roster.get_by_role("button", name="保存值班表").click()
    expect(roster.locator("#roster-summary")).to_contain_text("还有 60 个班次没有值班经理")
    expect(page.locator("#status")).to_have_text("值班表已保存。")
    late()
    expect(roster.locator("#roster-summary")).to_contain_text("还有 60 个班次没有值班经理")
    expect(_cell(roster, "day", "desk")).to_have_value(operator)
    screenshot(page, "roster-saved")

    # The reminder's link opens the month; a desk operator reads it and cannot change it.
    page.get_by_role("button", name="退出登录").click()
    sign_in_at(page, desk, f"{desk.base}/staff#roster={MONTH}", "operator")
    read = page.locator("#roster")
    expect(read.locator("table.roster")).to_be_visible()
    first = read.locator("tbody tr").first
    expect(first).to_contain_text(duty_manager)
    expect(first).to_contain_text(operator)
    expect(read.locator("input:not(#roster-month)")).to_have_count(0)
    expect(read.get_by_role("button", name="保存值班表")).to_have_count(0)
    screenshot(page, "roster-read")


def test_signing_out_closes_the_roster_and_forgets_it(page: Page, desk: Desk) -> None:
    """The next user of the browser opens the duty log on a closed roster, read afresh for them:
    not the last user's month with its editing form still open."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "manager")
    roster = _open_roster(page)
    expect(roster.locator("input:not(#roster-month)").first).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#roster")).not_to_have_attribute("open", "")
    expect(page.locator("#roster-body > *")).to_have_count(0)

    operator = desk.login("operator")  # in again on the same page: what the console kept would show
    page.get_by_label("用户名", exact=True).fill(operator["username"])
    page.get_by_label("密码", exact=True).fill(operator["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#who")).to_contain_text(operator["username"])
    page.get_by_role("button", name="值班记录", exact=True).click()
    read = page.locator("#roster")
    expect(read).not_to_have_attribute("open", "")
    read.locator("summary").click()
    expect(read.locator("table.roster")).to_be_visible()
    expect(read.locator("input:not(#roster-month)")).to_have_count(0)
    screenshot(page, "roster-after-sign-out")


def test_the_demo_site_is_on_duty_this_month_and_next(desk: Desk) -> None:
    this_month = roster_month(DEMO_SITE, datetime.now(UTC))
    for month in (this_month, next_month(this_month)):
        status, roster = desk.staff("operator", "GET", f"staff/sites/{SITE}/duty-roster/{month}")
        assert (status, roster["complete"]) == (200, True), roster
        day, night = roster["slots"][:2]
        assert (day["duty_manager"]["username"], night["duty_manager"]["username"]) == ("duty_manager", "manager")
