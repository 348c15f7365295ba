"""The parcel register in the staff console, in a real browser (Debian's Chromium) against the local
stack (issue 13; 004 QW21-04 §4.2.4; ADR 0024).

The desk signs for a parcel (the unit, the recipient, the carrier and tracking no.), sees it waiting,
and hands it over with the collector's signature and the ID checked, which closes it. The 17:00–18:00
notice runs on the machine's clock here, so it is tested through the function in
tests/integration/test_parcels.py. Screenshots land in /tmp/screens/parcels-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_web_pages import Desk, desk, screenshot, sign_in

pytestmark = pytest.mark.e2e

_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it

RECIPIENT = "欧阳明月"


def test_the_desk_logs_a_parcel_and_hands_it_over_with_a_signature(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "operator")
    expect(page.locator("#site")).not_to_have_value("")
    page.get_by_role("button", name="邮件包裹", exact=True).click()
    parcels = page.locator("#parcels")
    form = parcels.locator("#parcels-form")

    # Nothing is sent without the unit and the recipient; the fields say so.
    form.get_by_role("button", name="登记").click()
    expect(form.locator("[data-field=recipient] .field-error")).to_be_visible()
    expect(form.locator("[data-field=unit] .field-error")).to_be_visible()

    form.get_by_label("楼宇").select_option(label="学生公寓1号楼")
    form.get_by_label("房号").fill("201")
    form.get_by_label("收件人姓名").fill(RECIPIENT)
    form.get_by_label("类别").select_option(label="特快专递")
    form.get_by_label("承运方").fill("EMS")
    form.get_by_label("单号").fill("EA 1")  # a space: refused before it is sent
    form.get_by_role("button", name="登记").click()
    expect(form.locator("[data-field=tracking_no] .field-error")).to_be_visible()
    form.get_by_label("单号").fill("EA123456789CN")
    form.get_by_role("button", name="登记").click()

    waiting = parcels.locator("#parcels-waiting li", has_text=RECIPIENT)
    expect(waiting).to_contain_text("学生公寓1号楼 201")
    expect(waiting).to_contain_text("特快专递")
    expect(waiting).to_contain_text("未通知")
    screenshot(page, "parcels-waiting")

    waiting.get_by_role("button", name="领取签字").click()
    pickup = waiting.locator("form")
    pickup.get_by_label("领取人签名").fill(RECIPIENT)
    pickup.get_by_label("查验证件").select_option(label="身份证")
    pickup.get_by_label("证件号后四位").fill("12")
    pickup.get_by_role("button", name="确认领取").click()
    expect(pickup.locator("[data-field=id_tail] .field-error")).to_be_visible()
    pickup.get_by_label("证件号后四位").fill("123X")
    pickup.get_by_role("button", name="确认领取").click()
    expect(parcels.locator("#parcels-waiting li", has_text=RECIPIENT)).to_have_count(0)
    expect(page.locator("#status")).to_contain_text(f"{RECIPIENT} 的特快专递已由 {RECIPIENT} 领取")
    screenshot(page, "parcels-collected")
