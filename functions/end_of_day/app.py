"""End-of-day sweep (on a schedule): at each site's local end of day, work begun and still open is
marked 未完成, put on the next day's follow-up list and its client told (frontdesk.app.sweep)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk.wiring import end_of_day_sweep

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = end_of_day_sweep().run()
    metrics.add_metric(name="MarkedUnfinished", unit="Count", value=len(report.marked))
    if report.days:
        logger.info("days swept", extra={"days": report.days, "marked": len(report.marked)})
    if report.busy:
        logger.warning("tickets moved during the sweep; the next run takes them", extra={"tickets": report.busy})
    return {"marked": report.marked, "days": report.days, "busy": report.busy}
