"""An overdue incident report escalates like any deadline, on its clock: the report's clock is written
with it (re-planned when the severity moves the deadline, met or breached by the submission); at
each rung the clock reaches (12 h for a major incident: the centre manager, an hour later the
department heads) the stream router records the rung on the report and sends what it owes, each
notice once however often the record is delivered. The state machine itself is tested with the
clock engine; here its rung is written on the clock as it writes it."""

from __future__ import annotations

from typing import Any

from frontdesk import wiring
from frontdesk.models.clock import ClockState

from .evidence_support import MANAGERS, Evidence
from .incident_drafts import REPORTS, create, draft


def _major(ev: Evidence) -> dict[str, Any]:
    """A major incident that happened now (10:00 in Shanghai): its report is due at 22:00."""
    body = {
        "site_id": "ql",
        "severity": "major",
        "category": "fire",
        "occurred_at": "2026-11-22T10:00:00+08:00",
        "building_id": "admin",
        "unit": "102",
        "details": "102 室配电箱起火,已扑灭",
    }
    _, report = create(ev, body)
    assert report["due_at"] == "2026-11-22T14:00:00.000Z"
    return report


def test_the_report_clock_is_written_with_the_report(ev: Evidence) -> None:
    report = _major(ev)

    clock = ev.report_clock(report["report_id"])

    assert (clock.state, clock.due, clock.gen, clock.level) == (ClockState.RUNNING, report["due_at"], 1, 0)
    assert [(r.mailing_list, r.at) for r in clock.rungs] == [
        ("centre_manager", "2026-11-22T14:00:00.000Z"),
        ("department_and_engineering_managers", "2026-11-22T15:00:00.000Z"),
    ]
    ev.notices(report["report_id"])  # a new report owes nothing
    assert ev.mail() == [] and ev.alerts() == []


def test_a_major_report_overdue_at_12_hours_escalates(ev: Evidence) -> None:
    report = _major(ev)
    rid = report["report_id"]
    path = f"{REPORTS}/{rid}"
    ev.clock.advance(hours=11, minutes=59, seconds=59)
    assert ev.staff("GET", path).body["overdue"] is False

    ev.clock.advance(seconds=1)  # 12 h after the occurrence: due, the clock's first rung
    clock = ev.reach(rid, 1)

    view = ev.staff("GET", path).body
    assert view["overdue"] is True
    assert view["report"]["escalation"] == {"level": 1, "at": "2026-11-22T14:00:00.000Z"}
    assert view["report"]["owed"] == []
    escalate = view["timeline"][1]
    assert (escalate["action"], escalate["actor"]["id"]) == ("escalate", "clock")
    assert escalate["detail"] == {
        "level": "1",
        "mailing_list": "centre_manager",
        "due_at": "2026-11-22T14:00:00.000Z",
        "late_seconds": "0",
    }
    assert [e["action"] for e in view["timeline"]] == ["create", "escalate", "notify"]
    (mail,) = ev.mail()
    assert mail.to == list(MANAGERS["centre_manager"])
    assert "QL-IR-2026-001" in mail.subject and "level 1" in mail.subject
    assert "due within 12 h" in mail.body and "2026-11-22 22:00" in mail.body
    (alert,) = ev.alerts()
    assert alert["body"]["type"] == "incident_report_overdue"
    assert (alert["body"]["number"], alert["body"]["level"]) == ("QL-IR-2026-001", 1)
    assert alert["attributes"]["phase"] == {"Type": "String", "Value": "incident_report"}

    # the stream delivers the clock record again, and the report records: nothing more
    ev.clock.advance(minutes=1)
    wiring.incident_notices().on_rung(clock, 1)
    ev.notices(rid)
    assert len(ev.mail()) == 1 and len(ev.alerts()) == 1
    assert len(ev.staff("GET", path).body["timeline"]) == 3

    ev.clock.advance(minutes=59)  # an hour after the deadline: the second rung
    ev.reach(rid, 2)
    assert ev.mail()[-1].to == sorted(MANAGERS["department_and_engineering_managers"])
    assert len(ev.mail()) == 2 and len(ev.alerts()) == 2
    assert ev.staff("GET", path).body["report"]["escalation"]["level"] == 2
    # the top of the ladder: the clock has no rung left, the report stays overdue (the register shows it)
    assert ev.report_clock(rid).rungs_left() == 0


def test_a_severity_change_re_plans_the_clock_and_a_timely_submission_meets_it(ev: Evidence) -> None:
    path, report = draft(
        ev, category="water_leak", occurred_at="2026-11-22T10:00:00+08:00", place="三楼机房", details="漏水"
    )
    rid = report["report_id"]
    assert ev.report_clock(rid).due == "2026-11-23T02:00:00.000Z"  # general: 24 h
    ev.clock.advance(hours=11)

    ev.staff("POST", f"{path}/update", {"version": 1, "severity": "major", "immediate_action": "关阀"})
    moved = ev.report_clock(rid)
    assert (moved.due, moved.gen, moved.rungs[0].at) == ("2026-11-22T14:00:00.000Z", 2, "2026-11-22T14:00:00.000Z")
    submitted = ev.staff("POST", f"{path}/submit", {"version": 2})

    met = ev.report_clock(rid)
    assert (met.state, met.early_seconds, met.gen) == (ClockState.MET, 3600, 2)
    assert submitted.body["report"]["on_time"] is True
    ev.notices(rid)
    ev.notices(rid)
    (mail,) = ev.mail()
    assert sorted(mail.to) == sorted(MANAGERS["centre_manager"] + MANAGERS["department_and_engineering_managers"])
    assert ev.alerts() == []


def test_a_report_submitted_late_breaches_its_clock_and_is_still_mailed(ev: Evidence) -> None:
    report = _major(ev)
    rid = report["report_id"]
    path = f"{REPORTS}/{rid}"
    ev.clock.advance(hours=12)
    ev.reach(rid, 1)  # escalated (and notified) meanwhile: the version the duty manager read is stale
    ev.clock.advance(minutes=30)
    stale = ev.staff("POST", f"{path}/update", {"version": 1, "immediate_action": "已处理"})
    assert (stale.status, stale.body["code"]) == (409, "incident_version_conflict")
    current = ev.staff("GET", path).body["report"]["version"]
    updated = ev.staff("POST", f"{path}/update", {"version": current, "immediate_action": "已处理"})

    submitted = ev.staff("POST", f"{path}/submit", {"version": updated.body["report"]["version"]})
    ev.notices(rid)

    assert submitted.body["report"]["on_time"] is False
    breached = ev.report_clock(rid)
    assert (breached.state, breached.level, breached.late_seconds) == (ClockState.BREACHED, 1, 1800)
    assert "It was submitted after its deadline." in ev.mail()[-1].body
    assert len(ev.mail()) == 2  # the overdue notice, then the submitted report
