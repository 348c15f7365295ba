"""The weekly duty summary (on a schedule): for each site whose local week has ended, its entries by
category, open items, keys used, handovers late and parcels not collected, mailed once to the deputy
manager and the manager (frontdesk.app.duty_summary)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import weekly_duty_summary


def summarise(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    report = weekly_duty_summary().run()
    metrics.add_metric(name="DutySummariesMailed", unit="Count", value=len(report.mailed))
    if report.mailed:
        logger.info("weekly duty summaries mailed", extra={"weeks": report.mailed, "recipients": report.recipients})
    return {"mailed": report.mailed, "recipients": report.recipients}


lambda_handler = scheduled_handler(summarise)
