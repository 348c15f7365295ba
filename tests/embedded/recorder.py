"""A function for the local stack's plumbing tests: it records what it is given instead of running."""

from __future__ import annotations

from typing import Any

from local_stack.runtime import Function, FunctionError
from local_stack.template import Handler


class Recorder(Function):
    """Keeps every event; fails its first ``fail`` calls, then answers ``answer`` (raised if an exception)."""

    def __init__(self, logical_id: str, answer: Any = None, *, fail: int = 0, stack: str = "t") -> None:
        super().__init__(
            logical_id=logical_id,
            name=f"{stack}-{logical_id}",
            arn=f"arn:aws:lambda:us-east-1:123456789012:function:{stack}-{logical_id}",
            handler=Handler(logical_id, "x", "x/app.py", "lambda_handler"),
            timeout=15,
            memory=512,
        )
        self.answer = answer
        self.fail = fail
        self.events: list[Any] = []

    def invoke(self, event: Any) -> Any:
        self.events.append(event)
        if len(self.events) <= self.fail:
            raise FunctionError(self.logical_id, "RuntimeError", f"failure {len(self.events)}")
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer
