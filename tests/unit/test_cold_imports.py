"""A cold start imports what its function uses, not the whole layer (ADR 0027, issue 14).

Each case imports a function's handler module in a fresh interpreter, with nothing on its path but
the layer and the function's folder (as on Lambda), and reads ``sys.modules``: a use case, an
adapter or a feature's models imported at module level (in the wiring, a handler, a domain module
every function imports) would be back in every cold start, and one of these assertions fails.
What each function's first invocation then imports is its own business: a builder imports its use
case when it is first called.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "core"
FUNCTIONS = ROOT / "functions"
PROBE = "import importlib, json, sys; importlib.import_module(sys.argv[1]); print(json.dumps(sorted(sys.modules)))"

# The use cases a function's handler may import at module level: the API functions register routes
# whose signatures name the ticket desk's types; every other use case is imported by its builder.
TICKET_DESK = {"frontdesk.app", "frontdesk.app.tickets", "frontdesk.app.clocks", "frontdesk.app.ports"}
USE_CASES_AT_IMPORT = {
    "public_api": TICKET_DESK | {"frontdesk.app.tokens"},
    "staff_api": TICKET_DESK | {"frontdesk.app.tokens", "frontdesk.app.bulk"},
}
# A feature's models: the clock registry and the clock, ladder and ticket models name none of them.
FEATURE_MODELS = {
    "frontdesk.models.callback",
    "frontdesk.models.corrective",
    "frontdesk.models.duty",
    "frontdesk.models.incident",
    "frontdesk.models.key_audit",
    "frontdesk.models.keys",
    "frontdesk.models.campaign",
    "frontdesk.models.parcels",
}


def _imported(module: str, folder: Path | None = None) -> set[str]:
    """The modules loaded once ``module`` is imported in a fresh interpreter (folder: the function's code)."""
    path = [str(folder)] if folder else []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_", "POWERTOOLS_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([*path, str(LAYER)]),
        AWS_DEFAULT_REGION="us-east-1",
        TABLE_NAME="tickets",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        env=env,
        cwd=folder or ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _functions() -> list[str]:
    return sorted(p.name for p in FUNCTIONS.iterdir() if (p / "app.py").is_file())


def test_the_wiring_imports_no_use_case_adapter_model_or_sdk() -> None:
    loaded = _imported("frontdesk.wiring")

    assert {m for m in loaded if m.startswith(("frontdesk.app", "frontdesk.adapters", "frontdesk.models"))} == set()
    assert "boto3" not in loaded
    assert "botocore.client" not in loaded  # powertools itself imports the bare botocore package


def test_the_clock_registry_imports_no_features_models() -> None:
    loaded = _imported("frontdesk.domain.clocks")

    assert "frontdesk.models.clock" in loaded  # the probe saw the registry's own imports
    assert loaded & FEATURE_MODELS == set()


@pytest.mark.parametrize("function", _functions())
def test_a_handler_imports_only_the_use_cases_its_routes_name(function: str) -> None:
    loaded = _imported("app", FUNCTIONS / function)

    assert "frontdesk.wiring" in loaded or function == "empty"  # the probe imported the handler
    use_cases = {m for m in loaded if m == "frontdesk.app" or m.startswith("frontdesk.app.")}
    assert use_cases <= USE_CASES_AT_IMPORT.get(function, set())
    assert {m for m in loaded if m.startswith("frontdesk.adapters.")} <= {
        # the stream router reads every record's images and clocks, whatever the record
        "frontdesk.adapters.clocks",
        "frontdesk.adapters.stream_images",
    }
    assert "aws_xray_sdk.core" not in loaded


def test_the_stream_router_imports_a_features_models_only_for_its_records() -> None:
    loaded = _imported("app", FUNCTIONS / "stream_router")

    assert loaded & FEATURE_MODELS == set()
    assert "frontdesk.models.commands" not in loaded
