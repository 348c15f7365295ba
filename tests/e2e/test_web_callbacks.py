"""The console's callbacks (回访) in a real browser against the local stack (docs/decisions/0023):
a complaint handled is in the site's callback queue with its assignee and countdown; the desk
records it (the client's confirmation is required, next to its field) and it leaves the queue."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import hold_next_read, until
from .test_web_pages import SITE, Desk, desk, fill_in, screenshot, sign_in, sign_in_at

pytestmark = pytest.mark.e2e


_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def wait_for_callback(desk: Desk, number: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        status, body = desk.staff("operator", "GET", f"staff/sites/{SITE}/callbacks")
        assert status == 200, body
        return next((dict(c) for c in body["callbacks"] if c["ticket_number"] == number), None)

    return dict(until(found, f"the callback for {number}"))


def handled_complaint(
    desk: Desk, category: str, description: str, **handled: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A complaint reported on the web form and handled at the desk, and the callback that follows."""
    created = desk.report(kind="complaint", category=category, description=description)
    desk.act("operator", desk.ticket_id(created["number"]), "handle", **handled)
    return created, wait_for_callback(desk, created["number"])


def open_callbacks(page: Page, desk: Desk) -> None:
    """The console's callbacks, at desktop width, as the operator."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "operator")
    page.get_by_role("button", name="回访", exact=True).click()


def test_the_desk_records_a_complaint_callback_in_the_console(page: Page, desk: Desk) -> None:
    created, callback = handled_complaint(
        desk, "staff_attitude", "前台服务态度差。", department="customer_service", action_taken="已向当事员工了解情况"
    )

    open_callbacks(page, desk)
    row = page.locator(f'[data-callback="{callback["callback_id"]}"]')
    expect(row).to_contain_text(created["number"])
    expect(row).to_contain_text("投诉回访")
    expect(row).to_contain_text(f"负责人 {callback['assignee']}")
    expect(row.locator("[data-callback-countdown]")).to_contain_text("剩")

    row.get_by_role("button", name="记录回访").click()
    form = row.locator("form")
    fill_in(
        form,
        choose={"回访方式": "电话", "回访结果": "满意", "质量评价": "5 很好", "服务效果": "4 好", "满意程度": "5 很好"},
        type_in={"客户建议": "希望前台多一些耐心。"},
    )
    # a reload of the queue (刷新, the console starting) keeps what the operator has entered
    with page.expect_response(lambda r: r.request.method == "GET" and r.url.endswith(f"/sites/{SITE}/callbacks")):
        page.get_by_role("button", name="刷新").click()
    expect(form.get_by_label("客户建议")).to_have_value("希望前台多一些耐心。")
    expect(form.get_by_label("回访结果")).to_have_value("satisfied")
    form.get_by_role("button", name="保存回访记录").click()
    expect(form.locator("[data-field=client_confirmed] .field-error")).to_contain_text("客户确认")
    screenshot(page, "callbacks-confirm-required")

    # A read of the queue asked before the save and answered after it brings the queue as it was:
    # it is dropped, and the recorded callback stays out of the queue.
    late = hold_next_read(page, f"**/sites/{SITE}/callbacks", lambda: page.get_by_role("button", name="刷新").click())
    form.get_by_label("客户已确认记录内容").check()
    form.get_by_role("button", name="保存回访记录").click()
    expect(row).to_be_hidden()
    late()
    expect(row).to_be_hidden()
    status, done = desk.staff("operator", "GET", f"staff/callbacks/{callback['callback_id']}")
    assert status == 200 and done["state"] == "satisfied"
    assert done["attempts"][0]["suggestions"] == "希望前台多一些耐心。"

    # the English console says the same
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Callbacks", exact=True)).to_be_visible()


def test_a_tenant_answers_the_survey_link_in_chinese_and_the_console_shows_the_callback_met(
    page: Page, desk: Desk
) -> None:
    created, callback = handled_complaint(
        desk, "cleaning", "保洁不及时。", department="cleaning", action_taken="已安排保洁主管跟进"
    )

    page.set_viewport_size({"width": 390, "height": 844})  # the tenant's phone
    page.goto(f"{desk.base}/track#{created['tracking_token']}")
    card = page.locator("#survey-card")
    expect(card.get_by_role("heading", name="回访问卷")).to_be_visible()
    expect(card).to_contain_text(created["number"])
    expect(card.get_by_text("问题仍然存在")).to_have_count(0)  # a complaint: no defect to ask about
    card.get_by_label("满意", exact=True).check()
    card.locator("[data-field=quality]").get_by_label("5 很好").check()
    card.locator("[data-field=effect]").get_by_label("4 好").check()
    card.get_by_role("button", name="提交问卷").click()
    expect(card.locator("[data-field=satisfaction] .field-error")).to_be_visible()  # every mark is asked for
    card.locator("[data-field=satisfaction]").get_by_label("5 很好").check()
    card.get_by_label("您的建议").fill("保洁阿姨很负责。")
    card.get_by_role("button", name="提交问卷").click()
    expect(card).to_contain_text("谢谢！您的回答已记录。")
    screenshot(page, "callbacks-survey-answered")

    open_callbacks(page, desk)
    done = page.locator(f'[data-callback-done="{callback["callback_id"]}"]')
    expect(done).to_contain_text(created["number"])
    expect(done).to_contain_text("按时完成")
    expect(done).to_contain_text("满意")
    expect(done).to_contain_text("客户本人（问卷链接）")
    expect(page.locator(f'[data-callback="{callback["callback_id"]}"]')).to_have_count(0)
    screenshot(page, "callbacks-met")


def test_a_missed_callbacks_mail_link_opens_the_sites_callbacks(page: Page, desk: Desk) -> None:
    """The link a missed callback's mail gives (staff#callbacks=<site>, frontdesk.notifications.callbacks)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#callbacks={SITE}", "operator")
    expect(page.locator("#callbacks")).to_be_visible()
    expect(page.locator("#callbacks-toggle")).to_have_attribute("aria-expanded", "true")
