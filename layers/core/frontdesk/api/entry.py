"""The Lambda entry point both API functions share: correlation id, trace, metrics, then the routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk.api import intake
from frontdesk.api.resolver import BoundedResolver
from frontdesk.function_metrics import FunctionMetrics

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def api_handler(app: BoundedResolver, logger: Logger, tracer: Tracer, metrics: FunctionMetrics) -> Handler:
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # The idempotency records expire with the invocation's remaining time in mind.
        intake.CONFIG.register_lambda_context(context)
        return app.resolve(event, context)

    return lambda_handler
