"""Cold import and first in-process request of each API function, as a ratio to an empty powertools handler.

Each sample is a fresh interpreter (a Lambda cold start) talking to one moto server on 127.0.0.1.
    .venv/bin/python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib.util, json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])  # the function's folder, like Lambda's /var/task
spec = importlib.util.spec_from_file_location("handler_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; spec.loader.exec_module(module)
t1 = time.perf_counter()
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 30000
event = json.loads(sys.argv[2])
response = module.lambda_handler(event, Context())
t2 = time.perf_counter()
assert response["statusCode"] < 300, response
print(json.dumps({"import": t1 - t0, "first": t2 - t1}))
"""


def _event(method: str, path: str, body: Mapping[str, object] | None, claims: dict[str, str] | None) -> str:
    context: dict[str, object] = {"requestId": "bench", "stage": "prod", "resourcePath": path, "httpMethod": method}
    if claims:
        context["authorizer"] = {"claims": claims}
    return json.dumps(
        {
            "httpMethod": method,
            "path": path,
            "resource": path,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {},
            "queryStringParameters": {"site_id": "demo"} if method == "GET" and "staff" in path else None,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "requestContext": context,
            "body": json.dumps(body) if body is not None else None,
            "isBase64Encoded": False,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer

    from frontdesk.adapters.dynamodb import SiteStore
    from frontdesk.models.site import Building, BuildingClass, Site
    from local_stack.provision import provision
    from local_stack.template import load_template

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "frontdesk-bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith(("AWS_", "POWERTOOLS_"))})
    stack = provision(boto3.Session(region_name="us-east-1"), load_template())
    env.update(stack.env)
    site = Site(
        site_id="demo",
        code="QL",
        name="演示园区",
        buildings=(Building(building_id="library", name="图书馆", building_class=BuildingClass.A, units=("101",)),),
    )
    SiteStore(boto3.resource("dynamodb").Table(stack.env["TABLE_NAME"])).put(site)
    ticket = {
        "site_id": "demo",
        "building_id": "library",
        "unit": "101",
        "kind": "repair",
        "category": "plumbing",
        "description": "水龙头漏水",
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    cases = {
        "empty powertools handler": (ROOT / "bench" / "empty_handler.py", _event("POST", "/public/tickets", {}, None)),
        "public_api POST /public/tickets": (
            ROOT / "functions" / "public_api" / "app.py",
            _event("POST", "/public/tickets", ticket, None),
        ),
        "staff_api GET /staff/tickets": (
            ROOT / "functions" / "staff_api" / "app.py",
            _event("GET", "/staff/tickets", None, {"cognito:username": "op", "cognito:groups": "operator"}),
        ),
    }
    results: dict[str, dict[str, float]] = {}
    for name, (path, event) in cases.items():
        samples = [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", PROBE, str(path), event], env=env, check=True, capture_output=True, text=True
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            for _ in range(args.runs)
        ]
        results[name] = {
            "import": statistics.median(s["import"] for s in samples),
            "first": statistics.median(s["first"] for s in samples),
            "total": statistics.median(s["import"] + s["first"] for s in samples),
        }
    server.stop()
    base = results["empty powertools handler"]
    print(f"{'function':36} {'import ms':>10} {'first ms':>9} {'total ms':>9} {'ratio':>6}  (median of {args.runs})")
    for name, r in results.items():
        print(
            f"{name:36} {r['import'] * 1000:10.0f} {r['first'] * 1000:9.0f} {r['total'] * 1000:9.0f} "
            f"{r['total'] / base['total']:6.2f}"
        )


if __name__ == "__main__":
    main()
