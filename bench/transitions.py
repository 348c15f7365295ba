"""State transitions per ticket, counted from the SLA timer's execution history (states entered).

Each scenario is one ticket driven through the domain on moto with Step Functions executing for
real, time compressed (deadlines seconds away, the test ladder: two arrival rungs 2 s apart, one
completion rung). Step Functions bills STANDARD workflows per state transition.

    happy path       dispatched, arrives on time, completed before the completion deadline
    late arrival     arrives after the first arrival rung, then completed in time
    rescheduled      a new arrival time agreed before the deadline, then arrives and completes
    full escalation  never arrives: both arrival rungs, then the completion rung

moto wakes a timestamp Wait up to a second early; the conditional escalation refuses that and
retries a second later (Retry → Read → Decide → Escalate: 4 more transitions). The
"without early wakes" column removes those, as on AWS where the wait ends on the whole second.

    .venv/bin/python bench/transitions.py
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402
from tests.integration.sla_support import Harness, sla_harness  # noqa: E402

from frontdesk.clock import parse_iso  # noqa: E402
from frontdesk.domain.escalation import execution_name  # noqa: E402
from frontdesk.models.ticket import Ticket  # noqa: E402
from local_stack.template import load_template  # noqa: E402

PRICE_PER_TRANSITION_USD = 0.000025  # STANDARD workflows, us-east-1, beyond the free tier
EARLY_WAKE_LOOP = 4  # Retry, Read, Decide, Escalate


def _escalated(sla: Harness, ticket: Ticket, count: int) -> Callable[[], bool]:
    return lambda: sum(e.action == "escalate" for e in sla.tickets.timeline(ticket.ticket_id)) >= count


def scenarios(sla: Harness) -> dict[str, Ticket]:
    happy = sla.dispatch(sla.open(email=""), arrival_in=3)
    late = sla.dispatch(sla.open(email=""), arrival_in=3)
    moved = sla.dispatch(sla.open(email=""), arrival_in=3)
    full = sla.dispatch(sla.open(email=""), arrival_in=3, completion_in=9)
    sla.stream.pump()  # the timers start
    moved = sla.reschedule(moved, to_in=6)
    sla.arrive(happy, completion_in=5)
    sla.complete(happy)
    sla.sleep_until(parse_iso(late.arrival_due or "") + timedelta(seconds=0.5))  # the first deadline has passed
    sla.arrive(moved, completion_in=4)
    sla.complete(moved)
    sla.wait_for(_escalated(sla, late, 1), what="the late ticket's first rung")
    sla.arrive(late, completion_in=3)
    sla.complete(late)
    return {"happy path": happy, "late arrival": late, "rescheduled": moved, "full escalation": full}


def main() -> None:
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in [n for n in os.environ if n == "AWS_PROFILE" or n.startswith("AWS_ENDPOINT_URL")]:
            patch.delenv(name)
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        with sla_harness(boto3.Session(region_name="us-east-1"), load_template(), patch) as sla:
            sla.use_site()
            tickets = scenarios(sla)
            names = {label: execution_name(sla.ticket(t)) for label, t in tickets.items()}
            end = time.monotonic() + 30
            while time.monotonic() < end and any(
                sla.sfn.describe_execution(executionArn=sla.execution_arn(n))["status"] == "RUNNING"
                for n in names.values()
            ):
                sla.stream.pump()
                time.sleep(0.2)
            print(f"{'scenario':18}{'transitions':>12}{'w/o early wakes':>17}{'USD per 1000':>14}  ends in")
            for label, name in names.items():
                states = sla.states_entered(name)
                retries = sum(s.endswith("Retry") for s in states)
                ideal = len(states) - EARLY_WAKE_LOOP * retries
                cost = ideal * PRICE_PER_TRANSITION_USD * 1000
                print(f"{label:18}{len(states):>12}{ideal:>17}{cost:>14.3f}  {states[-1]}")
            for label, name in names.items():
                print(f"\n{label}: {' → '.join(sla.states_entered(name))}")


if __name__ == "__main__":
    main()
