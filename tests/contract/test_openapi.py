"""The committed OpenAPI documents are what the code serves, and every documented path is routed by the template."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("openapi_tool", ROOT / "infra" / "tools" / "openapi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_committed_documents_match_the_code() -> None:
    tool = _tool()
    for name, text in tool.documents().items():
        committed = (ROOT / "docs" / "openapi" / f"{name}.json").read_text("utf-8")
        assert committed == text, f"docs/openapi/{name}.json drifted: run `make openapi`"


def test_drift_is_detected(tmp_path: Path) -> None:
    tool = _tool()
    tool.OUT = tmp_path  # type: ignore[attr-defined]
    (tmp_path / "public.json").write_text("{}", "utf-8")
    assert tool.main(["--check"]) == 1


def _template_routes() -> list[tuple[str, re.Pattern[str]]]:
    from local_stack.template import api_routes, load_template

    routes = []
    for route in api_routes(load_template(ROOT / "template.yaml")):
        pattern = re.sub(r"\{[^/]+\}", "[^/]+", route.path)
        routes.append((route.method.upper(), re.compile(f"^{pattern}$")))
    return routes


def test_every_documented_operation_is_routed_by_the_template() -> None:
    routes = _template_routes()
    for name in ("public", "staff"):
        document = json.loads((ROOT / "docs" / "openapi" / f"{name}.json").read_text("utf-8"))
        for path, operations in document["paths"].items():
            concrete = re.sub(r"\{[^/]+\}", "x", path)
            for method in operations:
                assert any(m == method.upper() and p.match(concrete) for m, p in routes), (
                    f"{method.upper()} {path} is in the code but no Api event in template.yaml routes it"
                )


def _operations(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    doc = json.loads((ROOT / "docs" / "openapi" / f"{name}.json").read_text("utf-8"))
    return [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]


def test_the_documents_state_the_refusals_the_api_really_answers() -> None:
    """400 with the API's error shape (powertools' 422 only where an Idempotency-Key was reused);
    401/403 on every staff route, 403 (the WAF) on every public one; 404 where the path or query
    names something; 409/413/415/503 where a body is sent; the created tickets are 201."""
    for name in ("public", "staff"):
        for path, method, op in _operations(name):
            responses = op["responses"]
            keyed = any(p.get("name") == "Idempotency-Key" for p in op.get("parameters", []))
            assert ("422" in responses) == keyed and {"400", "429", "500"} <= set(responses), (path, method)
            error = responses["400"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (path, method)
            if name == "staff":
                assert {"401", "403"} <= set(responses), (path, method)
            else:  # the WAF's rate rule per IP
                assert "WAF_FILTERED" in responses["403"]["description"], (path, method)
            if "{" in path or any(p.get("name", "").endswith("_id") for p in op.get("parameters", [])):
                assert "404" in responses, (path, method)
            if "requestBody" in op:
                assert {"409", "413", "415", "503"} <= set(responses), (path, method)
    created = {(p, m) for name in ("public", "staff") for p, m, op in _operations(name) if "201" in op["responses"]}
    assert {("/public/tickets", "post"), ("/staff/tickets", "post")} <= created
    staff = json.loads((ROOT / "docs" / "openapi" / "staff.json").read_text("utf-8"))
    assert (
        staff["security"] == [{"cognito": []}] and staff["components"]["securitySchemes"]["cognito"]["in"] == "header"
    )


def test_a_naive_time_is_documented_as_what_pydantic_writes() -> None:
    """JSON Schema's format "time" wants an offset ("08:00:00Z"); the API writes "08:00:00"."""
    tool = _tool()
    hours = {"type": "string", "format": "time", "title": "Day Start"}
    doc: dict[str, Any] = {
        "paths": {},
        "components": {"schemas": {"Hours": {"type": "object", "properties": {"day_start": hours}}}},
    }
    day_start = tool.truthful(doc, "staff")["components"]["schemas"]["Hours"]["properties"]["day_start"]
    assert "format" not in day_start and day_start["title"] == "Day Start"
    pattern = re.compile(day_start["pattern"])
    assert all(pattern.match(t) for t in ("08:00:00", "17:30", "23:59:59.5"))
    assert not any(pattern.match(t) for t in ("24:00:00", "8:00", "08:00:00Z"))
