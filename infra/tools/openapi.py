"""Generate the OpenAPI documents from the API functions' code into docs/openapi/.

python infra/tools/openapi.py          write docs/openapi/{public,staff}.json
python infra/tools/openapi.py --check  exit 1 when the committed documents differ from the code
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "openapi"
APIS = {
    "public": ("public_api", "frontdesk public API (tenant form and tracking)"),
    "staff": ("staff_api", "frontdesk staff API (Cognito)"),
}


def documents() -> dict[str, str]:
    # The handlers read their settings at import; none of these values reach the document.
    for name, value in {
        "TABLE_NAME": "openapi",
        "IDEMPOTENCY_TABLE_NAME": "openapi",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        os.environ.setdefault(name, value)
    docs: dict[str, str] = {}
    for name, (folder, title) in APIS.items():
        code_dir = ROOT / "functions" / folder
        spec = importlib.util.spec_from_file_location(f"openapi_{folder}", code_dir / "app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # pydantic resolves the handlers' annotations through it
        sys.path.insert(0, str(code_dir))  # like Lambda's /var/task: the handler imports its own modules
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(code_dir))
        schema = truthful(json.loads(module.app.get_openapi_json_schema(title=title, version="1.0.0")), name)
        docs[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return docs


# The API's one error shape (frontdesk.api.errors.error_response), in the user's language.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "field"],
    "properties": {
        "code": {"type": "string", "description": "A stable code (frontdesk.domain.errors.ErrorCode)"},
        "message": {"type": "string", "description": "The refusal in the Accept-Language (zh-CN or en)"},
        "field": {"type": ["string", "null"], "description": "The field it concerns, when one does"},
        "errors": {
            "type": "array",
            "description": "Every field refused, for a validation failure",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
REFUSALS = {
    "400": "Invalid input: a field-level error for every field refused",
    "401": "No valid Cognito id token in Authorization",
    "403": "Your role may not do this",
    "404": "What the path names does not exist",
    "409": "Changed by someone else (version), or not possible in the current state",
    "413": "The body is larger than the API accepts",
    "415": "The body is not JSON",
    "422": "The Idempotency-Key was used before with another body",
    "429": "Too many requests (the stage's throttle)",
    "500": "Unexpected: nothing was half-written",
    "503": "The table is busy (throttled): nothing was written, try again",
}

WAF_REFUSAL = "Too many requests from your address (the WAF's rate rule per IP): code WAF_FILTERED"


# pydantic writes a `datetime.time` as "08:00:00" and describes it as format "time", which JSON
# Schema takes to be RFC 3339's full-time, offset required ("08:00:00Z"): every answer would break
# its own schema (Schemathesis ST108). The document states what the API sends instead.
LOCAL_TIME = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"}


def _local_times(node: Any) -> None:
    """Every `format: time` string schema (a naive time) as the pattern of what pydantic writes."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node.update(LOCAL_TIME)
        for child in node.values():
            _local_times(child)
    elif isinstance(node, list):
        for child in node:
            _local_times(child)


def truthful(doc: dict[str, Any], api: str) -> dict[str, Any]:
    """What the API really answers, beyond powertools' defaults: 400 (not 422) with the API's error
    shape, and the other refusals an operation can meet; the staff API's security scheme."""
    doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    _local_times(doc)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for method, operation in ((m, o) for item in doc["paths"].values() for m, o in item.items()):
        responses = operation["responses"]
        responses.pop("422", None)  # powertools' validation status; the API answers 400
        codes = ["400", "429", "500"]
        if api == "staff":
            codes += ["401", "403"]
        else:
            # the WAF web ACL's rate rule per IP (template.yaml PublicWebAcl): API Gateway's WAF_FILTERED
            responses.setdefault("403", {"description": WAF_REFUSAL, **error})
        parameters = operation.get("parameters", [])
        # 404 for an id the path names, a site (or other id) the query names, or a staff body naming a site
        names_an_id = any(p.get("in") == "path" or p.get("name", "").endswith("_id") for p in parameters)
        if names_an_id or (api == "staff" and "requestBody" in operation):
            codes.append("404")
        if "requestBody" in operation:
            codes += ["413", "415"]
        if method in ("post", "put", "patch", "delete"):
            # every write, with a body or not (e.g. starting the month's key audit outside its window)
            codes += ["409", "503"]
        if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
            codes.append("422")
        for code in codes:
            responses.setdefault(code, {"description": REFUSALS[code], **error})
    if api == "staff":
        doc["components"]["securitySchemes"] = {
            "cognito": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "A Cognito id token"}
        }
        doc["security"] = [{"cognito": []}]
    return doc


def main(argv: list[str]) -> int:
    drifted = []
    for name, text in documents().items():
        path = OUT / f"{name}.json"
        if "--check" in argv:
            if not path.exists() or path.read_text("utf-8") != text:
                drifted.append(path.name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
    if drifted:
        print(f"OpenAPI drift: {', '.join(drifted)} in {OUT} differ from the code; run `make openapi` and commit.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
