"""Escalations under a burst, through the real HTTP API and the outbox: from a clock's due time to
its first mail.

`python -m local_stack` (time scale 1, the demo site) runs in a child process on 127.0.0.1. The
bench opens N repairs by phone in the library (class A: 5 minutes to arrive), dispatches each, and
has the engineer agree a later arrival time with the client (the console's reschedule; a new time
must be later than the current one), so that the due times are

    same     all in one second (one power cut, many tickets), or
    spread   evenly over one minute,

after the last dispatch's own due time: every ticket is opened and dispatched first, then every one
is agreed. A ticket the stack refused to set up, or agreed less than 5 s before its first due time
(its first rung might mail before the agreement), is left out and reported.

Nobody arrives. Each ticket's first arrival rung mails the engineer-and-duty-manager list (one
digest per site and list for the rungs of one stream batch: docs/decisions/0026); the outbox
stamps a message when moto accepted it (`sent_at`: local_stack.outbox, docs/decisions/0031), and a
ticket's lag is the stamp of the first mail naming its number minus its due time: p50, p99, max, and the count of
mails before their due time (must be 0). The stack's RSS and thread count are read from /proc
before, at their peak while the mails come, and after (the clocks still running, waiting for
their second rung).

    .venv/bin/python bench/clocks.py [--tickets 200] [--mode same|spread|both] [--moto-over-http]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]
from cost import Driver  # noqa: E402
from intake import Stack, add_transport_option, percentile, proc_status  # noqa: E402

CLIENTS = 4
PHONE_INTAKE = {
    "site_id": "demo",
    "building_id": "library",
    "unit": "1F-101",
    "kind": "repair",
    "category": "plumbing",
    "channel": "phone",
    "description": "整栋停电后水泵不工作。",
    "contact_name": "赵老师",
    "contact_phone": "13900000000",
}


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def opened(driver: Driver) -> dict[str, Any]:
    created = driver.call("POST", "/staff/tickets", PHONE_INTAKE, token=driver.token("operator"))
    engineer = driver.logins["engineer"]["username"]
    reply = driver.act(created["ticket_id"], "dispatch", {"version": 1, "assignee": engineer}, "operator")
    due = datetime.fromisoformat(reply["ticket"]["arrival_due"].replace("Z", "+00:00"))
    return {"ticket_id": created["ticket_id"], "number": created["number"], "due": due}


def agree(driver: Driver, ticket: dict[str, Any], due: datetime) -> None:
    body = {"version": 2, "new_arrival": _iso(due), "agreed_with": "赵老师", "contact_method": "phone"}
    driver.act(ticket["ticket_id"], "reschedule", body, "engineer")  # the assigned engineer agrees it
    ticket["due"] = due


def first_mails(driver: Driver, numbers: set[str]) -> dict[str, datetime]:
    mails = driver.call("GET", "/local/outbox.json")
    seen: dict[str, datetime] = {}
    for message in mails:
        if message["channel"] != "email":
            continue
        text = f"{message.get('subject') or ''} {message.get('body') or ''}"
        for number in numbers & {word.strip("（）()：:,，") for word in text.split()}:
            at = datetime.fromisoformat(message["sent_at"].replace("Z", "+00:00"))
            seen[number] = min(at, seen.get(number, at))
    return seen


# The planned due times come this long after the last dispatch's own due time (a new arrival time
# must be later than the current one).
AFTER_LAST_DUE = timedelta(seconds=10)
# How often the bench reads the outbox while the mails come: the lag is from each mail's `sent_at`,
# so a look changes nothing measured but costs the stack (the whole outbox as JSON) while it works.
LOOK_SECONDS = 5
# An agreement that lands this close to the ticket's first due time may lose the race with its rung.
AGREE_MARGIN = timedelta(seconds=5)


def _refused(step: Callable[[], dict[str, Any] | None]) -> dict[str, Any] | None:
    """The step's result, or None when the stack refused it (counted: a ticket not set up is not
    measured)."""
    try:
        return step()
    except SystemExit as refused:
        print(f"  set-up refused: {refused}", file=sys.stderr, flush=True)
        return None


def _planned(first_due: datetime, mode: str, index: int, tickets: int) -> datetime:
    offset = 0.0 if mode == "same" else 60.0 * index / max(1, tickets - 1)
    return first_due + timedelta(seconds=int(offset))


def _agreed(driver: Driver, ticket: dict[str, Any], planned: datetime) -> dict[str, Any] | None:
    """The ticket agreed for `planned`; None when the agreement came too close to (or after) its
    first due time, whose rung would then mail early by the bench's doing, not the stack's."""
    first_due = ticket["due"]
    agree(driver, ticket, planned)
    if datetime.now(UTC) > first_due - AGREE_MARGIN:
        print(f"  {ticket['number']}: agreed too late for its first due time, left out", file=sys.stderr, flush=True)
        return None
    return ticket


def run(mode: str, tickets: int, log: Path, over_http: bool = False) -> dict[str, Any]:
    stack = Stack(log, over_http=over_http)
    try:
        driver = Driver(stack)
        driver.token("operator"), driver.token("engineer")
        before = proc_status(stack.process.pid)
        # Two phases, each as fast as the stack allows: every ticket opened and dispatched (due 5
        # minutes later), then every one agreed for a time after the last of those due times.
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            dispatched = [t for t in pool.map(lambda _: _refused(lambda: opened(driver)), range(tickets)) if t]
        first_due = (max(t["due"] for t in dispatched) + AFTER_LAST_DUE).replace(microsecond=0)
        print(
            f"  {mode}: {len(dispatched)} dispatched in {time.monotonic() - started:.0f} s; "
            f"due from {first_due:%H:%M:%S}",
            flush=True,
        )

        def agreed(index: int, ticket: dict[str, Any]) -> dict[str, Any] | None:
            return _refused(lambda: _agreed(driver, ticket, _planned(first_due, mode, index, tickets)))

        with ThreadPoolExecutor(CLIENTS) as pool:
            made = list(pool.map(agreed, range(len(dispatched)), dispatched))
        measured = [t for t in made if t is not None]
        set_up_seconds = time.monotonic() - started
        last_due = max(t["due"] for t in measured)
        numbers = {t["number"] for t in measured}
        deadline = time.monotonic() + (last_due - datetime.now(UTC)).total_seconds() + 180
        seen: dict[str, datetime] = {}
        peak = proc_status(stack.process.pid)
        while time.monotonic() < deadline and len(seen) < len(numbers):
            time.sleep(LOOK_SECONDS)
            seen = first_mails(driver, numbers)
            now = proc_status(stack.process.pid)
            peak = {key: max(peak[key], now[key]) for key in peak}
        after = proc_status(stack.process.pid)
        lags = [(seen[t["number"]] - t["due"]).total_seconds() for t in measured if t["number"] in seen]
        mails = sum(1 for m in driver.call("GET", "/local/outbox.json") if m["channel"] == "email")
        return {
            "mode": mode,
            "tickets": tickets,
            "set_up": len(measured),
            "set_up_seconds": set_up_seconds,
            "mailed": len(lags),
            "mails": mails,
            "early": sum(1 for lag in lags if lag < 0),
            "p50": percentile(lags, 50) if lags else float("nan"),
            "p99": percentile(lags, 99) if lags else float("nan"),
            "max": max(lags) if lags else float("nan"),
            "rss_mb": (before["rss_mb"], after["rss_mb"], peak["rss_mb"]),
            "threads": (before["threads"], after["threads"], peak["threads"]),
        }
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=200, help="clocks per run (bounded: at most 1,000)")
    parser.add_argument("--mode", choices=("same", "spread", "both"), default="both")
    add_transport_option(parser)
    args = parser.parse_args(argv)
    logs = ROOT / "build"
    logs.mkdir(exist_ok=True)
    modes = ("same", "spread") if args.mode == "both" else (args.mode,)
    for mode in modes:
        r = run(
            mode,
            min(args.tickets, 1000),
            logs / f"bench-clocks-{mode}-{args.tickets}{'-http' if args.moto_over_http else ''}.log",
            args.moto_over_http,
        )
        print(
            f"{r['mode']:>6}: {r['mailed']}/{r['set_up']} mailed ({r['tickets']} asked, set up in "
            f"{r['set_up_seconds']:.0f} s), early {r['early']}, "
            f"lag p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s, max {r['max']:.2f} s; {r['mails']} mails in the outbox; "
            f"stack RSS {r['rss_mb'][0]:.0f} → {r['rss_mb'][1]:.0f} MB (peak {r['rss_mb'][2]:.0f}), "
            f"threads {r['threads'][0]:.0f} → {r['threads'][1]:.0f} (peak {r['threads'][2]:.0f})",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
