"""End-of-day sweep (on a schedule): at each site's local end of day, work begun and still open is
marked 未完成, put on the next day's follow-up list and its client told (frontdesk.app.sweep)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics

from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import end_of_day_sweep


def sweep(logger: Logger, metrics: Metrics) -> dict[str, Any]:
    report = end_of_day_sweep().run()
    metrics.add_metric(name="MarkedUnfinished", unit="Count", value=len(report.marked))
    if report.days:
        logger.info("days swept", extra={"days": report.days, "marked": len(report.marked)})
    if report.busy:
        logger.warning("tickets moved during the sweep; the next run takes them", extra={"tickets": report.busy})
    return {"marked": report.marked, "days": report.days, "busy": report.busy}


lambda_handler = scheduled_handler(sweep)
