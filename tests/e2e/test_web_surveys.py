"""The semi-annual satisfaction survey and the quarterly analysis in a real browser against the local
stack (docs/decisions/0023): a manager starts the campaign in the console, a tenant answers a unit's
link in Chinese on the no-login survey page, and the console shows the response against the target;
the quarterly analysis opens from the managers' mail link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_web_pages import SITE, Desk, desk, screenshot, sign_in, sign_in_at

pytestmark = pytest.mark.e2e

_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def test_a_manager_starts_the_campaign_and_a_tenant_answers_a_units_link(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "manager")
    page.get_by_role("button", name="满意度调查与季度分析").click()
    panel = page.locator("#surveys")
    period = panel.get_by_label("调查期")
    period.select_option(index=0)  # this year's November: open to answers, whatever today's date
    chosen = period.input_value()
    panel.get_by_role("button", name="开始调查（向各单元发送问卷链接）").click()
    rate = panel.locator("#campaign-rate")
    expect(rate).to_contain_text("已回复 0 / 17 个单元（0%）")
    expect(rate).to_contain_text("未达标")
    row = panel.locator('[data-unit="admin/205"]')
    link = row.locator("a.survey-link")
    expect(link).to_be_visible()  # nobody left an address for it: the desk hands the link over
    url = link.get_attribute("href")
    assert url is not None and "/survey#" in url
    screenshot(page, "surveys-campaign-started")

    tenant = page.context.new_page()
    tenant.set_viewport_size({"width": 390, "height": 844})
    tenant.goto(url)
    card = tenant.locator("#survey-card")
    expect(card.get_by_role("heading", name="回访问卷")).to_be_visible()
    expect(card).to_contain_text("半年度满意度调查（单元 205）")
    expect(card.get_by_text("问题仍然存在")).to_have_count(0)
    card.get_by_label("满意", exact=True).check()
    for mark in ("quality", "effect", "satisfaction"):
        card.locator(f"[data-field={mark}]").get_by_label("5 很好").check()
    card.get_by_role("button", name="提交问卷").click()
    expect(card).to_contain_text("谢谢！您的回答已记录。")
    screenshot(tenant, "surveys-answered")
    tenant.reload()
    expect(tenant.locator("#alert")).to_contain_text("已填写过")  # a link answers once
    tenant.close()

    panel.get_by_role("button", name="查看").first.click()
    expect(rate).to_contain_text("已回复 1 / 17 个单元")
    expect(row).to_contain_text("已回复")
    status, view = desk.staff("manager", "GET", f"staff/sites/{SITE}/campaigns/{chosen}")
    assert status == 200 and view["campaign"]["responses"] == 1


def test_the_quarterly_analysis_opens_from_the_mail_link(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#quarterly={SITE}/2026-Q3", "manager")
    body = page.locator("#quarterly-body")
    expect(body).to_contain_text("2026-07-01 至 2026-09-30")
    expect(body).to_contain_text("回访不合格")
    expect(body).to_contain_text("同一维修三次以上的单元")
    expect(page.locator("#quarterly-csv")).to_be_visible()
    screenshot(page, "surveys-quarterly")


def test_signing_out_closes_the_surveys_panel(page: Page, desk: Desk) -> None:
    """The next user of the browser does not find the last one's survey and quarterly panel open."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#quarterly={SITE}/2026-Q3", "manager")
    expect(page.locator("#surveys")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#surveys")).to_have_attribute("hidden", "")  # itself, not only the console around it
    expect(page.locator("#surveys-toggle")).to_have_attribute("aria-expanded", "false")
