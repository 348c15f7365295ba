"""Escalation lag: from a ticket's arrival deadline to the first rung's e-mail, over N tickets.

Everything runs in this process on moto (Step Functions executing for real, real-time waits), with
the stream router fed from the table's stream at the rate Lambda polls a DynamoDB stream shard
(4 times a second by default). The tickets are dispatched first, with deadlines spread over
`--spread` seconds after every timer has started (moto parses the definition on each start, which
is slow); no ticket arrives, and each one's first rung is measured:
    wake    deadline → the timer's escalation on the ticket ($$.State.EnteredTime of the update)
    route   escalation → the stream router hands the mail to SES
    total   deadline → mail
A negative `wake` would be an escalation before its deadline; the table reports the minimum.

    .venv/bin/python bench/escalation_lag.py [--tickets 50] [--spread 10] [--poll 0.25]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402
from tests.integration.sla_support import Harness, sla_harness  # noqa: E402

from frontdesk.adapters.ses import SesMailer  # noqa: E402
from frontdesk.clock import parse_iso  # noqa: E402
from frontdesk.models.escalation import DEFAULT_LADDER  # noqa: E402
from local_stack.template import load_template  # noqa: E402


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(tickets: int, spread: float, poll: float) -> dict[str, list[float]]:
    mailed: dict[str, float] = {}
    original = SesMailer.send

    def timed_send(self: SesMailer, to: Sequence[str], subject: str, body: str) -> None:
        original(self, to, subject, body)
        if "Escalation level 1" in subject:
            mailed[subject.split("] ", 2)[-1].split(":")[0]] = time.time()

    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in [n for n in os.environ if n == "AWS_PROFILE" or n.startswith("AWS_ENDPOINT_URL")]:
            patch.delenv(name)
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        patch.setattr(SesMailer, "send", timed_send)
        with sla_harness(boto3.Session(region_name="us-east-1"), load_template(), patch) as sla:
            sla.use_site(ladder=DEFAULT_LADDER)  # the second rung 10 min later: only first rungs in the run
            stop = threading.Event()
            poller = threading.Thread(target=_poll, args=(sla, poll, stop), daemon=True)
            poller.start()
            # time to dispatch every ticket and for the router to start every timer before the first deadline
            began = time.monotonic()
            first = time.time() + 5 + 0.5 * tickets
            opened = [
                sla.dispatch(sla.open(email=""), arrival_in=first + spread * i / tickets - time.time())
                for i in range(tickets)
            ]
            while len(sla.executions("RUNNING")) < tickets:
                time.sleep(0.1)
            startup = time.monotonic() - began
            first_due = min(parse_iso(t.arrival_due or "").timestamp() for t in opened)
            if time.time() >= first_due:
                raise SystemExit(f"starting {tickets} timers took {startup:.1f} s: past the first deadline")
            deadline = time.monotonic() + 60
            while len(mailed) < tickets and time.monotonic() < deadline:
                time.sleep(0.2)
            stop.set()
            poller.join()
            wake, route, total = [], [], []
            for ticket in opened:
                current = sla.ticket(ticket)
                due = parse_iso(current.arrival_due or "").timestamp()
                (event,) = [e for e in sla.tickets.timeline(ticket.ticket_id) if e.action == "escalate"]
                escalated = parse_iso(event.at).timestamp()
                wake.append(escalated - due)
                route.append(mailed[current.number] - escalated)
                total.append(mailed[current.number] - due)
            retries = sum(sla.states_entered(e["name"]).count("ArrivalRetry") for e in sla.executions())
    return {"wake": wake, "route": route, "total": total, "retries": [float(retries)], "startup": [startup]}


def _poll(sla: Harness, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        sla.stream.pump()
        stop.wait(interval)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which the deadlines fall")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between stream polls (Lambda: 0.25)")
    parser.add_argument(
        "--raw-moto",
        action="store_true",
        help="moto's own Wait state (wakes up to 1 s early) instead of the local stack's (time scale 1)",
    )
    args = parser.parse_args()
    if not args.raw_moto:
        from local_stack import timescale

        timescale.install(1.0)  # what `make run` does at --time-scale 1: moto's Wait woken on time
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # moto logs IsPresent on a missing path as an error
    started = datetime.now(UTC)
    result = run(args.tickets, args.spread, args.poll)
    print(
        f"escalation lag: {args.tickets} tickets, deadlines over {args.spread:g} s, stream polled every "
        f"{args.poll:g} s; moto in-process ({'raw' if args.raw_moto else 'local stack'} Wait), {started:%Y-%m-%d}; "
        f"{result['startup'][0]:.1f} s to dispatch and start the timers"
    )
    print(f"{'':8}{'min':>8}{'p50':>8}{'p99':>8}{'max':>8}  (seconds)")
    for name in ("wake", "route", "total"):
        values = result[name]
        row = [min(values), statistics.median(values), percentile(values, 99), max(values)]
        print(f"{name:8}" + "".join(f"{v:8.3f}" for v in row))
    print(f"conditional escalations refused as early and retried 1 s later: {int(result['retries'][0])}")
    if min(result["wake"]) < 0:
        raise SystemExit("an escalation came before its deadline")


if __name__ == "__main__":
    main()
