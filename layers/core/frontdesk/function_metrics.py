"""A function's metrics: a set of its own, printed (EMF) and cleared at the end of each invocation.

powertools' ``Metrics`` keeps its metric set on the class, so every instance in a process shares
one. On Lambda a process runs one invocation at a time and that set is the invocation's. The local
stack runs a function's containers as threads of one process: there one invocation's flush printed
and cleared another's metrics, and when that happened between powertools' "anything to publish?"
and its serialisation the other invocation raised ``SchemaValidationError`` (a tenant's report
answered 502 in CI). ``EphemeralMetrics`` keeps the set on the instance. Each handler makes one and
nothing adds metrics through a second instance, so on Lambda the output is the same.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import EphemeralMetrics

FunctionMetrics = EphemeralMetrics


def function_metrics() -> FunctionMetrics:
    """The handler's metrics (namespace and service from POWERTOOLS_METRICS_NAMESPACE / _SERVICE_NAME)."""
    return EphemeralMetrics()
