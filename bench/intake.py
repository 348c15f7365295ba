"""Intake through the real HTTP API of the local stack, at a small and at a large table.

The stack runs as `python -m local_stack` (time scale 1, the demo site) in a child process on free
ports of 127.0.0.1. For 1, 4 and 16 clients, each client POSTs web-form tickets to /public/tickets
one after another (a bounded number each): tickets/s, p50/p99 latency and the answers other than
201. In the same run and at the same table size, the same clients PutItem a ticket-sized item to
the same moto server: the raw floor, and intake as a ratio of it. Then the table is filled to the
large size and everything is measured again. The fill copies the items of the tickets opened so
far (a ticket with its timeline) under new keys, with `type` renamed so the stream router starts
no clock for them: the table holds that many tickets' worth of items, written by batch_write_item
from a few threads.
Before measuring, the bench waits until the stream poller has read (and filtered) the fill.
The stack's RSS, peak RSS and threads are read from /proc after each size. After each level of
intake the bench waits for the stream poller to settle before the PutItem floor, so the floor does
not share the CPU with the stream router's work for those tickets; the stack's CPU time from the
start of the level to then, per ticket opened, is the figure a loaded machine disturbs least (the
one process's CPU seconds per ticket bound its throughput: one GIL).

    .venv/bin/python bench/intake.py [--small 100] [--large 20000] [--per-client 8] [--concurrency 4]
                                     [--units spread|one] [--moto-over-http]
    FRONTDESK_MOTO_SIZE_FIXES=0 .venv/bin/python bench/intake.py ...   # moto as released (transactions, queries)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = (1, 4, 16)
SETTLE_LEVEL_SECONDS = 120
TICKET = {
    "site_id": "demo",
    "building_id": "library",
    "unit": "1F-101",
    "kind": "repair",
    "category": "plumbing",
    "description": "卫生间水龙头一直滴水。",
    "contact_name": "王老师",
    "contact_phone": "13800138000",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def size_fixes() -> bool:
    return os.environ.get("FRONTDESK_MOTO_SIZE_FIXES", "1") != "0"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


@dataclass
class Level:
    clients: int
    ok: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    other: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


class Places:
    """Where the bench's tickets are reported: every unit of the demo site in turn (``spread``), as a
    site's reports come, or all in one unit (``one``). Intake counts the unit's repeats in the quarter
    (one Query of the unit's tickets), so with ``one`` each ticket costs more than the one before:
    that measures how many tickets the bench opened in one unit, not the table's size."""

    def __init__(self, base: str, mode: str) -> None:
        with urllib.request.urlopen(f"{base}/public/sites", timeout=60) as response:  # 127.0.0.1 only
            sites = json.load(response)
        units = [
            (b["building_id"], u) for s in sites if s["site_id"] == "demo" for b in s["buildings"] for u in b["units"]
        ]
        self._cycle = itertools.cycle(units if mode == "spread" else [(TICKET["building_id"], TICKET["unit"])])
        self._lock = threading.Lock()
        self.count = len(units) if mode == "spread" else 1

    def next(self) -> dict[str, str]:
        with self._lock:
            building_id, unit = next(self._cycle)
        return {**TICKET, "building_id": building_id, "unit": unit}


def post_ticket(base: str, ticket: dict[str, str] = TICKET) -> str:
    request = urllib.request.Request(
        f"{base}/public/tickets",
        data=json.dumps(ticket).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # 127.0.0.1 only
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except OSError as error:
        return type(error).__name__


def run_level(clients: int, per_client: int, make_call: Callable[[], Callable[[], str]]) -> Level:
    """`clients` threads, each making its own connection state first, then `per_client` calls in a row."""
    level = Level(clients)
    lock = threading.Lock()
    started = 0.0

    def start_clock() -> None:  # run by the barrier before it lets anyone go: no thread starts early
        nonlocal started
        started = time.perf_counter()

    ready = threading.Barrier(clients + 1, action=start_clock)

    def client() -> None:
        call = make_call()
        ready.wait()
        for _ in range(per_client):
            sent = time.perf_counter()
            outcome = call()
            elapsed = time.perf_counter() - sent
            with lock:
                if outcome in ("200", "201"):
                    level.ok += 1
                    level.latencies.append(elapsed)
                else:
                    level.other[outcome] = level.other.get(outcome, 0) + 1

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client) for _ in range(clients)]
        ready.wait()
        for future in futures:
            future.result()
        level.seconds = time.perf_counter() - started
    return level


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, every thread, user and system (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status(pid: int) -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "peak_mb": int(fields["VmHWM"].split()[0]) / 1024,
        "threads": int(fields["Threads"]),
    }


