"""Step Functions: start and stop the executions of the clock engine, and see which exist."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions.client import SFNClient


class StepFunctionsTimers:
    def __init__(self, state_machine_arn: str, client: SFNClient | None = None) -> None:
        self._arn = state_machine_arn
        self._given = client

    @cached_property
    def _client(self) -> SFNClient:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("stepfunctions")

    def start(self, name: str, payload: dict[str, Any]) -> bool:
        """Start an execution under `name`; False when one of that name exists already.

        The input is serialised canonically, so a replay of the same start is recognised as such
        (Step Functions answers a running same-name same-input start idempotently)."""
        try:
            self._client.start_execution(
                stateMachineArn=self._arn,
                name=name,
                input=json.dumps(payload, sort_keys=True, separators=(",", ":")),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def stop(self, name: str) -> bool:
        """Stop a waiting execution; False when there is none running under that name."""
        try:
            self._client.stop_execution(executionArn=self.execution_arn(name), cause="clock ended or re-planned")
        except ClientError as error:
            if error.response["Error"]["Code"] in {"ExecutionDoesNotExist", "ExecutionNotRunning"}:
                return False
            raise
        return True

    def running(self) -> set[str]:
        names: set[str] = set()
        paginator = self._client.get_paginator("list_executions")
        for page in paginator.paginate(stateMachineArn=self._arn, statusFilter="RUNNING"):
            names.update(execution["name"] for execution in page["executions"])
        return names

    def status(self, name: str) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED …, or None when there is no such execution."""
        try:
            return str(self._client.describe_execution(executionArn=self.execution_arn(name))["status"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return None
            raise

    def execution_arn(self, name: str) -> str:
        prefix, _, machine = self._arn.rpartition(":stateMachine:")
        return f"{prefix}:execution:{machine}:{name}"
