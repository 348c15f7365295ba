"""Cold start of every function from the built layer, as a ratio to an empty powertools handler.

The layer and the function folders are built as `make build` builds them (infra/build.py: the
pinned runtime dependencies, the frontdesk package, byte-code compiled by the runtime's Python),
but for this machine's architecture so that they can be imported here. Each sample is a fresh
interpreter of the runtime's version (python3.13; --python to choose another) started with -B and
nothing on its path but the built layer and the function's folder, as on Lambda, whose /opt and
/var/task are read-only: the .pyc it finds are the ones the build shipped, never ones it wrote on
an earlier run. A sample times the import of the handler module and its first invocation against
one moto server on 127.0.0.1. The baseline is bench/empty_handler.py, built and measured the same
way. With --sources the same runs once more on a copy without any .pyc (the build before ADR 0010).

    .venv/bin/python bench/cold_start.py [--runs 7] [--sources] [--build-dir /tmp/frontdesk-cold-build]
        [--before /tmp/an-earlier-build]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib.util, json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
spec = importlib.util.spec_from_file_location("handler_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec); sys.modules[spec.name] = module; spec.loader.exec_module(module)
t1 = time.perf_counter()
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 30000
error = None
try:
    response = module.lambda_handler(json.loads(sys.argv[2]), Context())
    if isinstance(response, dict) and response.get("statusCode", 200) >= 300:
        error = f"status {response['statusCode']}"
except Exception as raised:  # the time still counts; the table says it failed
    error = type(raised).__name__
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "cpu": c2 - c0, "error": error,
                  "xray": "aws_xray_sdk.core" in sys.modules, "modules": len(sys.modules)}))
"""


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("frontdesk_build", ROOT / "infra" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_here(build_dir: Path, python_version: str, machine: str) -> bool:
    """The layer and function folders as infra/build.py makes them, for `machine`; True if compiled."""
    builder = _load_build()
    if build_dir.exists():
        shutil.rmtree(build_dir)
    builder.build_layer(build_dir / "layer", builder.runtime_requirements(), python_version, machine)
    for folder in sorted((ROOT / "functions").iterdir()):
        if (folder / "app.py").is_file():
            shutil.copytree(folder, build_dir / "functions" / folder.name, ignore=builder.IGNORED)
    (build_dir / "functions" / "empty").mkdir()
    shutil.copy2(ROOT / "bench" / "empty_handler.py", build_dir / "functions" / "empty" / "app.py")
    compiled: bool = builder.compile_bytecode([build_dir / "layer", build_dir / "functions"], python_version)
    return compiled


def without_bytecode(build_dir: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(build_dir, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _api_event(method: str, path: str, body: Mapping[str, object] | None, claims: dict[str, str] | None) -> str:
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


TICKET = {
    "site_id": "demo",
    "building_id": "library",
    "unit": "101",
    "kind": "repair",
    "category": "plumbing",
    "description": "水龙头漏水",
    "contact_name": "张三",
    "contact_phone": "13800138000",
}
OPERATOR = {"cognito:username": "op", "cognito:groups": "operator"}
SCHEDULED = json.dumps({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})


def cases() -> dict[str, tuple[str, str]]:
    """What each sample runs: (function folder, first event)."""
    return {
        "empty powertools handler": ("empty", _api_event("POST", "/public/tickets", {}, None)),
        "public_api POST /public/tickets": ("public_api", _api_event("POST", "/public/tickets", TICKET, None)),
        "public_api GET /public/sites": ("public_api", _api_event("GET", "/public/sites", None, None)),
        "staff_api GET /staff/tickets": ("staff_api", _api_event("GET", "/staff/tickets", None, OPERATOR)),
        "stream_router (a dispatch record)": (
            "stream_router",
            (ROOT / "events" / "stream_ticket_dispatched.json").read_text(encoding="utf-8"),
        ),
        "photo_ingest (an upload)": (
            "photo_ingest",
            (ROOT / "events" / "photo_ingest_object_created.json").read_text(encoding="utf-8"),
        ),
        "end_of_day (scheduled)": ("end_of_day", SCHEDULED),
        "reconciler (scheduled)": ("reconciler", SCHEDULED),
    }


def measure(python: str, builds: list[Path], env: dict[str, str], runs: int) -> list[dict[str, dict[str, Any]]]:
    """`runs` rounds, each running every case of every build once: a machine whose load changes
    during the run weighs on every case and build alike, so the ratios stay comparable."""
    samples: list[dict[str, list[dict[str, Any]]]] = [{name: [] for name in cases()} for _ in builds]
    for _ in range(runs):
        for build_dir, taken in zip(builds, samples, strict=True):
            for name, (folder, event) in cases().items():
                code = build_dir / "functions" / folder
                layer = build_dir / "layer" / "python"
                run_env = {**env, "PYTHONPATH": f"{code}:{layer}", "PYTHONDONTWRITEBYTECODE": "1"}
                done = subprocess.run(
                    [python, "-B", "-c", PROBE, str(code / "app.py"), event],
                    env=run_env,
                    cwd=code,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                taken[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return [
        {
            name: {
                "import": statistics.median(s["import"] for s in got),
                "first": statistics.median(s["first"] for s in got),
                "total": statistics.median(s["import"] + s["first"] for s in got),
                "cpu": statistics.median(s["cpu"] for s in got),
                "error": next((s["error"] for s in got if s["error"]), None),
                "xray": any(s["xray"] for s in got),
                "modules": got[-1]["modules"],
            }
            for name, got in taken.items()
        }
        for taken in samples
    ]


def report(title: str, results: dict[str, dict[str, Any]], runs: int) -> None:
    base = results["empty powertools handler"]["total"]
    print(f"\n{title} (median of {runs})")
    print(f"{'function':36} {'import ms':>9} {'first ms':>9} {'total ms':>9} {'ratio':>6} {'modules':>7}  notes")
    for name, r in results.items():
        notes = ", ".join(filter(None, [r["error"] and f"first call: {r['error']}", r["xray"] and "X-Ray loaded"]))
        print(
            f"{name:36} {r['import'] * 1000:9.0f} {r['first'] * 1000:9.0f} {r['total'] * 1000:9.0f} "
            f"{r['total'] / base:6.2f} {r['modules']:7d}  {notes}"
        )


def before_after(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> None:
    """Each function's total and ratio to the empty handler, the earlier build against this one.

    Wall time (what a caller waits) and the sample's own CPU time (import + first call, which a
    shared machine's load disturbs far less: the figure to compare two builds by)."""
    for key, label in (("total", "wall"), ("cpu", "CPU")):
        base_before, base_after = before["empty powertools handler"][key], after["empty powertools handler"][key]
        heading = f"{label}, function"
        print(f"\n{heading:36} {'before ms':>9} {'ratio':>6} {'after ms':>9} {'ratio':>6} {'after/before':>12}")
        for name in after:
            b, a = before[name][key], after[name][key]
            print(
                f"{name:36} {b * 1000:9.0f} {b / base_before:6.2f} {a * 1000:9.0f} {a / base_after:6.2f} {a / b:12.2f}"
            )


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def botocore_share(build_dir: Path) -> None:
    site = build_dir / "layer" / "python"
    total = _size_mb(site)
    aws = sum(
        _size_mb(site / name) for name in ("botocore", "boto3", "s3transfer", "jmespath") if (site / name).exists()
    )
    print(
        f"\nlayer {total:.1f} MB on disk, of which boto3/botocore/s3transfer/jmespath {aws:.1f} MB ({aws / total:.0%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=None, help="the runtime's interpreter (default: as infra/build.py finds)")
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/frontdesk-cold-build"))
    parser.add_argument("--reuse", action="store_true", help="measure an earlier --build-dir as it is")
    parser.add_argument("--sources", action="store_true", help="also measure a copy without .pyc")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="an earlier build (e.g. of the previous commit) measured in the same rounds, for a before/after",
    )
    args = parser.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer

    from frontdesk.adapters.dynamodb import SiteStore
    from frontdesk.models.site import Building, BuildingClass, Site
    from local_stack.provision import provision
    from local_stack.template import load_template

    builder = _load_build()
    template = load_template()
    python_version, _ = builder.target_platform(template)
    python = args.python or builder.find_compiler(python_version)
    if python is None:
        raise SystemExit(f"no python{python_version} here: install it (make build does) or pass --python")
    machine = os.uname().machine
    if not args.reuse:
        compiled = build_here(args.build_dir, python_version, machine)
        print(f"built for {machine} in {args.build_dir} ({'with' if compiled else 'WITHOUT'} .pyc)", flush=True)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "frontdesk-bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "LAMBDA_TASK_ROOT": "/var/task",  # as in Lambda; tracing stays off by the variable above
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith(("AWS_", "POWERTOOLS_"))})
    stack = provision(boto3.Session(region_name="us-east-1"), template)
    env.update(stack.env)
    site = Site(
        site_id="demo",
        code="QL",
        name="演示园区",
        buildings=(Building(building_id="library", name="图书馆", building_class=BuildingClass.A, units=("101",)),),
    )
    SiteStore(boto3.resource("dynamodb").Table(stack.env["TABLE_NAME"])).put(site)
    try:
        builds = [args.build_dir]
        if args.sources:
            builds.append(without_bytecode(args.build_dir, args.build_dir.with_name(args.build_dir.name + "-sources")))
        if args.before:
            builds.append(args.before)
        measured = measure(python, builds, env, args.runs)
        report(f"built layer, .pyc as shipped, {python}", measured[0], args.runs)
        if args.before:
            report(f"the earlier build {args.before}, .pyc as shipped, in the same rounds", measured[-1], args.runs)
            before_after(measured[-1], measured[0])
        if args.sources:
            report("the same without any .pyc (compiled at every cold start)", measured[1], args.runs)
            shipped, plain = measured[0], measured[1]
            print("\n.pyc as shipped / without .pyc, total:")
            for name in shipped:
                print(f"  {name:36} {shipped[name]['total'] / plain[name]['total']:.2f}")
        botocore_share(args.build_dir)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
