"""Reconciler (on a schedule): every open clock has its running execution.

A clock without one (its stream record expired, its execution failed or was stopped) gets it back
under the next name; the new execution starts from the rung the clock has reached, so nothing is
escalated twice because of it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import reconciler, sites


def reconcile(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    report = reconciler().run(sites())
    metrics.add_metric(name="ClocksChecked", unit="Count", value=report.checked)
    metrics.add_metric(name="ClockExecutionsRestarted", unit="Count", value=len(report.started))
    metrics.add_metric(name="ClockExecutionsGivenUp", unit="Count", value=len(report.gave_up))
    if report.started:
        logger.warning("clock executions restarted", extra={"executions": report.started})
    if report.gave_up:
        logger.error("clock executions keep failing; not restarted", extra={"clock_ids": report.gave_up})
    return {"checked": report.checked, "started": report.started, "gave_up": report.gave_up}


lambda_handler = scheduled_handler(reconcile)
