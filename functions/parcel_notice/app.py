"""Parcel notices (on a schedule): in each site's 17:00–18:00 window, the recipient of every parcel
waiting at the desk and not yet told is told once — by mail when an address is known, otherwise the
parcel goes on the desk's "to phone" list (frontdesk.app.parcels)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from frontdesk.function_metrics import FunctionMetrics
from frontdesk.scheduled import scheduled_handler
from frontdesk.wiring import parcel_notices


def notify(logger: Logger, metrics: FunctionMetrics) -> dict[str, Any]:
    report = parcel_notices().run()
    metrics.add_metric(name="ParcelNoticesMailed", unit="Count", value=len(report.mailed))
    metrics.add_metric(name="ParcelNoticesToPhone", unit="Count", value=len(report.to_phone))
    if report.mailed or report.to_phone:
        logger.info("parcel recipients told", extra={"mailed": len(report.mailed), "to_phone": len(report.to_phone)})
    if report.busy:
        logger.info("parcels moved during the run; left alone", extra={"parcels": report.busy})
    return {"mailed": report.mailed, "to_phone": report.to_phone, "busy": report.busy}


lambda_handler = scheduled_handler(notify)
