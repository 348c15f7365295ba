"""The duty log and the shift handover in the staff console, in a real browser (Debian's Chromium)
against the local stack (issue 13; 000 §3.9; 003; 004 QW21-06; ADR 0024).

The duty manager on shift writes entries, corrects one (the corrected entry stays, the page shows
both), verifies the page, closes it and signs the handover with the cash counted; the next shift's
desk person signs it. The local stack runs on the machine's clock, so the shift is the one running
now (the night shift's page, at 19:00, is tested through the API in tests/integration/test_duty_log.py).
Screenshots land in /tmp/screens/duty-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .test_web_pages import Desk, desk, screenshot, sign_in

pytestmark = pytest.mark.e2e

THEFT = "3 号楼车棚一辆电动车被盗，车主 2-301 报案。"
CORRECTION = "更正：被盗的是自行车，不是电动车。"
WORKS = "5 号楼外墙施工至 22:00，噪音投诉一起。"


_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def _open_duty_log(page: Page) -> Any:
    expect(page.locator("#site")).not_to_have_value("")  # the console has its site
    page.get_by_role("button", name="值班记录", exact=True).click()
    return page.locator("#duty")


def _write(form: Any, category: str, happened: str, handling: str = "") -> None:
    form.get_by_label("类别").select_option(label=category)
    form.get_by_label("事情经过（客观记录）").fill(happened)
    if handling:
        form.get_by_label("处理", exact=True).fill(handling)
    form.get_by_role("button", name="记录").click()


def test_the_duty_manager_writes_corrects_and_hands_over_to_the_next_shift(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "duty_manager")
    duty = _open_duty_log(page)
    expect(duty.locator("#duty-state")).to_have_text("记录中")
    form = duty.locator("#duty-form")

    # Nothing is sent without what happened; the field says so.
    form.get_by_role("button", name="记录").click()
    expect(form.locator("[data-field=happened] .field-error")).to_be_visible()

    _write(form, "失窃", THEFT, "调取监控，通知保安部")
    theft = duty.locator("#duty-entries li", has_text=THEFT)
    expect(theft).to_be_visible()
    _write(form, "施工情况", WORKS)
    expect(duty.locator("#duty-entries li", has_text=WORKS)).to_be_visible()

    # The page's link survives a reload (the board once replaced it with its own view).
    expect(page).to_have_url(re.compile(r"/staff#duty="))
    page.reload()
    expect(duty.locator("#duty-entries li", has_text=WORKS)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff#duty="))

    # A correction is a new entry: the corrected one stays as it was, and each names the other.
    theft.get_by_role("button", name="更正").click()
    expect(form.locator("#duty-correcting")).to_be_visible()
    form.get_by_label("事情经过（客观记录）").fill(CORRECTION)
    form.get_by_role("button", name="记录").click()
    correction = duty.locator("#duty-entries li", has_text=CORRECTION)
    expect(correction).to_contain_text("更正第")
    expect(theft).to_contain_text(THEFT)
    expect(theft).to_contain_text("已被第")
    expect(form.locator("#duty-correcting")).to_be_hidden()
    screenshot(page, "duty-entries")

    duty.get_by_role("button", name="核验本页").click()
    expect(duty.locator("#duty-verify-result")).to_contain_text("未被改动")

    # The handover: close the page, count the cash, sign as the outgoing shift.
    duty.get_by_role("button", name="关闭本页，开始交班").click()
    expect(duty.locator("#duty-state")).to_have_text("已关闭")
    expect(form).to_be_hidden()
    handover = duty.locator("#duty-handover")
    expect(handover).to_contain_text("值班记录已关闭，待交班人签字")
    handover.get_by_label("清点的现金（元）").fill("35O")
    handover.get_by_role("button", name="交班签字").click()
    expect(handover.locator("[data-field=cash] .field-error")).to_be_visible()
    handover.get_by_label("清点的现金（元）").fill("350.00")
    handover.get_by_role("button", name="交班签字").click()
    expect(handover).to_contain_text("交班人已签字，待接班人签字")
    expect(handover).to_contain_text("¥350.00")
    expect(handover.get_by_role("button", name="接班签字")).to_be_hidden()  # not the same person
    screenshot(page, "duty-signed-out")

    # The next shift's desk person finds the handover waiting and signs it.
    page.get_by_role("button", name="退出登录").click()
    sign_in(page, desk, "operator")
    _open_duty_log(page)
    expect(handover).to_contain_text("交班人已签字，待接班人签字")
    expect(duty.locator("#duty-entries li", has_text=CORRECTION)).to_be_visible()  # they read the page
    handover.get_by_role("button", name="接班签字").click()
    expect(handover).to_contain_text("已完成")
    expect(handover).to_contain_text(desk.login("operator")["username"])
    screenshot(page, "duty-handed-over")

    # The new shift writes on its own page.
    duty.locator("#duty-page").select_option(label="当前班次")
    expect(duty.locator("#duty-state")).to_have_text("记录中")
    _write(duty.locator("#duty-form"), "其他（应向管理层反映的事件）", "接班巡楼一次，正常。")
    expect(duty.locator("#duty-entries li", has_text="接班巡楼一次，正常。")).to_be_visible()
    expect(duty.locator("#duty-entries li", has_text=THEFT)).to_have_count(0)
