"""Reconciler (on a schedule): every open ticket in timed work has its running SLA timer.

A ticket without one (its dispatch record expired on the stream, its timer failed or was stopped)
gets it back; the new timer reads the escalation already on the ticket and goes on from there,
so nothing is escalated twice because of it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk.sla_wiring import sites, tickets, timers

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = timers().reconcile(sites(), tickets())
    metrics.add_metric(name="TimersChecked", unit="Count", value=report.checked)
    metrics.add_metric(name="TimersRestarted", unit="Count", value=len(report.started))
    metrics.add_metric(name="TimersGivenUp", unit="Count", value=len(report.gave_up))
    if report.started:
        logger.warning("sla timers restarted", extra={"executions": report.started})
    if report.gave_up:
        logger.error("sla timers keep failing; not restarted", extra={"ticket_ids": report.gave_up})
    return {"checked": report.checked, "started": report.started, "gave_up": report.gave_up}