def add_transport_option(parser: argparse.ArgumentParser) -> None:
    """`--moto-over-http`: the stack's own AWS calls over moto's socket, for comparison (ADR 0030)."""
    parser.add_argument(
        "--moto-over-http",
        action="store_true",
        help="the stack's own calls to moto over its socket (as before ADR 0030)",
    )


class Stack:
    """`python -m local_stack` in a child process on free ports; stopped with SIGINT."""

    def __init__(self, log: Path, time_scale: float = 1, concurrency: int = 4, over_http: bool = False) -> None:
        self.port, self.moto_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = ["--port", str(self.port), "--moto-port", str(self.moto_port), "--time-scale", f"{time_scale:g}"]
        args += ["--concurrency", str(concurrency)] + (["--moto-over-http"] if over_http else [])
        self._log = log.open("wb")
        # nothing of this shell may point the stack at AWS or fix its ports
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FRONTDESK_", "MOTO_"))}
        env["FRONTDESK_MOTO_SIZE_FIXES"] = "1" if size_fixes() else "0"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local_stack", *args], cwd=ROOT, env=env, stdout=self._log, stderr=self._log
        )
        deadline = time.monotonic() + 300  # a loaded 2-core machine starts it slowly
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/local/config.json", timeout=5) as response:
                    self.config = json.load(response)
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the local stack did not start; see {log}") from None
                time.sleep(0.5)
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
        self.dynamodb = session.client(
            "dynamodb", endpoint_url=f"http://127.0.0.1:{self.moto_port}", region_name="us-east-1"
        )
        self.table = next(name for name in self.dynamodb.list_tables()["TableNames"] if "Idempotency" not in name)

    def stop(self) -> None:
        self.process.send_signal(2)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def settle(stack: Stack, limit_seconds: float = 600, every_seconds: float = 2) -> None:
    """Wait until the stream poller has read the fill's records and has nothing in flight, so the
    measurement does not pay for the fill (bounded; the records are filtered, never delivered)."""
    deadline = time.monotonic() + limit_seconds
    last = -1
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{stack.base}/local/stats.json", timeout=60) as response:
            streams = json.load(response)["streams"].values()
        received = sum(int(s["received"]) for s in streams)
        if received == last and all(int(s["in_flight"]) == 0 for s in streams):
            return
        last = received
        time.sleep(every_seconds)
    print("  (the stream poller had not caught up; measuring anyway)", flush=True)


