"""A serious complaint taken by phone in the console, end to end in Chromium against the local stack:
the manager is mailed at intake, a linked repair is raised and dispatched from the complaint, the
client accepts the repair (the complaint's record shows it), and the complaint is replied to the same
day and closed. Waits are bounded polls with wide margins, never timings."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect
from pydantic import BaseModel

from deploy_tools.smoke import call as http
from frontdesk.models.apology import SendApology
from frontdesk.models.corrective import WriteCorrectiveAction

from .conftest import until
from .test_web_pages import (
    SERIOUS_PHONE_COMPLAINT,
    SITE,
    Desk,
    desk,
    fill_in,
    handle_and_reply,
    open_action,
    pick_engineer,
    record_a_call,
    screenshot,
    sign_in,
    sign_in_at,
)

_ = desk  # the module's fixture: the local stack as the tests use it


def _max_length(model: type[BaseModel], name: str) -> str:
    """The field's longest value as the model constrains it: what the console's input must allow."""
    (found,) = [m.max_length for m in model.model_fields[name].metadata if getattr(m, "max_length", None)]
    return str(found)


def _mail(desk: Desk, subject: str) -> dict[str, Any] | None:
    _, outbox = http("GET", f"{desk.base}/local/outbox.json")
    return next((m for m in outbox if m["channel"] == "email" and subject in (m["subject"] or "")), None)


def test_a_serious_phone_complaint_with_a_linked_repair_from_intake_to_close(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "operator")
    intake = record_a_call(
        page,
        choose={**SERIOUS_PHONE_COMPLAINT, "类别": "工程维修", "被投诉部门": "工程部", "楼宇": "行政楼"},
        type_in={
            "被投诉员工或设备": "三楼走廊照明",
            "房号": "310",
            "姓名": "钱老师",
            "联系电话": "13912345678",
            "电子邮箱": "qian.teacher@example.com",
            "情况说明": "走廊灯坏了一周，报修三次没人来，要求马上处理。",
        },
    )
    intake.get_by_role("button", name="登记").click()

    expect(page.locator("#detail-status")).to_have_text("已受理")
    number = page.locator("#detail-title").inner_text()
    fields = page.locator("#detail-fields")
    expect(fields).to_contain_text("严重")
    expect(fields).to_contain_text("三楼走廊照明")
    # the manager is told at intake, through the stream
    told = until(lambda: _mail(desk, f"【立即通知·严重投诉】{number}"), "the manager's mail")
    assert "被投诉员工或设备：三楼走廊照明" in told["body"]

    # solvable now: a repair is raised from the complaint, and dispatched like any repair
    raise_repair = open_action(page, "repairs")
    raise_repair.get_by_label("类别").select_option(label="照明、灯具")
    raise_repair.get_by_label("情况说明").fill("三楼走廊灯管更换。")
    raise_repair.get_by_role("button", name="派维修单").click()
    linked = page.locator("#detail-linked li[data-linked-repair]")
    expect(linked).to_have_count(1)
    expect(linked).to_contain_text("已受理")
    repair_number = linked.get_by_role("button").inner_text()
    linked.get_by_role("button").click()
    expect(page.locator("#detail-title")).to_have_text(repair_number)
    engineer = desk.login("engineer")["username"]
    dispatch = open_action(page, "dispatch")
    pick_engineer(dispatch, engineer)
    dispatch.get_by_role("button", name="派工").click()
    expect(page.locator("#detail-status")).to_have_text("已派工")
    screenshot(page, "complaint-linked-repair")

    # the engineer does the work; the client accepts it from the link mailed for the repair
    repair_id = desk.ticket_id(repair_number)
    desk.act("engineer", repair_id, "arrive")
    desk.act("engineer", repair_id, "complete", summary="更换灯管两支，已恢复照明。")
    ack = until(lambda: _mail(desk, f"已收到您的请求 {repair_number}"), "the repair's acknowledgement")
    token = re.search(r"track#(\S+)$", ack["body"], re.MULTILINE)
    assert token is not None
    seen = desk.track(token.group(1))
    status, accepted = http(
        "POST",
        f"{desk.base}/public/track/{token.group(1)}/acceptance",
        {"version": seen["version"], "satisfied": True, "rating": 5},
    )
    assert status == 200, accepted

    # back on the complaint: the repair's state, and its acceptance on the complaint's record
    page.locator("button[data-linked]").click()
    expect(page.locator("#detail-title")).to_have_text(number)
    complaint_id = desk.ticket_id(number)

    def acceptance_recorded() -> bool:
        status, view = desk.staff("operator", "GET", f"staff/tickets/{complaint_id}")
        return status == 200 and any(e["action"] == "repair_accepted" for e in view["timeline"])

    until(acceptance_recorded, "the acceptance on the complaint")
    # read the complaint again: to the repair and back
    page.locator("#detail-linked li[data-linked-repair] button").click()
    expect(page.locator("#detail-title")).to_have_text(repair_number)
    page.locator("button[data-linked]").click()
    expect(page.locator("#detail-title")).to_have_text(number)
    expect(page.locator("#detail-linked li[data-linked-repair]")).to_contain_text("已关闭")
    expect(page.locator("#detail-timeline")).to_contain_text("关联维修已验收")

    # reported back the same day, then closed
    handle_and_reply(
        page, "工程部", "已派维修单更换灯管，并对报修延误进行内部通报。", "灯管已更换，向您致歉，已加强报修跟进。"
    )
    close = open_action(page, "close")
    close.get_by_role("button", name="关闭工单").click()
    expect(page.locator("#detail-status")).to_have_text("已关闭")
    screenshot(page, "complaint-closed")


def test_a_manager_edits_the_emergency_call_list_in_the_console(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "manager")
    page.get_by_role("button", name="登记来电/来访").click()
    page.locator("#calls > summary").click()
    fight = page.get_by_label("打架斗殴", exact=True)
    expect(fight).to_have_value("security_head")  # the manual's default (000 §3.4d)
    fight.fill("security_head, duty_manager")
    page.get_by_role("button", name="保存通知名单").click()
    expect(page.locator("#status")).to_contain_text("通知名单已保存")
    status, calls = desk.staff("operator", "GET", "staff/sites/demo/emergency-calls")
    assert status == 200 and calls["calls"]["fight"] == ["security_head", "duty_manager"]

    page.get_by_label("人员死亡", exact=True).fill("")
    page.get_by_role("button", name="保存通知名单").click()
    expect(page.locator("#calls .alert")).to_be_visible()
    # leave the shared stack as it was
    restored = {**calls["calls"], "fight": ["security_head"]}
    assert desk.staff("manager", "PUT", "staff/sites/demo/emergency-calls", {"calls": restored})[0] == 200


def test_a_manager_judges_a_complaint_our_fault_sends_the_apology_and_verifies_the_corrective_action(
    page: Page, desk: Desk
) -> None:
    status, created = desk.staff(
        "operator",
        "POST",
        "staff/tickets",
        {
            "site_id": SITE,
            "building_id": "expert",
            "unit": "1-101",
            "kind": "complaint",
            "category": "security",
            "severity": "serious",
            "channel": "phone",
            "description": "夜班保安对来访家属态度恶劣。",
            "contact_name": "孙老师",
            "contact_phone": "13912340000",
            "contact_email": "sun.teacher@example.com",
        },
    )
    assert status == 201, created
    ticket_id, number = created["ticket_id"], created["number"]
    sign_in_at(page, desk, f"{desk.base}/staff#ticket={ticket_id}", "manager")
    expect(page.locator("#detail-title")).to_have_text(number)
    expect(page.locator("details[data-action=apology]")).to_have_count(0)  # not judged yet

    judge = open_action(page, "validity")
    fill_in(
        judge,
        choose={"是否有效投诉": "有效", "是否我方过错？": "我方过错：须发致歉信"},
        type_in={"判定理由": "保安确有失职"},
    )
    judge.get_by_role("button", name="判定是否有效投诉").click()
    expect(page.locator("#detail-fields")).to_contain_text("我方过错：须发致歉信")

    # mailed to the client (they left an address), through the stream
    letter = open_action(page, "apology")
    expect(letter.get_by_label("致歉信")).to_have_value("mail")
    letter.get_by_label("已采取的纠正措施").fill("已对当班保安批评教育并调离岗位。")
    expect(letter.get_by_label("落款人")).to_have_attribute("maxlength", _max_length(SendApology, "signatory"))
    letter.get_by_label("落款人").fill("客服中心 经理")
    letter.get_by_role("button", name="致歉信").click()
    mailed = until(lambda: _mail(desk, f"致歉信：关于您的投诉（{number}）"), "the apology letter's mail")
    assert "尊敬的孙老师：" in mailed["body"] and "已对当班保安批评教育并调离岗位。" in mailed["body"]
    expect(page.locator("#detail-fields")).to_contain_text("致歉信已邮寄")

    # printed too: the letter alone on its print sheet
    letter = open_action(page, "apology")
    expect(letter.get_by_label("致歉信")).to_have_value("print")
    letter.get_by_label("已采取的纠正措施").fill("已对当班保安批评教育并调离岗位。")
    letter.get_by_role("button", name="致歉信").click()
    expect(page.locator("#letter-sheet")).to_contain_text("尊敬的孙老师：")
    expect(page.locator("#detail-timeline")).to_contain_text("已打印（递交或邮寄）")

    # a serious complaint's corrective-action report, written then verified
    panel = page.locator("#detail-corrective")
    expect(panel).to_contain_text("纠正措施报告")
    local_day = desk.staff("operator", "GET", f"staff/tickets/{ticket_id}")[1]["ticket"]["local_day"]
    due = (date.fromisoformat(local_day) + timedelta(days=7)).isoformat()
    write = panel.locator("form[data-corrective=corrective-action]")
    write.get_by_label("原因").fill("夜班保安服务培训不足。")
    write.get_by_label("纠正措施").fill("全员服务礼仪培训，每月抽查。")
    # the limits are the models' (GET /public/catalogue), not a copy in the console
    expect(write.get_by_label("责任人")).to_have_attribute("maxlength", _max_length(WriteCorrectiveAction, "owner"))
    write.get_by_label("责任人").fill("保安部 赵主管")
    write.get_by_label("完成日期").fill(due)
    write.get_by_role("button", name="保存报告").click()
    expect(panel).to_contain_text("待验证")
    panel.get_by_text("验证措施已落实", exact=True).first.click()
    verify = panel.locator("form[data-corrective=verify-action]")
    verify.get_by_label("验证结果").fill("已培训，抽查合格。")
    verify.get_by_role("button", name="验证措施已落实").click()
    expect(panel).to_contain_text("已培训，抽查合格。")
    screenshot(page, "complaint-apology-corrective")
