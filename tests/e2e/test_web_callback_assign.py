"""A supervisor gives a callback to another member of the desk in the console, in a real browser
against the local stack (docs/decisions/0023); the change is kept on the callback's record."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_web_callbacks import handled_complaint
from .test_web_pages import Desk, desk, screenshot, sign_in

pytestmark = pytest.mark.e2e

_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def test_a_duty_manager_reassigns_a_callback_to_a_manager(page: Page, desk: Desk) -> None:
    created, callback = handled_complaint(
        desk, "mail", "信件未及时送达。", department="mail", action_taken="已联系收发室核实"
    )
    assert callback["assignee"] == "operator"

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "duty_manager")
    page.get_by_role("button", name="回访", exact=True).click()
    row = page.locator(f'[data-callback="{callback["callback_id"]}"]')
    expect(row).to_contain_text(created["number"])
    row.get_by_role("button", name="改派").click()
    form = row.locator("[data-callback-assign]")
    form.get_by_role("button", name="确认改派").click()
    expect(form.locator("[data-field=assignee] .field-error")).to_be_visible()  # nobody chosen yet
    expect(form.get_by_label("改由谁回访").locator("option[value=manager]")).to_have_count(1)
    expect(form.get_by_label("改由谁回访").locator("option[value=operator]")).to_have_count(0)  # has it already
    form.get_by_label("改由谁回访").select_option("manager")
    form.get_by_role("button", name="确认改派").click()
    expect(row).to_contain_text("负责人 manager")
    screenshot(page, "callbacks-reassigned")

    status, body = desk.staff("operator", "GET", f"staff/callbacks/{callback['callback_id']}")
    assert status == 200 and body["assignee"] == "manager"
    assert [(r["by"], r["before"], r["after"]) for r in body["reassigned"]] == [("duty_manager", "operator", "manager")]


def test_the_operator_records_but_does_not_reassign(page: Page, desk: Desk) -> None:
    _, callback = handled_complaint(
        desk, "security", "夜间门禁未关。", department="security", action_taken="已提醒保安"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "operator")
    page.get_by_role("button", name="回访", exact=True).click()
    row = page.locator(f'[data-callback="{callback["callback_id"]}"]')
    expect(row.get_by_role("button", name="记录回访")).to_be_visible()
    expect(row.get_by_role("button", name="改派")).to_have_count(0)
