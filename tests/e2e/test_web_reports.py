"""An incident report written, submitted and approved in the staff console, start to finish, in a
real browser (Debian's Chromium) against the local stack (issue 10; 000 §3.5.2c, §3.6; ADR 0019).

The duty manager writes the report from the ticket they have open, completes the draft (its
12 h countdown on screen) and submits it; the manager opens it from the register and approves it;
the printed report is the manual's form. Screenshots land in /tmp/screens/reports-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from frontdesk.models.incident import NewIncidentReport

from .test_web_pages import (
    Desk,
    desk,
    open_ticket,
    screenshot,
    sign_in,
    sign_in_at,
    sign_out_and_in,
    submitted_by_api,
)

pytestmark = pytest.mark.e2e


_ = desk  # the module's fixture from test_web_pages: the local stack as the tests use it


def test_a_duty_manager_writes_submits_and_a_manager_approves_an_incident_report(page: Page, desk: Desk) -> None:
    created = desk.report(
        building_id="library", unit="1F-101", category="plumbing", description="一楼大厅水管爆裂，地面积水。"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, desk, "duty_manager")
    open_ticket(page, created["number"])

    # From the open ticket: a new report, on the ticket's place.
    page.get_by_role("button", name="为此工单写事故报告").click()
    new = page.locator("#report-new-form")
    expect(new).to_be_visible()
    expect(new).to_contain_text(created["number"])
    new.get_by_label("级别").select_option(label="重大")
    new.get_by_label("事故类别").select_option(label="漏水、水管爆裂")
    new.get_by_label("事件内容").fill("一楼大厅水管爆裂，地面积水约 3 厘米，两台电脑受潮。")
    new.get_by_role("button", name="创建草稿").click()

    report = page.locator("#report")
    expect(report.locator("#report-state")).to_have_text("草稿")
    number = report.locator("#report-title").inner_text()
    assert "-IR-" in number
    expect(new).to_be_hidden()
    expect(report.locator("#report-fields")).to_contain_text(created["number"])  # the ticket it is about
    expect(report.locator("#report-fields")).to_contain_text("图书馆 · 1F-101")  # and its place
    expect(report.locator("#report-countdown")).to_contain_text("距报告时限还剩")  # major: 12 h, site time
    expect(report.get_by_role("button", name="审批通过并存档")).to_be_hidden()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(report.get_by_role("button", name="提交给经理")).to_be_visible()
    screenshot(page, "reports-draft-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The draft is completed and submitted; an empty immediate action is refused next to its field.
    draft = report.locator("#report-edit")
    expect(draft.get_by_label("事件内容")).to_have_value("一楼大厅水管爆裂，地面积水约 3 厘米，两台电脑受潮。")
    draft.get_by_role("button", name="提交给经理").click()
    expect(draft.locator("[data-field=immediate_action] .field-error")).to_be_visible()
    draft.get_by_label("即时处理").fill("关闭总阀，转移电脑，通知工程部抢修。")
    police_file = NewIncidentReport.model_fields["police_file_number"].metadata[0].max_length  # the model's, served
    expect(draft.get_by_label("报警回执号")).to_have_attribute("maxlength", str(police_file))
    draft.get_by_label("报警回执号").fill("无")
    draft.get_by_role("button", name="提交给经理").click()
    expect(report.locator("#report-state")).to_have_text("已提交")
    expect(draft).to_be_hidden()
    expect(report.locator("#report-countdown")).to_be_hidden()
    expect(report.locator("#report-fields")).to_contain_text("关闭总阀，转移电脑，通知工程部抢修。")
    expect(report.get_by_role("button", name="审批通过并存档")).to_be_hidden()  # a duty manager does not approve
    row = page.locator("#reports-rows tr", has_text=number)
    expect(row).to_contain_text("已提交")
    screenshot(page, "reports-submitted")

    # The manager finds it in the register and approves it.
    manager = sign_out_and_in(page, desk, "manager")
    page.get_by_role("button", name="事故报告", exact=True).click()
    page.get_by_role("button", name=f"打开事故报告 {number}").click()
    expect(report.locator("#report-state")).to_have_text("已提交")
    report.get_by_role("button", name="审批通过并存档").click()
    expect(report.locator("#report-state")).to_have_text("经理已审批存档")
    expect(report.locator("#report-fields")).to_contain_text(manager["username"])
    expect(report.get_by_role("button", name="审批通过并存档")).to_be_hidden()
    expect(page.locator("#reports-rows tr", has_text=number)).to_contain_text("经理已审批存档")
    screenshot(page, "reports-approved")

    # The printable report: the manual's form, and nothing else of the console.
    page.emulate_media(media="print")
    sheet = page.locator("#report-sheet")
    expect(sheet).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    for label in (
        "日期",
        "发生日期",
        "时间",
        "发生地点",
        "事件内容",
        "即时行动",
        "公安局档案（如有）",
        "相片记录",
        "备注",
        "问题",
        "呈报人",
        "经理审批",
        "签名：",
    ):
        expect(sheet).to_contain_text(label)
    expect(sheet).to_contain_text("一楼大厅水管爆裂")
    expect(sheet).to_contain_text(number)
    screenshot(page, "reports-print")
    page.emulate_media(media="screen")

    # Back to the register: the report folds away, the register stays.
    report.get_by_role("button", name="收起，返回登记表").click()
    expect(report).to_be_hidden()
    expect(page.locator("#reports")).to_be_visible()
    page.emulate_media(media="print")  # with no report open, the console prints as it is
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#report-sheet")).to_be_hidden()
    page.emulate_media(media="screen")


def test_a_manager_sends_a_report_back_and_a_stale_approval_is_refused(page: Page, desk: Desk) -> None:
    report = submitted_by_api(desk)
    link = f"{desk.base}/staff#report={report['report_id']}"
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_at(page, desk, link, "manager")
    opened = page.locator("#report")
    expect(opened.locator("#report-state")).to_have_text("已提交")

    review = opened.locator("#report-review")
    review.get_by_role("button", name="退回修改").click()
    expect(review.locator("[data-field=reason] .field-error")).to_be_visible()  # a reason is required
    review.get_by_label("退回原因").fill("请补充是否报警及回执号。")
    review.get_by_role("button", name="退回修改").click()
    expect(opened.locator("#report-state")).to_have_text("草稿")
    expect(opened.locator("#report-fields")).to_contain_text("请补充是否报警及回执号。")
    expect(opened.locator("#report-timeline li[data-action=send_back]")).to_contain_text("请补充是否报警及回执号。")
    expect(opened.locator("#report-countdown")).to_be_hidden()  # it reached the manager in time

    # The duty manager completes it from the mail's link and submits it again.
    page.get_by_role("button", name="退出登录").click()
    sign_in_at(page, desk, link, "duty_manager")
    expect(opened.locator("#report-fields")).to_contain_text("请补充是否报警及回执号。")
    opened.locator("#report-edit").get_by_label("报警回执号").fill("未报警")
    opened.get_by_role("button", name="提交给经理").click()
    expect(opened.locator("#report-state")).to_have_text("已提交")
    page.get_by_role("button", name="Switch to English").click()
    expect(opened.locator("#report-timeline li[data-action=send_back]")).to_contain_text("Sent back")
    page.get_by_role("button", name="切换到中文").click()

    # The manager's screen is stale: someone approved meanwhile. The console says so and shows it now.
    page.get_by_role("button", name="退出登录").click()
    sign_in_at(page, desk, link, "manager")
    expect(opened.get_by_role("button", name="审批通过并存档")).to_be_visible()
    status, current = desk.staff("manager", "GET", f"staff/incident-reports/{report['report_id']}")
    assert status == 200, current
    status, approved = desk.staff(
        "manager",
        "POST",
        f"staff/incident-reports/{report['report_id']}/approve",
        {"version": current["report"]["version"]},
    )
    assert status == 200, approved
    opened.get_by_role("button", name="审批通过并存档").click()
    expect(opened.locator("#report-alert")).to_contain_text("这份报告已被他人更新")
    expect(opened.locator("#report-state")).to_have_text("经理已审批存档")
    expect(opened.get_by_role("button", name="审批通过并存档")).to_be_hidden()
