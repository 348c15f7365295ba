"""A manager approves a submitted incident report before it is archived (000 §3.5.2c), or sends it
back to draft with a reason; through the staff API against moto (ADR 0019). Other roles get 403 with
a message in their language; a stale version 409."""

from __future__ import annotations

from typing import Any

import pytest

from .evidence_support import Evidence
from .incident_drafts import REPORTS, create, draft

MANAGER = {"user": "mgr1", "groups": "manager"}


def _submitted(ev: Evidence) -> tuple[str, dict[str, Any]]:
    """A major report the duty manager wrote and submitted an hour after opening it."""
    body = {
        "site_id": "ql",
        "severity": "major",
        "category": "water_leak",
        "occurred_at": "2026-11-22T09:30:00+08:00",
        "building_id": "admin",
        "unit": "101",
        "details": "三楼水管爆裂，101 室天花板渗水",
        "immediate_action": "关闭总阀",
    }
    path, _ = create(ev, body)
    ev.clock.advance(hours=1)
    submitted = ev.staff("POST", f"{path}/submit", {"version": 1})
    assert submitted.status == 200, submitted.body
    return path, submitted.body["report"]


def test_a_manager_approves_and_the_report_is_archived(ev: Evidence) -> None:
    path, report = _submitted(ev)
    assert ev.staff("GET", path, **MANAGER).body["actions"] == ["approve", "send_back", "evidence_pack", "verify"]
    ev.clock.advance(hours=1)

    approved = ev.staff("POST", f"{path}/approve", {"version": report["version"]}, **MANAGER)

    assert approved.status == 200, approved.body
    stored = approved.body["report"]
    assert (stored["state"], stored["approved_by"], stored["approved_at"]) == (
        "approved",
        "mgr1",
        "2026-11-22T04:00:00.000Z",
    )
    event = approved.body["timeline"][-1]
    assert (event["action"], event["actor"]["id"], event["at"], event["to_state"]) == (
        "approve",
        "mgr1",
        "2026-11-22T04:00:00.000Z",
        "approved",
    )
    assert approved.body["actions"] == ["evidence_pack", "verify"]
    again = ev.staff("POST", f"{path}/approve", {"version": stored["version"]}, **MANAGER)
    assert (again.status, again.body["code"]) == (409, "incident_not_submitted")
    photo = ev.staff("POST", f"{path}/photos", {"content_type": "image/jpeg", "size": 2000})
    assert (photo.status, photo.body["code"]) == (409, "incident_report_submitted")
    line = ev.staff("GET", f"{REPORTS}?site_id=ql").body["reports"][0]
    assert (line["state"], line["approved_at"], line["on_time"]) == ("approved", "2026-11-22T04:00:00.000Z", True)


@pytest.mark.parametrize("groups", ["duty_manager", "operator", "engineer"])
def test_other_roles_are_refused_with_a_clear_message(ev: Evidence, groups: str) -> None:
    path, report = _submitted(ev)
    for action, body in (("approve", {}), ("send-back", {"reason": "缺照片"})):
        english = ev.staff("POST", f"{path}/{action}", {"version": report["version"], **body}, user="u1", groups=groups)
        chinese = ev.staff(
            "POST",
            f"{path}/{action}",
            {"version": report["version"], **body},
            user="u1",
            groups=groups,
            language="zh-CN",
        )
        assert (english.status, english.body["code"]) == (403, "incident_managers_only")
        assert english.body["message"] == "Only a manager may approve or send back an incident report."
        assert (chinese.status, chinese.body["message"]) == (403, "只有管业经理可以审批或退回事故报告。")
    assert ev.staff("GET", path).body["report"]["state"] == "submitted"


def test_a_stale_version_is_a_409(ev: Evidence) -> None:
    path, report = _submitted(ev)
    stale = ev.staff("POST", f"{path}/approve", {"version": report["version"] - 1}, **MANAGER)
    stale_back = ev.staff("POST", f"{path}/send-back", {"version": report["version"] - 1, "reason": "x"}, **MANAGER)

    assert (stale.status, stale.body["code"]) == (409, "incident_version_conflict")
    assert (stale_back.status, stale_back.body["code"]) == (409, "incident_version_conflict")
    assert ev.staff("GET", path).body["report"]["state"] == "submitted"


def test_a_draft_cannot_be_approved(ev: Evidence) -> None:
    path, _ = draft(ev)
    refused = ev.staff("POST", f"{path}/approve", {"version": 1}, **MANAGER)
    assert (refused.status, refused.body["code"]) == (409, "incident_not_submitted")


def test_sent_back_completed_and_submitted_again_then_approved(ev: Evidence) -> None:
    path, report = _submitted(ev)
    no_reason = ev.staff("POST", f"{path}/send-back", {"version": report["version"], "reason": ""}, **MANAGER)
    assert (no_reason.status, no_reason.body["field"]) == (400, "reason")
    ev.clock.advance(hours=20)  # long past the 12 h deadline

    back = ev.staff(
        "POST", f"{path}/send-back", {"version": report["version"], "reason": "请补充报警回执号"}, **MANAGER
    )

    assert back.status == 200, back.body
    draft = back.body["report"]
    assert (draft["state"], draft["returned_reason"]) == ("draft", "请补充报警回执号")
    assert back.body["timeline"][-1]["detail"] == {"reason": "请补充报警回执号"}
    assert back.body["overdue"] is False  # it reached the manager in time
    mine = ev.staff("GET", path).body
    assert mine["actions"] == ["update", "submit", "photos", "evidence_pack", "verify"]
    clock = ev.report_clock(draft["report_id"])
    assert not clock.is_open  # met at the first submission; the send-back does not start it again

    updated = ev.staff("POST", f"{path}/update", {"version": draft["version"], "police_file_number": "110-2026-7"})
    assert updated.status == 200, updated.body
    again = ev.staff("POST", f"{path}/submit", {"version": updated.body["report"]["version"]})
    assert again.status == 200, again.body
    assert (again.body["report"]["submitted_at"], again.body["report"]["on_time"]) == (
        report["submitted_at"],
        True,
    )
    assert ev.report_clock(draft["report_id"]) == clock
    ev.notices(draft["report_id"])
    assert len(ev.mail()) == 2  # the first submission and the corrected one, each mailed once

    approved = ev.staff(
        "POST", f"{path}/approve", {"version": ev.staff("GET", path).body["report"]["version"]}, **MANAGER
    )
    assert approved.status == 200, approved.body
    assert [e["action"] for e in approved.body["timeline"]] == [
        "create",
        "submit",
        "send_back",
        "update",
        "submit",
        "notify",
        "notify",
        "approve",
    ]


def test_a_manager_may_not_approve_the_report_they_submitted(ev: Evidence) -> None:
    """ADR 0021: the approval is another manager's; the submitter is told so in their language."""
    path, _ = draft(ev, MANAGER, immediate_action="劝开")
    submitted = ev.staff("POST", f"{path}/submit", {"version": 1}, **MANAGER).body["report"]
    assert ev.staff("GET", path, **MANAGER).body["actions"] == ["send_back", "evidence_pack", "verify"]
    english = ev.staff("POST", f"{path}/approve", {"version": submitted["version"]}, **MANAGER)
    chinese = ev.staff("POST", f"{path}/approve", {"version": submitted["version"]}, **MANAGER, language="zh-CN")
    number = submitted["number"]
    assert (english.status, english.body["code"], english.body["field"]) == (403, "incident_own_report", "action")
    assert (
        english.body["message"]
        == f"You submitted report {number}: another manager must approve it. You may send it back."
    )
    assert (chinese.status, chinese.body["message"]) == (
        403,
        f"报告 {number} 由您提交，须由另一位经理审批；您可以退回。",
    )
    assert ev.staff("GET", path).body["report"]["state"] == "submitted"
    approved = ev.staff("POST", f"{path}/approve", {"version": submitted["version"]}, user="mgr2", groups="manager")
    assert (approved.status, approved.body["report"]["state"]) == (200, "approved")