def ticket_groups(stack: Stack) -> list[list[dict[str, Any]]]:
    """Every item of the tickets opened so far, by ticket (partition)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for page in stack.dynamodb.get_paginator("scan").paginate(TableName=stack.table):
        for item in page["Items"]:
            if item["PK"]["S"].startswith("TICKET#"):
                groups.setdefault(item["PK"]["S"], []).append(item)
    return list(groups.values())


FILL_WRITERS = 4  # batch writers at once: moto parses, stores and streams while the next batch is encoded


def fill(stack: Stack, groups: list[list[dict[str, Any]]], tickets: int, start: int) -> None:
    """`tickets` copies of the opened tickets' items under new keys, invisible to the stream router,
    written by `FILL_WRITERS` threads with a boto3 client each."""

    def write(first: int, last: int) -> None:
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
        client = session.client("dynamodb", endpoint_url=f"http://127.0.0.1:{stack.moto_port}", region_name="us-east-1")
        batch: list[Any] = []

        def flush() -> None:
            unprocessed = client.batch_write_item(RequestItems={stack.table: batch})["UnprocessedItems"]
            assert not unprocessed, "moto left items unwritten"
            batch.clear()

        for n in range(first, last):
            for item in groups[n % len(groups)]:
                copy = {k: v for k, v in item.items() if not k.startswith("GSI")}
                copy["PK"] = {"S": f"BENCHFILL#{n}"}
                if "type" in copy:
                    copy["bench_type"] = copy.pop("type")
                batch.append({"PutRequest": {"Item": copy}})
                if len(batch) == 25:
                    flush()
        if batch:
            flush()

    share = -(-tickets // FILL_WRITERS)
    with ThreadPoolExecutor(FILL_WRITERS) as pool:
        for future in [
            pool.submit(write, first, min(first + share, start + tickets))
            for first in range(start, start + tickets, share or 1)
        ]:
            future.result()


def raw_put(stack: Stack, item: dict[str, Any]) -> Callable[[], Callable[[], str]]:
    """Per client: a boto3 client of its own, then PutItem of `item` under a new key per call."""

    def make() -> Callable[[], str]:
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
        client = session.client("dynamodb", endpoint_url=f"http://127.0.0.1:{stack.moto_port}", region_name="us-east-1")

        def put() -> str:
            client.put_item(TableName=stack.table, Item={**item, "PK": {"S": f"BENCHPUT#{uuid.uuid4()}"}})
            return "200"

        return put

    return make


def measure(stack: Stack, size: int, per_client: int, places: Places) -> dict[str, Any]:
    groups = ticket_groups(stack)
    ticket_item = next(item for group in groups for item in group if item["SK"]["S"] == "TICKET")
    put_item = {k: v for k, v in ticket_item.items() if not k.startswith("GSI") and k != "type"}
    result: dict[str, Any] = {"tickets": size, "levels": []}
    for clients in CLIENTS:
        cpu_before = cpu_seconds(stack.process.pid)
        intake = run_level(clients, per_client, lambda: lambda: post_ticket(stack.base, places.next()))
        # the stream router's work for these tickets, done before the floor is measured (not beside it)
        settle(stack, SETTLE_LEVEL_SECONDS, every_seconds=1)
        cpu_ms = (cpu_seconds(stack.process.pid) - cpu_before) * 1000 / max(1, intake.ok)
        floor = run_level(clients, per_client, raw_put(stack, put_item))
        result["levels"].append((intake, floor))
        print(
            f"  {size:>6} tickets {clients:>2} clients: {intake.rate:6.1f} tickets/s "
            f"p50 {percentile(intake.latencies, 50) * 1000:6.0f} ms "
            f"p99 {percentile(intake.latencies, 99) * 1000:6.0f} ms "
            f"CPU {cpu_ms:4.0f} ms/ticket"
            f"  | PutItem {floor.rate:6.1f}/s  ratio {intake.rate / floor.rate:.3f}  other {intake.other or '-'}",
            flush=True,
        )
    result.update(proc_status(stack.process.pid))
    print(f"  RSS {result['rss_mb']:.0f} MB (peak {result['peak_mb']:.0f} MB), {result['threads']} threads", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=100, help="tickets in the table for the first measurement")
    parser.add_argument("--large", type=int, default=20000, help="tickets in the table for the second")
    parser.add_argument("--per-client", type=int, default=8, help="requests per client at each level")
    parser.add_argument("--concurrency", type=int, default=4, help="the stack's containers per function")
    parser.add_argument(
        "--units", choices=("spread", "one"), default="spread", help="the demo site's units in turn, or one unit"
    )
    add_transport_option(parser)
    args = parser.parse_args(argv)
    print(
        f"moto size fixes (local_stack.moto_fixes): {'on' if size_fixes() else 'OFF (moto 5.2.5 as released)'}",
        flush=True,
    )
    stack = Stack(
        Path("/tmp") / f"bench-intake-{os.getpid()}.log", concurrency=args.concurrency, over_http=args.moto_over_http
    )
    print(f"the stack's calls to moto: {'over its socket' if args.moto_over_http else 'in process'}", flush=True)
    try:
        for _ in range(4):  # warm the functions; these tickets seed the fill
            assert post_ticket(stack.base) == "201", "intake failed"
        time.sleep(2)  # the stream router writes the first tickets' clocks
        groups = ticket_groups(stack)
        opened = len(groups)
        fill(stack, groups, max(0, args.small - opened), 0)
        settle(stack)
        places = Places(stack.base, args.units)
        print(f"tickets reported in {places.count} unit(s) in turn", flush=True)
        small = measure(stack, args.small, args.per_client, places)
        opened = len(ticket_groups(stack))
        fill(stack, ticket_groups(stack)[:8], max(0, args.large - args.small - opened), args.small)
        settle(stack)
        large = measure(stack, args.large, args.per_client, places)
    finally:
        stack.stop()
    print("\nlarge/small throughput:", flush=True)
    for (small_intake, _), (large_intake, _) in zip(small["levels"], large["levels"], strict=True):
        ratio = large_intake.rate / small_intake.rate if small_intake.rate else 0.0
        print(f"  {small_intake.clients:>2} clients: {ratio:.2f}")
    busiest_small, floor_small = small["levels"][-1]
    busiest_large, _ = large["levels"][-1]
    print("\nissue 14's targets (16 clients):", flush=True)
    print(f"  intake at {args.small} tickets: {busiest_small.rate:.1f} tickets/s (target >= 30)")
    print(f"  intake / PutItem floor: {busiest_small.rate / floor_small.rate:.3f} (target >= 0.1)")
    ratio = busiest_large.rate / busiest_small.rate if busiest_small.rate else 0.0
    print(f"  {args.large} / {args.small} tickets: {ratio:.2f} (target >= 0.8)")
    print(f"  stack RSS at {args.large}: {large['rss_mb']:.0f} MB (target < 1024)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
