"""The quarterly callback analysis mailed (on a schedule): on the first business day of the month after
a quarter, each site's analysis goes to its managers' lists, once (frontdesk.app.quarterly)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import quarterly


def mail(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    outcome = quarterly().mail_due()
    metrics.add_metric(name="QuarterlyAnalysesMailed", unit="Count", value=len(outcome.sent))
    if outcome.sent or outcome.empty:
        logger.info("quarterly analyses", extra={"sent": outcome.sent, "nobody_listed": outcome.empty})
    if outcome.refused:
        logger.warning("quarterly analysis refused by an address", extra={"sites": outcome.refused})
    return {"sent": outcome.sent, "empty": outcome.empty, "refused": outcome.refused}


lambda_handler = scheduled_handler(mail)
