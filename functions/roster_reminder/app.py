"""Duty roster reminder (on a schedule): from each site's local 25th, the managers are told once if
next month's duty roster is not complete (frontdesk.app.duty_roster.RosterReminder)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import roster_reminder


def remind(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    report = roster_reminder().run()
    metrics.add_metric(name="RostersIncomplete", unit="Count", value=len(report.told))
    if report.told:
        logger.info("managers told of incomplete rosters", extra={"told": report.told})
    return {"told": report.told, "complete": report.complete}


lambda_handler = scheduled_handler(remind)
