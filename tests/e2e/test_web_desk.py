"""A shift on the console without the mouse, and on a phone (issue 10: "Keyboard first: the whole
phone intake can be done without the mouse"; "screens at desktop and phone width"), in a real
browser (Debian's Chromium) against the local stack. Screenshots land in /tmp/screens/desk-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from frontdesk.models.identifiers import MAX_USERNAME
from frontdesk.models.views import MAX_QUERY

from .test_web_pages import Desk, desk, open_ticket, screenshot, sign_in, sign_in_at, submitted_by_api

pytestmark = pytest.mark.e2e

# Bounds for walking the page with Tab and a list with the arrow keys (far above what is needed).
MAX_TABS = 80
MAX_ARROWS = 40


_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def tab_to(page: Page, selector: str) -> None:
    """Tab forward until the focus is on `selector` (never clicking)."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def tab(page: Page, selector: str) -> None:
    """One Tab, which must land on `selector`: the focus order is the form's order."""
    page.keyboard.press("Tab")
    expect(page.locator(selector)).to_be_focused()


def arrow_to(page: Page, selector: str, label: str) -> None:
    """Choose an option of the focused list by the arrow keys alone, until `label` is chosen."""
    control = page.locator(selector)
    expect(control).to_be_focused()
    for _ in range(MAX_ARROWS):
        if control.evaluate("s => s.selectedIndex >= 0 && s.options[s.selectedIndex].text") == label:
            expect(control).to_be_focused()  # a list that rebuilds the form keeps the keyboard on it
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} is not among the options of {selector}")


def test_the_whole_phone_intake_is_done_from_the_keyboard(page: Page, desk: Desk) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "operator")
    expect(page.locator("#updated")).to_contain_text("更新于")
    page.locator("body").focus()

    tab_to(page, "#new-ticket-toggle")
    page.keyboard.press("Enter")
    form = "#intake-form"
    expect(page.locator(f"{form} [name=channel]")).to_be_focused()  # the form opens on its first field
    arrow_to(page, f"{form} [name=channel]", "电话")
    tab(page, f"{form} [name=kind]")
    arrow_to(page, f"{form} [name=kind]", "投诉")  # another kind rebuilds the form around the keyboard
    tab(page, f"{form} [name=category]")
    arrow_to(page, f"{form} [name=category]", "工程维修")
    tab(page, f"{form} [name=severity]")
    arrow_to(page, f"{form} [name=severity]", "严重")
    tab(page, f"{form} [name=department_concerned]")
    arrow_to(page, f"{form} [name=department_concerned]", "工程部")
    tab(page, f"{form} [name=concerning]")
    page.keyboard.type("三楼会议室空调")
    tab(page, f"{form} [name=building_id]")
    arrow_to(page, f"{form} [name=building_id]", "行政楼")
    tab(page, f"{form} [name=unit]")
    page.keyboard.type("310")
    tab(page, f"{form} [name=location]")
    tab(page, f"{form} [name=contact_name]")
    page.keyboard.type("钱老师")
    tab(page, f"{form} [name=contact_phone]")
    page.keyboard.type("13912345678")
    tab(page, f"{form} [name=contact_email]")
    tab(page, f"{form} [name=description]")
    page.keyboard.type("三楼会议室空调一直漏水，投诉多次未修好。")
    tab(page, f"{form} button[type=submit]")
    screenshot(page, "desk-keyboard-intake")
    page.keyboard.press("Enter")

    expect(page.locator("#status")).to_contain_text("已登记")
    expect(page.locator("#detail")).to_be_focused()  # the keyboard lands on the new ticket
    fields = page.locator("#detail-fields")
    for text in ("投诉", "工程维修", "严重", "三楼会议室空调", "电话", "行政楼 · 310", "钱老师", "13912345678"):
        expect(fields).to_contain_text(text)
    expect(page.locator("#detail-status")).to_have_text("已受理")


def _fits(page: Page) -> None:
    """Nothing wider than the phone's screen: the page never scrolls sideways."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


def _on_screen(page: Page, selector: str) -> None:
    """A control the desk needs: visible, inside the screen's width, and big enough to tap."""
    control = page.locator(selector)
    control.scroll_into_view_if_needed()
    expect(control).to_be_visible()
    box = control.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)
    assert box["height"] >= 24, (selector, box)


def test_the_queue_a_ticket_and_the_intake_are_usable_at_phone_width(page: Page, desk: Desk) -> None:
    created = desk.report(
        building_id="teaching-1",
        unit="A101",
        category="electrical",
        description="教室投影仪电源插座冒火花，已断电。" * 3,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, desk, "operator")
    expect(page.locator("#updated")).to_contain_text("更新于")

    # The queue, with its search and the bulk bar open.
    expect(page.locator("li.ticket", has_text=created["number"])).to_be_visible()
    _fits(page)
    for control in ("#board-q", "#board-submit", "#new-ticket-toggle", "#reload"):
        _on_screen(page, control)
    # the search's texts are as long as the route takes them (served: forms.board_search)
    expect(page.locator("#board-q")).to_have_attribute("maxlength", str(MAX_QUERY))
    expect(page.locator("#board-assignee")).to_have_attribute("maxlength", str(MAX_USERNAME))
    page.get_by_role("checkbox", name=f"选择 {created['number']}").check()
    _on_screen(page, "#bulk-assign")
    _fits(page)
    screenshot(page, "desk-phone-queue")
    page.get_by_role("button", name="取消选择").click()

    # A ticket: its fields, its dispatch form and the way back.
    open_ticket(page, created["number"])
    _fits(page)
    _on_screen(page, "#back")
    _on_screen(page, "details[data-action=dispatch] > summary")
    page.locator("details[data-action=dispatch] > summary").click()
    _on_screen(page, "form[data-action-form=dispatch] button[type=submit]")
    _fits(page)
    screenshot(page, "desk-phone-ticket")
    page.locator("#back").click()

    # The intake form, every field and its button.
    page.locator("#new-ticket-toggle").click()
    _fits(page)
    for name in ("channel", "kind", "category", "building_id", "unit", "contact_name", "contact_phone", "description"):
        _on_screen(page, f"#intake-form [name={name}]")
    _on_screen(page, "#intake-form button[type=submit]")
    _fits(page)
    screenshot(page, "desk-phone-intake")


def test_a_manager_who_submitted_a_report_is_offered_the_send_back_not_the_approval(page: Page, desk: Desk) -> None:
    """ADR 0021: the approval is another manager's reading."""
    report = submitted_by_api(
        desk,
        "manager",
        place="南门",
        details="两名访客争执，保安已劝开。",
        immediate_action="记录双方信息。",
    )
    path = f"staff/incident-reports/{report['report_id']}"

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, f"{desk.base}/staff#report={report['report_id']}", "manager")
    opened = page.locator("#report")
    expect(opened.locator("#report-state")).to_have_text("已提交")
    expect(opened.locator("#report-review-own")).to_have_text("此报告由您提交，须由另一位经理审批；您可以退回修改。")
    expect(opened.get_by_role("button", name="审批通过并存档")).to_be_hidden()
    expect(opened.get_by_role("button", name="退回修改")).to_be_visible()
    _, current = desk.staff("manager", "GET", path)  # the submission's mail may have moved the version on
    status, refused = desk.staff("manager", "POST", f"{path}/approve", {"version": current["report"]["version"]})
    assert (status, refused["code"]) == (403, "incident_own_report")
