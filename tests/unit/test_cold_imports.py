"""A cold start imports what its function uses, not the whole layer (ADR 0027, issue 14).

Each case imports a function's handler module in a fresh interpreter, with nothing on its path but
the layer and the function's folder (as on Lambda), and reads ``sys.modules``: a use case, an
adapter or a feature's models imported at module level (in the wiring, a handler, a domain module
every function imports) would be back in every cold start, and one of these assertions fails.
What each function's first invocation then imports is its own business: a builder imports its use
case when it is first called, and an API function includes a feature's router when a request's path
has the shape of one of its routes (frontdesk.api.resolver.BoundedResolver.include_lazily).
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
# Every route of an API function, by the module that declares it, once every lazy router is included.
ROUTES_PROBE = """
import importlib, json, sys
app = importlib.import_module("app").app
lazy = app.lazy_routers()
def routes():
    return {(r.method, r.path) for r in app._static_routes + app._dynamic_routes}
own = routes()
by_router = {}
for name in lazy:
    before = routes()
    app._include(name)
    by_router[name] = sorted(routes() - before)
print(json.dumps({"own": sorted(own), "lazy": {n: list(map(list, p)) for n, p in lazy.items()}, "routes": by_router}))
"""

# The use cases a function's handler may import at module level: the API functions register routes
# whose signatures name the ticket desk's types; every other use case is imported by its builder.
TICKET_DESK = {
    "frontdesk.app",
    "frontdesk.app.tickets",
    "frontdesk.app.clocks",
    "frontdesk.app.ports",
    "frontdesk.app.tokens",
}
USE_CASES_AT_IMPORT = {"public_api": TICKET_DESK, "staff_api": TICKET_DESK}
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


def _run(probe: str, module: str, folder: Path | None = None) -> str:
    path = [str(folder)] if folder else []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_", "POWERTOOLS_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([*path, str(LAYER)]),
        AWS_DEFAULT_REGION="us-east-1",
        TABLE_NAME="tickets",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, module], env=env, cwd=folder or ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def _imported(module: str, folder: Path | None = None) -> set[str]:
    """The modules loaded once ``module`` is imported in a fresh interpreter (folder: the function's code)."""
    return set(json.loads(_run(PROBE, module, folder)))


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


def _may_match_one_path(a: str, b: str) -> bool:
    """Whether some request path matches both route paths ("<name>" is any one segment)."""
    sa, sb = a.strip("/").split("/"), b.strip("/").split("/")
    return len(sa) == len(sb) and all(
        x == y or x.startswith("<") or y.startswith("<") for x, y in zip(sa, sb, strict=True)
    )


def _fits(path: str, shape: list[str]) -> bool:
    """Whether a route's path has a shape read from its module ("*": any one segment, or a parameter)."""
    segments = path.strip("/").split("/")
    return len(segments) == len(shape) and all(s in ("*", p) for p, s in zip(segments, shape, strict=True))


@pytest.mark.parametrize("function", ["public_api", "staff_api"])
def test_the_shapes_read_from_a_lazy_routers_source_are_its_routes_and_alone_on_their_paths(function: str) -> None:
    found = json.loads(_run(ROUTES_PROBE, "app", FUNCTIONS / function))
    own = {(method, path) for method, path in found["own"]}

    assert found["routes"]  # the function has lazy routers, and the probe included each
    for name, routes in found["routes"].items():
        shapes = found["lazy"][name]
        assert routes, name
        # a request for any of its routes includes the router before it is resolved
        assert [path for _, path in routes if not any(_fits(path, shape) for shape in shapes)] == [], name
        # and no shape is read that none of its routes has
        assert [shape for shape in shapes if not any(_fits(path, shape) for _, path in routes)] == [], name
        for method, path in routes:
            # no route included earlier answers it instead: the order of inclusion changes nothing
            others = own | {(m, p) for other, rs in found["routes"].items() if other != name for m, p in rs}
            assert not [p for m, p in others if m == method and _may_match_one_path(p, path) and p != path], path


def test_the_staff_api_imports_no_features_router_for_the_work_queue() -> None:
    loaded = _imported("app", FUNCTIONS / "staff_api")

    assert not [m for m in loaded if m.endswith((".duty", ".keys", ".incidents", ".callbacks", ".campaigns"))]
    assert "frontdesk.models.incident" not in loaded


def test_the_public_intake_imports_no_other_features_models() -> None:
    loaded = _imported("app", FUNCTIONS / "public_api")

    # the catalogue (every feature's limits), photos and the survey are lazy routers of their own
    assert loaded & FEATURE_MODELS == set()
    assert "frontdesk.models.catalogue" not in loaded
