"""The console's business calendar in a real browser against the local stack (docs/decisions/0023):
staff see the site's time zone, shifts and each year's holidays; a manager sets the day shift and
loads a year, and a refusal is shown next to the field it concerns, in Chinese and in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from .test_web_pages import SITE, Desk, desk, fill_in, screenshot, sign_in

pytestmark = pytest.mark.e2e

_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it
DEFAULT_HOURS = {"day_start": "08:00", "day_end": "17:30"}
YEAR = "2028"  # a year the other tests do not count in
HOLIDAYS = "法定节假日（放假日，含假期中的周末）"
WORKDAYS = "调休上班日（需上班的周六或周日）"


@pytest.fixture
def hours_restored(desk: Desk) -> Iterator[None]:
    """The site's hours put back afterwards: the other tests' deadlines count in the manual's."""
    yield
    status, body = desk.staff("manager", "PUT", f"staff/sites/{SITE}/calendar/hours", DEFAULT_HOURS)
    assert status == 200, body


def open_calendar(page: Page, desk: Desk, role: str) -> Locator:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, role)
    page.get_by_role("button", name="营业日历", exact=True).click()
    panel = page.locator("#calendar")
    expect(panel.locator("[data-calendar-timezone]")).to_be_visible()
    return panel


def test_a_manager_sets_the_shifts_and_loads_a_year_with_errors_by_field(
    page: Page, desk: Desk, hours_restored: None
) -> None:
    panel = open_calendar(page, desk, "manager")
    expect(panel.locator("[data-calendar-day-shift]")).to_have_text("08:00–17:30")
    expect(panel.locator("[data-calendar-night-shift]")).to_have_text("17:30–次日 08:00")
    expect(panel.locator('[data-calendar-year="2026"]')).to_contain_text("法定节假日（33 天）")
    expect(panel.locator('[data-calendar-year="2027"]')).to_contain_text("暂定")

    hours = panel.locator("[data-calendar-form=hours]")
    hours.get_by_label("白班结束（夜班开始）").fill("07:00")
    hours.get_by_role("button", name="保存工作时间").click()
    expect(hours.locator("[data-field=day_end] .field-error")).to_contain_text("白班结束时间必须晚于开始时间")
    screenshot(page, "calendar-hours-refused")
    hours.get_by_label("白班开始").fill("08:30")
    hours.get_by_label("白班结束（夜班开始）").fill("18:00")
    hours.get_by_role("button", name="保存工作时间").click()
    expect(panel.locator("[data-calendar-day-shift]")).to_have_text("08:30–18:00")
    status, view = desk.staff("operator", "GET", f"staff/sites/{SITE}/calendar")
    assert status == 200 and view["hours"] == {"day_start": "08:30:00", "day_end": "18:00:00"}

    year = panel.locator("[data-calendar-form=year]")
    fill_in(year, {}, {"年份": YEAR, HOLIDAYS: "2028-01-01\n2028-02-30", "来源（通知名称）": "测试通知"})
    year.get_by_role("button", name="载入该年").click()
    expect(year.locator("[data-field=holidays] .field-error")).to_contain_text("日期无效")
    fill_in(year, {}, {HOLIDAYS: "2028-01-01, 2028-01-03", WORKDAYS: "2028-01-01"})
    year.get_by_role("button", name="载入该年").click()
    expect(year.locator("[data-field=workdays] .field-error")).to_contain_text("不能既是假日又是调休上班日")
    year.get_by_label(WORKDAYS).fill("2028-01-08")
    year.get_by_role("button", name="载入该年").click()
    loaded = panel.locator(f'[data-calendar-year="{YEAR}"]')
    expect(loaded.locator(f'[data-calendar-holidays="{YEAR}"]')).to_have_text("2028-01-01、2028-01-03")
    expect(loaded.locator(f'[data-calendar-workdays="{YEAR}"]')).to_have_text("2028-01-08")
    screenshot(page, "calendar-year-loaded")

    # the English console says the same, and its refusals are in English
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Business calendar", exact=True)).to_be_visible()
    hours = panel.locator("[data-calendar-form=hours]")
    hours.get_by_label("Day shift ends (night shift starts)").fill("06:00")
    hours.get_by_role("button", name="Save the hours").click()
    expect(hours.locator("[data-field=day_end] .field-error")).to_contain_text("The day shift must end after it starts")


def test_the_desk_reads_the_calendar_without_the_managers_forms(page: Page, desk: Desk) -> None:
    panel = open_calendar(page, desk, "operator")
    expect(panel.locator("[data-calendar-timezone]")).to_have_text("Asia/Shanghai")
    expect(panel.locator('[data-calendar-year="2026"]')).to_contain_text("调休上班日")
    expect(panel.locator("[data-calendar-form]")).to_have_count(0)


def calendar_read(response: Response) -> bool:
    return response.request.method == "GET" and response.url.endswith(f"/sites/{SITE}/calendar")


def test_what_a_manager_types_survives_a_reload_and_a_language_switch(
    page: Page, desk: Desk, hours_restored: None
) -> None:
    """The console reloads the calendar when it starts, when 刷新 is pressed and when the site
    changes; a reload that came after the manager began typing once put the saved hours back, and
    the save then sent them (seen in CI: "saved" where a refusal was due)."""
    panel = open_calendar(page, desk, "manager")
    hours = panel.locator("[data-calendar-form=hours]")
    hours.get_by_label("白班结束（夜班开始）").fill("07:00")
    with page.expect_response(calendar_read):
        page.get_by_role("button", name="刷新").click()
    expect(hours.get_by_label("白班结束（夜班开始）")).to_have_value("07:00")
    page.get_by_role("button", name="English").click()
    hours = panel.locator("[data-calendar-form=hours]")
    expect(hours.get_by_label("Day shift ends (night shift starts)")).to_have_value("07:00")
    expect(hours.get_by_label("Day shift starts")).to_have_value("08:00")  # untouched: the saved value
    hours.get_by_label("Day shift ends (night shift starts)").fill("17:00")
    hours.get_by_role("button", name="Save the hours").click()
    expect(panel.locator("[data-calendar-day-shift]")).to_have_text("08:00–17:00")
    # after the save the form shows what was saved, and a reload keeps showing it
    with page.expect_response(calendar_read):
        page.get_by_role("button", name="Refresh").click()
    hours = panel.locator("[data-calendar-form=hours]")
    expect(hours.get_by_label("Day shift ends (night shift starts)")).to_have_value("17:00")
