"""The baseline of bench/cold_start.py: an empty powertools REST handler, decorated as ours are.

No Tracer: tracing is off where the bench measures, and ours then import nothing of X-Ray
(frontdesk.tracing); powertools' own Tracer() would load the X-Ray SDK and flatter every ratio."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import EphemeralMetrics
from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
metrics = EphemeralMetrics()  # as frontdesk.function_metrics makes them
app = APIGatewayRestResolver(enable_validation=True)


@app.get("/public/sites")
def sites() -> dict[str, Any]:
    return {}


@app.post("/public/tickets")
def tickets() -> dict[str, Any]:
    return {}


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
