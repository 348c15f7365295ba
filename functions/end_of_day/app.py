"""End-of-day sweep (on a schedule): at each site's local end of day, work begun and still open is
marked 未完成, put on the next day's follow-up list and its client told (frontdesk.app.sweep). The
same run opens each site's monthly key-cabinet audit with its clock on the 25th (frontdesk.app.key_audit),
and at the end of a month's last working day draws the month's callbacks (the top 3 repairs, the
activities' sample) not drawn yet (frontdesk.app.monthly_callbacks): the site-local calendar jobs that
need no function of their own."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import end_of_day_sweep, key_audits, monthly_callbacks, tickets


def sweep(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    report = end_of_day_sweep().run()
    metrics.add_metric(name="MarkedUnfinished", unit="Count", value=len(report.marked))
    if report.days:
        logger.info("days swept", extra={"days": report.days, "marked": len(report.marked)})
    if report.busy:
        logger.warning("tickets moved during the sweep; the next run takes them", extra={"tickets": report.busy})
    audits = key_audits().open_due()
    if audits:
        logger.info("key-cabinet audits opened", extra={"audits": audits})
    drawn = monthly_callbacks().draw_due(tickets())
    if drawn:
        logger.info("monthly callbacks drawn", extra={"drawn": drawn})
    return {"marked": report.marked, "days": report.days, "busy": report.busy, "key_audits": audits, "drawn": drawn}


lambda_handler = scheduled_handler(sweep)
