"""End-of-day sweep (on a schedule): at each site's local end of day, work begun and still open is
marked 未完成, put on the next day's follow-up list and its client told (frontdesk.app.sweep); and at
the end of a month's last working day, the month's callback draws (the top 3 repairs, the
activities' sample) not drawn yet (frontdesk.app.monthly_callbacks)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics

from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import end_of_day_sweep, monthly_callbacks, tickets


def sweep(logger: Logger, metrics: Metrics) -> dict[str, Any]:
    report = end_of_day_sweep().run()
    metrics.add_metric(name="MarkedUnfinished", unit="Count", value=len(report.marked))
    if report.days:
        logger.info("days swept", extra={"days": report.days, "marked": len(report.marked)})
    if report.busy:
        logger.warning("tickets moved during the sweep; the next run takes them", extra={"tickets": report.busy})
    drawn = monthly_callbacks().draw_due(tickets())
    if drawn:
        logger.info("monthly callbacks drawn", extra={"drawn": drawn})
    return {"marked": report.marked, "days": report.days, "busy": report.busy, "drawn": drawn}


lambda_handler = scheduled_handler(sweep)
