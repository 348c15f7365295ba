"""The emergency key register in the staff console, in a real browser (Debian's Chromium) against the
local stack (issue 13; 000 §3.10; 004 QW21-04 §4.5; ADR 0024).

The duty manager registers a unit's sealed key, takes it in an emergency (the override; the after-hours
authorisation and escort filled, as the stack runs on the machine's clock and the API decides whether
they are needed), sees it out with its countdown and the client to be told, records that the client
was told, and brings the key back under a new seal; a contractor then borrows it with the client's
permission, leaving an ID and a deposit that is refunded in part, with the reason; the month's cabinet
audit is shown with its due time. Screenshots land in /tmp/screens/keys-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import SETTLE_MS
from .test_web_pages import Desk, desk, screenshot, sign_in

pytestmark = pytest.mark.e2e

_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def _open_keys(page: Page) -> Any:
    expect(page.locator("#site")).not_to_have_value("")  # the console has its site
    page.get_by_role("button", name="应急钥匙", exact=True).click()
    return page.locator("#keys")


def test_the_duty_manager_seals_takes_tells_and_returns_a_key(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "duty_manager")
    keys = _open_keys(page)
    form = keys.locator("#keys-form")

    keys.get_by_role("button", name="登记封存的钥匙").click()
    form.get_by_label("楼宇").select_option(label="专家公寓")
    # The register read again while the room is being typed (the console's reload, its focus left
    # where it is) keeps the field under the cursor: what is typed next lands in it.
    form.get_by_label("房间").fill("2-")
    with page.expect_response(lambda r: r.request.method == "GET" and r.url.endswith("/emergency-keys")):
        page.evaluate("document.getElementById('reload').click()")
    page.wait_for_timeout(SETTLE_MS)  # the page's handling of the answer; a slow page can only hide a bug
    page.keyboard.type("201")
    expect(form.get_by_label("房间")).to_have_value("2-201")
    form.get_by_label("封条编号").fill("S-E2E-1")
    form.get_by_label("共同封存的客户").fill("张老师")
    form.get_by_role("button", name="登记", exact=True).click()
    row = keys.locator("#keys-rows tr", has_text="2-201")
    expect(row).to_contain_text("S-E2E-1")
    expect(row).to_contain_text("已封存")

    # Taken in an emergency: without a basis nothing is sent, the field says so.
    row.get_by_role("button", name="领用钥匙").click()
    expect(form).to_be_visible()
    form.get_by_label("事由").fill("楼上漏水，须进入关阀")
    form.get_by_role("button", name="领用钥匙", exact=True).click()
    expect(form.locator("[data-field=basis] .field-error")).to_be_visible()
    form.get_by_label("依据").select_option(label="紧急情况先行开启（水、火、烟、爆炸）")
    form.get_by_label("紧急情况", exact=False).last.select_option(label="漏水")
    form.get_by_label("授权书编号").fill("授权 2026-07")
    form.get_by_label("陪同员工").fill("值班保安")
    form.get_by_role("button", name="领用钥匙", exact=True).click()
    expect(row).to_contain_text("已领出")
    expect(row.locator("[data-key-due]")).to_be_visible()
    told = keys.locator("#keys-to-tell li", has_text="2-201")
    expect(told).to_contain_text("漏水")
    screenshot(page, "keys-out")

    # The client told: the task leaves the list.
    told.get_by_role("button", name="登记已通知客户").click()
    form.get_by_label("通知了谁").fill("张老师")
    form.get_by_label("方式").select_option(label="电话")
    form.get_by_role("button", name="登记已通知客户", exact=True).click()
    expect(keys.locator("#keys-to-tell-box")).to_be_hidden()

    # Back under a new seal.
    row.get_by_role("button", name="归还并重新封存").click()
    form.get_by_role("button", name="归还并重新封存", exact=True).click()
    expect(form.locator("[data-field=new_seal_number] .field-error")).to_be_visible()
    form.get_by_label("新封条编号").fill("S-E2E-2")
    form.get_by_role("button", name="归还并重新封存", exact=True).click()
    expect(row).to_contain_text("已封存")
    expect(row).to_contain_text("S-E2E-2")

    # A contractor borrows it with the client's permission: ID and deposit, refunded in part with a reason.
    row.get_by_role("button", name="领用钥匙").click()
    form.get_by_label("事由").fill("更换门锁")
    form.get_by_label("依据").select_option(label="客户同意")
    form.get_by_label("同意人").fill("张老师")
    form.get_by_label("方式").select_option(label="当面")
    form.get_by_label("授权书编号").fill("授权 2026-08")
    form.get_by_label("陪同员工").fill("值班保安")
    form.get_by_label("借用人不是本公司员工").check()
    form.get_by_label("借用人姓名").fill("王师傅")
    form.get_by_label("证件类型").select_option(label="身份证")
    form.get_by_label("证件号码").fill("11010519491231002X")
    form.get_by_label("押金（元）").fill("200")
    form.get_by_role("button", name="领用钥匙", exact=True).click()
    expect(form.locator("[data-field='outsider.receipt'] .field-error")).to_be_visible()  # the API names it
    form.get_by_label("押金收据号").fill("YJ-0042")
    form.get_by_role("button", name="领用钥匙", exact=True).click()
    expect(row).to_contain_text("已领出")
    expect(keys.locator("#keys-to-tell-box")).to_be_hidden()  # with permission, nobody to tell after

    row.get_by_role("button", name="归还并重新封存").click()
    expect(form).to_contain_text("王师傅 交押金 ¥200.00（收据 YJ-0042）")
    form.get_by_label("新封条编号").fill("S-E2E-3")
    form.get_by_label("退还押金（元）").fill("150")
    form.get_by_role("button", name="归还并重新封存", exact=True).click()
    expect(form.locator("[data-field='deposit.withheld_reason'] .field-error")).to_be_visible()
    form.get_by_label("扣留原因").fill("门锁损坏，扣维修费")
    form.get_by_role("button", name="归还并重新封存", exact=True).click()
    expect(row).to_contain_text("S-E2E-3")

    # The month's cabinet audit, with its due time on the 28th.
    expect(keys.locator("#keys-audit-title")).to_contain_text("钥匙清理统计")
    expect(keys.locator("#keys-audit-state")).to_contain_text("须于")
    screenshot(page, "keys-back")
