"""incident_sweep (every minute): overdue incident reports escalate, owed notices go out.

Reports whose next action is due come from a sparse index; for each, every rung reached is
recorded on the report (never before its time), then each notice it owes is sent once: the
overdue notice to the rung's mailing list and an alert on the escalation topic, the submitted
report to the managers and department heads (docs/decisions/0008).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk import evidence_wiring

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    swept = evidence_wiring.incident_sweep().run()
    metrics.add_metric(name="IncidentReportsEscalated", unit="Count", value=len(swept.escalated))
    metrics.add_metric(name="IncidentNoticesSent", unit="Count", value=len(swept.notified))
    if swept.escalated:
        logger.warning("incident reports overdue", extra={"escalated": swept.escalated})
    if swept.conflicts:
        logger.info("changed while swept; next sweep goes on", extra={"report_ids": swept.conflicts})
    return {
        "looked_at": swept.looked_at,
        "escalated": swept.escalated,
        "notified": swept.notified,
        "conflicts": swept.conflicts,
    }
