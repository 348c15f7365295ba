"""X-Ray is loaded only when tracing is on: off (locally, in tests, POWERTOOLS_TRACE_DISABLED), the
tracer imports nothing of the X-Ray SDK and leaves the handler as it is (docs/decisions/0027)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.settings import settings
from frontdesk.tracing import Untraced, tracer, tracing_on

LAYER = Path(__file__).resolve().parents[2] / "layers" / "core"
PROBE = """
import json, sys
from frontdesk.tracing import tracer
made = tracer()
print(json.dumps({"type": type(made).__name__, "xray": "aws_xray_sdk.core" in sys.modules}))
"""


def _fresh(**env: str) -> dict[str, object]:
    """A new interpreter (a cold start) makes the function's tracer: what it is, and whether X-Ray loaded."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("POWERTOOLS_TRACE_DISABLED", "LAMBDA_TASK_ROOT", "AWS_SAM_LOCAL")
    }
    clean.update(PYTHONPATH=str(LAYER), AWS_DEFAULT_REGION="us-east-1", TABLE_NAME="tickets", **env)
    done = subprocess.run([sys.executable, "-c", PROBE], env=clean, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_off_the_x_ray_sdk_is_never_imported() -> None:
    assert _fresh(LAMBDA_TASK_ROOT="/var/task", POWERTOOLS_TRACE_DISABLED="true") == {
        "type": "Untraced",
        "xray": False,
    }
    assert _fresh() == {"type": "Untraced", "xray": False}  # outside Lambda
    assert _fresh(LAMBDA_TASK_ROOT="/var/task", AWS_SAM_LOCAL="true") == {"type": "Untraced", "xray": False}


def test_on_in_lambda_it_is_powertools_tracer() -> None:
    assert _fresh(LAMBDA_TASK_ROOT="/var/task") == {"type": "Tracer", "xray": True}


def test_the_stand_in_leaves_handlers_and_methods_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    monkeypatch.setenv("TABLE_NAME", "tickets")
    settings.cache_clear()
    assert not tracing_on()
    off = tracer()
    assert isinstance(off, Untraced)

    def handler(event: dict[str, object], context: object) -> dict[str, object]:
        return event

    assert off.capture_lambda_handler(handler) is handler
    assert off.capture_lambda_handler()(handler) is handler
    assert off.capture_method(handler) is handler
    assert off.capture_method()(handler) is handler
    off.put_annotation("k", "v")
    off.put_metadata("k", {"v": 1})
    settings.cache_clear()  # the environment monkeypatch restores, read again by the next test
