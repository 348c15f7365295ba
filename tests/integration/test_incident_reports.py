"""Incident reports through the staff API: duty managers open them (from a ticket or on their own),
complete and submit them; submitting mails the report to the managers and department heads; the
register lists every report with its state. Bad input is a 4xx naming the field, in zh-CN or en."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk import wiring

from .evidence_support import MANAGERS, Evidence, jpeg
from .incident_drafts import REPORTS, WATER_LEAK


def _new(**changes: Any) -> dict[str, Any]:
    return {**WATER_LEAK, **changes}


def test_a_duty_manager_opens_a_report_from_a_ticket(ev: Evidence) -> None:
    opened = ev.open_ticket()

    created = ev.staff("POST", REPORTS, {**_new(building_id=None, unit=""), "ticket_id": opened.ticket.ticket_id})

    assert created.status == 201, created.body
    report = created.body["report"]
    assert report["number"] == "QL-IR-2026-001"
    assert report["report_id"] == "ql-2026-0001"
    assert report["state"] == "draft"
    assert (report["ticket_id"], report["ticket_number"]) == (opened.ticket.ticket_id, opened.ticket.number)
    assert (report["building_id"], report["unit"]) == ("admin", "101")  # taken from the ticket
    assert report["occurred_at"] == "2026-11-22T01:30:00.000Z"
    assert report["due_at"] == "2026-11-23T01:30:00.000Z"  # general: 24 h after the occurrence
    assert report["report_date"] == "2026-11-22"
    assert created.body["actions"] == ["update", "submit", "photos", "evidence_pack", "verify"]
    assert [e["action"] for e in created.body["timeline"]] == ["create"]
    assert created.body["overdue"] is False


def test_a_major_report_is_due_in_12_hours(ev: Evidence) -> None:
    created = ev.staff("POST", REPORTS, _new(severity="major"))
    assert created.body["report"]["due_at"] == "2026-11-22T13:30:00.000Z"


def test_a_report_on_its_own_needs_a_place(ev: Evidence) -> None:
    refused = ev.staff("POST", REPORTS, _new(building_id=None, unit=""))
    on_its_own = ev.staff("POST", REPORTS, _new(building_id=None, unit="", place="东门停车场"))

    assert (refused.status, refused.body["code"], refused.body["field"]) == (400, "incident_place_required", "place")
    assert on_its_own.status == 201
    assert on_its_own.body["report"]["number"] == "QL-IR-2026-001"  # the refusal took no number


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"category": "earthquake"}, 400, "unknown_category", "category"),
        ({"severity": "catastrophic"}, 400, "validation_failed", "severity"),
        ({"occurred_at": "2026-11-22 09:30"}, 400, "validation_failed", "occurred_at"),
        ({"occurred_at": "2026-11-23T09:30:00+08:00"}, 400, "incident_in_future", "occurred_at"),
        ({"building_id": "nowhere"}, 400, "unknown_building", "building_id"),
        ({"unit": "999"}, 400, "unknown_unit", "unit"),
        ({"details": ""}, 400, "validation_failed", "details"),
        ({"site_id": "nowhere"}, 404, "site_not_found", "site_id"),
        ({"ticket_id": "f" * 32}, 404, "ticket_not_found", "ticket_id"),
        ({"number": "QL-IR-2026-999"}, 400, "validation_failed", "number"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    ev: Evidence, changes: dict[str, Any], status: int, code: str, field: str
) -> None:
    english = ev.staff("POST", REPORTS, _new(**changes))
    chinese = ev.staff("POST", REPORTS, _new(**changes), language="zh-CN")

    assert (english.status, english.body["code"], english.body["field"]) == (status, code, field)
    assert (chinese.status, chinese.body["code"]) == (status, code)
    assert english.body["message"] and chinese.body["message"] and english.body["message"] != chinese.body["message"]


def test_only_duty_managers_and_managers_write_and_read_reports(ev: Evidence) -> None:
    operator = ev.staff("POST", REPORTS, _new(), user="op1", groups="operator")
    engineer = ev.staff("GET", f"{REPORTS}?site_id=ql", user="eng1", groups="engineer")
    manager = ev.staff("POST", REPORTS, _new(), user="mgr1", groups="manager")

    assert (operator.status, operator.body["code"], operator.body["field"]) == (403, "forbidden", "action")
    assert engineer.status == 403
    assert manager.status == 201


def test_the_same_idempotency_key_opens_one_report(ev: Evidence) -> None:
    headers = {"Idempotency-Key": "dm1-leak-1122"}
    first = ev.staff("POST", REPORTS, _new(), headers=headers)
    again = ev.staff("POST", REPORTS, _new(), headers=headers)
    other = ev.staff("POST", REPORTS, _new(details="另一件事"), headers=headers)

    assert first.status == again.status == 201
    assert again.body["report"]["report_id"] == first.body["report"]["report_id"]
    assert other.status == 422
    assert ev.staff("GET", f"{REPORTS}?site_id=ql").body["reports"][0]["number"] == "QL-IR-2026-001"
    assert len(ev.staff("GET", f"{REPORTS}?site_id=ql").body["reports"]) == 1


def test_a_draft_is_completed_then_submitted_and_mailed_to_the_managers(ev: Evidence) -> None:
    report = ev.staff("POST", REPORTS, _new()).body["report"]
    path = f"{REPORTS}/{report['report_id']}"
    slot = ev.staff("POST", f"{path}/photos", {"content_type": "image/jpeg", "size": 2000})
    assert slot.status == 200, slot.body
    ev.upload_and_ingest(slot.body, jpeg())

    not_yet = ev.staff("POST", f"{path}/submit", {"version": 1})
    assert (not_yet.status, not_yet.body["code"], not_yet.body["field"]) == (
        400,
        "incident_field_required",
        "immediate_action",
    )

    ev.clock.advance(hours=2)
    updated = ev.staff(
        "POST",
        f"{path}/update",
        {
            "version": 1,
            "immediate_action": "关闭三楼总阀,转移设备,通知工程部",
            "police_file_number": "",
            "severity": "major",
        },
    )
    assert updated.status == 200, updated.body
    assert updated.body["report"]["due_at"] == "2026-11-22T13:30:00.000Z"  # now major: 12 h
    assert updated.body["timeline"][-1]["detail"]["due_at"] == "2026-11-22T13:30:00.000Z"
    stale = ev.staff("POST", f"{path}/update", {"version": 1, "remarks": "x"})
    assert (stale.status, stale.body["code"]) == (409, "incident_version_conflict")

    submitted = ev.staff("POST", f"{path}/submit", {"version": 2})
    assert submitted.status == 200, submitted.body
    assert submitted.body["report"]["state"] == "submitted"
    assert submitted.body["report"]["on_time"] is True
    assert submitted.body["actions"] == ["evidence_pack", "verify"]
    changed = ev.staff("POST", f"{path}/update", {"version": 3, "remarks": "补充"})
    assert (changed.status, changed.body["code"]) == (409, "incident_report_submitted")
    late_photo = ev.staff("POST", f"{path}/photos", {"content_type": "image/jpeg", "size": 2000})
    assert (late_photo.status, late_photo.body["code"]) == (409, "incident_report_submitted")

    assert ev.mail() == []
    ev.notices("ql-2026-0001")  # the stream router, for the submitted report

    (mail,) = ev.mail()
    assert sorted(mail.to) == sorted(MANAGERS["centre_manager"] + MANAGERS["department_and_engineering_managers"])
    zh, en = mail.subject.split(" / [")
    assert zh == "【事故报告】QL-IR-2026-001（重大）：漏水、水管爆裂"
    assert en == "Incident report] QL-IR-2026-001 (Major): Water leak or burst pipe"
    assert "即时处理：关闭三楼总阀" in mail.body and "Immediate action: 关闭三楼总阀" in mail.body
    assert "照片：1" in mail.body and "Photos: 1" in mail.body
    assert "staff#report=ql-2026-0001" in mail.body
    # once: the report written again (notified) owes nothing; a redelivered record sends nothing more
    stored = ev.item("REPORT#ql-2026-0001", "REPORT")
    assert stored is not None and stored["owed"] == []
    wiring.incident_notices().on_change("ql-2026-0001")
    assert len(ev.mail()) == 1
    view = ev.staff("GET", path).body
    assert view["report"]["mailed_at"] == "2026-11-22T04:00:00.000Z"
    assert [e["action"] for e in view["timeline"]] == ["create", "update", "submit", "notify"]
    assert view["timeline"][-1]["detail"]["recipients"] == "3"


def test_the_register_lists_every_report_with_its_state(ev: Evidence) -> None:
    ids = [
        ev.staff("POST", REPORTS, _new(severity=s)).body["report"]["report_id"] for s in ("general", "major", "general")
    ]
    ev.staff("POST", f"{REPORTS}/{ids[1]}/update", {"version": 1, "immediate_action": "已处理"})
    ev.staff("POST", f"{REPORTS}/{ids[1]}/submit", {"version": 2})
    ev.clock.advance(hours=12)  # the first and third (general, 24 h) are not due yet; nothing else is open

    register = ev.staff("GET", f"{REPORTS}?site_id=ql&year=2026")

    assert register.status == 200
    rows = [(r["number"], r["state"], r["severity"], r["overdue"], r["on_time"]) for r in register.body["reports"]]
    assert rows == [
        ("QL-IR-2026-001", "draft", "general", False, None),
        ("QL-IR-2026-002", "submitted", "major", False, True),
        ("QL-IR-2026-003", "draft", "general", False, None),
    ]
    ev.clock.advance(hours=12)
    overdue = [r["overdue"] for r in ev.staff("GET", f"{REPORTS}?site_id=ql").body["reports"]]
    assert overdue == [True, False, True]
    assert ev.staff("GET", f"{REPORTS}?site_id=ql&year=2025").body["reports"] == []
    unknown = ev.staff("GET", f"{REPORTS}/ql-2026-0099")
    assert (unknown.status, unknown.body["code"], unknown.body["field"]) == (
        404,
        "incident_report_not_found",
        "report_id",
    )
