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
        schema = module.app.get_openapi_json_schema(title=title, version="1.0.0")
        docs[name] = json.dumps(json.loads(schema), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return docs


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
