"""The Lambda entry point the scheduled functions share: logging context, trace and metrics around one
run, which reports what it did through the logger and metrics it is given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk.function_metrics import FunctionMetrics, function_metrics
from frontdesk.tracing import tracer as traced

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]
Run = Callable[[Logger, FunctionMetrics], dict[str, Any]]


def scheduled_handler(run: Run) -> Handler:
    logger = Logger()
    tracer = traced()
    metrics = function_metrics()

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return run(logger, metrics)

    return lambda_handler
