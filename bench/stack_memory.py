"""Where the local stack's memory goes at a large table, in numbers.

Runs the local stack in this process (time scale 1, the demo site, free ports), opens a few tickets
through the HTTP API, fills the table to `--tickets` tickets' worth of items the way
`bench/intake.py` does (its `fill`, copies invisible to the stream router), waits until the stream
poller has read them, and then measures, each object counted once, in this order: moto's items of
the table, the table's stream records, moto_queries' index map, the rest of moto's DynamoDB
backend, the other moto backends, the outbox. RSS from /proc before and after the fill.

    .venv/bin/python bench/stack_memory.py [--tickets 5000]
    cd <this checkout> && <other checkout>/.venv/bin/python bench/stack_memory.py   # that checkout's stack
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]  # local_stack: the checkout of the venv that runs this

import intake  # noqa: E402  (the bench's fill and Stack-shaped helpers)

from local_stack.runner import Config, LocalStack  # noqa: E402


def deep_size(roots: Iterable[Any], seen: set[int]) -> int:
    """Bytes of everything reachable from `roots` and not yet in `seen` (modules, classes and
    functions are not followed: they are code, shared by all)."""
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType | types.FunctionType | types.MethodType):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def rss_mb() -> float:
    return intake.proc_status(__import__("os").getpid())["rss_mb"]


class InProcess:
    """Quacks like intake.Stack for its helpers, with the stack in this process."""

    def __init__(self) -> None:
        port, moto_port = intake.free_port(), intake.free_port()
        self.local = LocalStack(Config(port=port, moto_port=moto_port, time_scale=1, demo=True))
        self.local.start()
        self.base = self.local.base_url
        self.moto_port = moto_port
        self.dynamodb = self.local.client("dynamodb")
        self.table = next(n for n in self.dynamodb.list_tables()["TableNames"] if "Idempotency" not in n)
        stats = self.local.stats
        self.stats = stats


def settle(stack: InProcess, limit_seconds: float = 1800) -> None:
    deadline = time.monotonic() + limit_seconds
    last = -1
    while time.monotonic() < deadline:
        streams = stack.local.stats()["streams"].values()
        received = sum(int(s["received"]) for s in streams)
        if received == last and all(int(s["in_flight"]) == 0 for s in streams):
            return
        last = received
        time.sleep(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=5000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    stack = InProcess()
    try:
        for _ in range(4):
            assert intake.post_ticket(stack.base) == "201"
        time.sleep(2)
        groups = intake.ticket_groups(stack)  # type: ignore[arg-type]
        before = rss_mb()
        started = time.monotonic()
        intake.fill(stack, groups, args.tickets - len(groups), 0)  # type: ignore[arg-type]
        filled = time.monotonic() - started
        settle(stack)
        settled = time.monotonic() - started
        gc.collect()
        measure(stack, args.tickets, before, filled, settled)
    finally:
        stack.local.stop()
    return 0


def measure(stack: InProcess, tickets: int, before: float, filled: float, settled: float) -> None:
    from moto.core.base_backend import BackendDict

    from local_stack import moto_fixes

    lock = moto_fixes.lock() if hasattr(moto_fixes, "lock") else moto_fixes._lock  # an earlier tree, to compare
    with lock:
        backend = next(
            b
            for service in BackendDict._instances  # type: ignore[misc]
            for regions in service.values()
            for b in regions.values()
            if type(b).__name__ == "DynamoDBBackend" and stack.table in b.tables
        )
        table = backend.tables[stack.table]
        items = sum(len(bucket) if table.range_key_attr else 1 for bucket in table.items.values())
        records = len(table.stream_shard.items) if table.stream_shard else 0
        trimmed = sum(stack.local.stats().get("trimmed", {}).values())
        seen: set[int] = set()
        rows = [
            ("moto items of the table", deep_size([table.items], seen)),
            ("stream records", deep_size([table.stream_shard.items] if table.stream_shard else [], seen)),
            ("moto_queries index map", deep_size([table.__dict__.get("_frontdesk_keys_by_value")], seen)),
            ("rest of DynamoDB backend", deep_size([backend], seen)),
            (
                "other moto backends",
                deep_size(
                    [b for service in BackendDict._instances for r in service.values() for b in r.values()],  # type: ignore[misc]
                    seen,
                ),
            ),
            ("outbox", deep_size([stack.local.outbox], seen)),
        ]
    print(
        f"{tickets} tickets: {items} items, {records} stream records ({trimmed} dropped); "
        f"fill {filled:.0f} s, settled {settled:.0f} s"
    )
    print(f"RSS before fill {before:.0f} MB, after {rss_mb():.0f} MB")
    for name, size in rows:
        print(f"  {name:<28} {size / 2**20:8.1f} MB")
    counts: dict[str, int] = {}
    for obj in gc.get_objects():
        counts[type(obj).__name__] = counts.get(type(obj).__name__, 0) + 1
    alive = ("Item", "StreamRecord", "ShardIterator")
    print("  moto objects alive:", ", ".join(f"{name} {counts.get(name, 0)}" for name in alive))
    if records:
        print(f"  per stream record {rows[1][1] / records / 1024:.1f} KB, per item {rows[0][1] / items / 1024:.1f} KB")


if __name__ == "__main__":
    sys.exit(main())
