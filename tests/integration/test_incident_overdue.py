"""An overdue incident report escalates like any SLA: at its deadline (12 h for a major incident) the
sweep records level 1 on the report and the centre manager is mailed, an hour later level 2 and the
department heads; never before the deadline, each notice once however often the sweep runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local_stack.provision import Stack

from .evidence_support import MANAGERS, Evidence, evidence

REPORTS = "/staff/incident-reports"


@pytest.fixture
def ev(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Evidence]:
    with evidence(stack, monkeypatch) as harness:
        yield harness


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
    created = ev.staff("POST", REPORTS, body)
    assert created.status == 201, created.body
    report: dict[str, Any] = created.body["report"]
    assert report["due_at"] == "2026-11-22T14:00:00.000Z"
    return report


def test_a_major_report_overdue_at_12_hours_escalates(ev: Evidence) -> None:
    report = _major(ev)
    path = f"{REPORTS}/{report['report_id']}"

    ev.clock.advance(hours=11, minutes=59, seconds=59)
    assert ev.sweep() == {"looked_at": 0, "escalated": [], "notified": [], "conflicts": []}
    assert ev.staff("GET", path).body["overdue"] is False

    ev.clock.advance(seconds=1)  # 12 h after the occurrence: due
    swept = ev.sweep()

    assert swept["escalated"] == ["ql-2026-0001#1"]
    assert swept["notified"] == ["ql-2026-0001#escalation-1"]
    view = ev.staff("GET", path).body
    assert view["overdue"] is True
    assert view["report"]["escalation"] == {"level": 1, "at": "2026-11-22T14:00:00.000Z"}
    escalate = view["timeline"][1]
    assert (escalate["action"], escalate["actor"]["id"]) == ("escalate", "incident_sweep")
    assert escalate["detail"] == {
        "level": "1",
        "mailing_list": "centre_manager",
        "due_at": "2026-11-22T14:00:00.000Z",
        "late_seconds": "0",
    }
    (mail,) = ev.mail()
    assert mail.to == list(MANAGERS["centre_manager"])
    assert "QL-IR-2026-001" in mail.subject and "level 1" in mail.subject
    assert "due within 12 h" in mail.body and "2026-11-22 22:00" in mail.body
    (alert,) = ev.alerts()
    assert alert["body"]["type"] == "incident_report_overdue"
    assert (alert["body"]["number"], alert["body"]["level"]) == ("QL-IR-2026-001", 1)
    assert alert["attributes"]["phase"] == {"Type": "String", "Value": "incident_report"}

    # the sweep runs every minute: nothing more until the next rung, an hour later
    ev.clock.advance(minutes=1)
    assert ev.sweep()["looked_at"] == 0
    ev.clock.advance(minutes=58, seconds=59)
    assert ev.sweep()["escalated"] == []
    ev.clock.advance(seconds=1)
    assert ev.sweep()["escalated"] == ["ql-2026-0001#2"]
    assert ev.mail()[-1].to == sorted(MANAGERS["department_and_engineering_managers"])
    assert len(ev.mail()) == 2 and len(ev.alerts()) == 2
    # the top of the ladder: the report stays overdue (the register shows it), no more mail
    ev.clock.advance(hours=5)
    assert ev.sweep()["looked_at"] == 0
    assert len(ev.mail()) == 2


def test_a_report_submitted_in_time_never_escalates(ev: Evidence) -> None:
    report = _major(ev)
    path = f"{REPORTS}/{report['report_id']}"
    ev.clock.advance(hours=11)
    ev.staff("POST", f"{path}/update", {"version": 1, "immediate_action": "切断电源,灭火器扑灭"})
    ev.staff("POST", f"{path}/submit", {"version": 2})

    ev.clock.advance(hours=2)
    swept = ev.sweep()

    assert swept["escalated"] == [] and swept["notified"] == ["ql-2026-0001#submitted"]
    assert ev.staff("GET", path).body["report"]["on_time"] is True


def test_a_sweep_that_was_down_catches_up_rung_by_rung(ev: Evidence) -> None:
    report = _major(ev)
    ev.clock.advance(hours=15)  # three hours late: both rungs are due

    swept = ev.sweep()

    assert swept["escalated"] == ["ql-2026-0001#1", "ql-2026-0001#2"]
    assert swept["notified"] == ["ql-2026-0001#escalation-1", "ql-2026-0001#escalation-2"]
    timeline = ev.staff("GET", f"{REPORTS}/{report['report_id']}").body["timeline"]
    assert [e["action"] for e in timeline] == ["create", "escalate", "escalate", "notify", "notify"]
    assert timeline[1]["detail"]["late_seconds"] == "10800"


def test_a_report_submitted_late_is_marked_late_and_still_mailed(ev: Evidence) -> None:
    report = _major(ev)
    path = f"{REPORTS}/{report['report_id']}"
    ev.clock.advance(hours=13)
    ev.sweep()  # escalated (and notified) meanwhile: the version the duty manager read is stale
    stale = ev.staff("POST", f"{path}/update", {"version": 1, "immediate_action": "已处理"})
    assert (stale.status, stale.body["code"]) == (409, "incident_version_conflict")
    current = ev.staff("GET", path).body["report"]["version"]
    updated = ev.staff("POST", f"{path}/update", {"version": current, "immediate_action": "已处理"})

    submitted = ev.staff("POST", f"{path}/submit", {"version": updated.body["report"]["version"]})
    ev.sweep()

    assert submitted.body["report"]["on_time"] is False
    assert "It was submitted after its deadline." in ev.mail()[-1].body
