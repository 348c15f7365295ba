"""An incident report drafted through the staff API, for the tests of its approval and its clock."""

from __future__ import annotations

from typing import Any

from .evidence_support import Evidence

REPORTS = "/staff/incident-reports"
# A general incident: a fight at the east gate at 09:30 in Shanghai.
FIGHT = {
    "site_id": "ql",
    "severity": "general",
    "category": "fight",
    "occurred_at": "2026-11-22T09:30:00+08:00",
    "place": "东门",
    "details": "两人争执",
}
# A general incident in a unit: a burst pipe above 101 of the admin building at 09:30 in Shanghai.
WATER_LEAK = {
    "site_id": "ql",
    "severity": "general",
    "category": "water_leak",
    "occurred_at": "2026-11-22T09:30:00+08:00",
    "building_id": "admin",
    "unit": "101",
    "details": "三楼水管爆裂,101 室天花板渗水,电脑两台受损",
    "reported_by_name": "王值班",
}


def create(ev: Evidence, body: dict[str, Any], who: dict[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """The report `body` created by `who` (the duty manager unless said): its path and the report."""
    created = ev.staff("POST", REPORTS, body, **(who or {}))
    assert created.status == 201, created.body
    report: dict[str, Any] = created.body["report"]
    return f"{REPORTS}/{report['report_id']}", report


def draft(ev: Evidence, who: dict[str, str] | None = None, **fields: str) -> tuple[str, dict[str, Any]]:
    """`FIGHT` with `fields` changed, created by `who`."""
    return create(ev, {**FIGHT, **fields}, who)
