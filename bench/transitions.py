"""State transitions per scenario, counted from the clock engine's execution histories (states entered).

Each scenario is one ticket moved through the application on moto, with Step Functions executing
for real on a virtual clock (the harness of tests/integration): nothing is subtracted or estimated.
Step Functions bills STANDARD workflows per state transition.

    repair, all met        dispatched, arrives in time, completed in time
    repair, late arrival   arrives after the first arrival rung, completed in time
    repair, rescheduled    a new arrival time agreed before the due time, then met
    repair, quote paused   arrives, quotes, the client confirms 2 h later, completed in time
    repair, full ladder    never arrives: both arrival rungs, then the completion rung
    complaint, replied     replied the same day
    complaint, unreplied   both reply rungs (duty manager, centre manager)
    callback, met          a complaint's callback (回访) recorded an hour after it was handled
    callback, missed       a complaint's callback never made: both rungs (duty manager, centre manager)

    .venv/bin/python bench/transitions.py
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402
from tests.integration.lambda_support import OPERATOR  # noqa: E402
from tests.integration.sla_support import ENGINEER, Harness, sla_harness  # noqa: E402

from frontdesk import wiring  # noqa: E402
from frontdesk.adapters.callbacks import CallbackStore  # noqa: E402
from frontdesk.clock import parse_iso  # noqa: E402
from frontdesk.models.callback import Callback, CallbackIn  # noqa: E402
from frontdesk.models.clock import ClockKind, SubjectType  # noqa: E402
from frontdesk.models.ticket import Kind, Ticket  # noqa: E402
from local_stack.template import load_template  # noqa: E402

PRICE_PER_TRANSITION_USD = 0.000025  # STANDARD workflows, us-east-1, beyond the free tier
QUOTE = {"lines": [{"item": "阀门", "amount_cents": 5000}], "tax_cents": 0, "labour_cents": 0}


def _met(h: Harness) -> Ticket:
    t = h.dispatched()
    h.time.advance(minutes=3)
    return _arrive_and_finish(h, t)


def _late(h: Harness) -> Ticket:
    t = h.dispatched()
    h.reach_first_rung(t)
    return _arrive_and_finish(h, t)


def _arrive_and_finish(h: Harness, t: Ticket) -> Ticket:
    h.arrive(t)
    h.settle()
    h.time.advance(hours=1)
    h.complete(t)
    return t


def _rescheduled(h: Harness) -> Ticket:
    t = h.dispatched()
    due = h.due(t, "arrival")
    h.act(
        t, "reschedule", new_arrival=(due + timedelta(hours=1)).isoformat(), agreed_with="张三", contact_method="phone"
    )
    h.settle()
    h.time.advance(minutes=30)
    h.arrive(t)
    h.settle()
    h.complete(t)
    return t


def _paused(h: Harness) -> Ticket:
    t = h.dispatched()
    h.time.advance(minutes=3)
    h.arrive(t)
    h.settle()
    h.act(t, "quote", ENGINEER, **QUOTE)
    h.settle()
    h.time.advance(hours=2)
    h.client_act(t, "quote_decision", confirm=True)
    h.settle()
    h.complete(t)
    return t


def _full(h: Harness) -> Ticket:
    t = h.dispatched()
    h.advance_to(h.due(t, "completion") + timedelta(hours=1))
    h.wait_for(lambda: len(h.escalations(t)) == 3, "every rung")
    return t


def _replied(h: Harness) -> Ticket:
    t = h.open(Kind.COMPLAINT)
    h.settle()
    h.act(t, "handle", department="customer_service", action_taken="已致歉")
    h.act(t, "reply", reply="已答复", method="phone")
    return t


def _unreplied(h: Harness) -> Ticket:
    t = h.open(Kind.COMPLAINT)
    h.settle()
    h.advance_to(parse_iso(h.clock(t, "reply").rungs[-1].at))
    h.wait_for(lambda: len(h.escalations(t)) == 2, "both reply rungs")
    return t


def _callback(h: Harness, t: Ticket) -> Callback:
    store = CallbackStore(h.table)
    found = [store.get(f"{t.ticket_id}-{e.seq}") for e in h.tickets.timeline(t.ticket_id)]
    (callback,) = [c for c in found if c is not None]
    return callback


def _callback_met(h: Harness) -> Ticket:
    t = h.open(Kind.COMPLAINT)
    h.act(t, "handle", department="customer_service", action_taken="已致歉")
    h.settle()
    h.time.advance(hours=1)
    callback = _callback(h, t)
    attempt = {"version": 1, "method": "phone", "result": "satisfied", "quality": 5, "effect": 5, "satisfaction": 5}
    wiring.callbacks().record(
        callback.callback_id, CallbackIn.model_validate({**attempt, "client_confirmed": True}), OPERATOR
    )
    h.settle()
    return t


def _callback_missed(h: Harness) -> Ticket:
    t = h.open(Kind.COMPLAINT)
    h.act(t, "handle", department="customer_service", action_taken="已致歉")
    h.settle()
    callback = _callback(h, t)
    clock = h.clocks.of_subject(SubjectType.CALLBACK, callback.callback_id)[ClockKind.CALLBACK_COMPLAINT]
    h.advance_to(parse_iso(clock.rungs[-1].at))
    h.wait_for(
        lambda: (
            h.clocks.of_subject(SubjectType.CALLBACK, callback.callback_id)[ClockKind.CALLBACK_COMPLAINT].level == 2
        ),
        "both callback rungs",
    )
    return t


SCENARIOS: dict[str, Callable[[Harness], Ticket]] = {
    "repair, all met": _met,
    "repair, late arrival": _late,
    "repair, rescheduled": _rescheduled,
    "repair, quote paused": _paused,
    "repair, full ladder": _full,
    "complaint, replied": _replied,
    "complaint, unreplied": _unreplied,
    "callback, met": _callback_met,
    "callback, missed": _callback_missed,
}


def main() -> None:
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in [n for n in os.environ if n == "AWS_PROFILE" or n.startswith("AWS_ENDPOINT_URL")]:
            patch.delenv(name)
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        with sla_harness(boto3.Session(region_name="us-east-1"), load_template(), patch) as h:
            h.use_site()
            tickets = {label: run(h) for label, run in SCENARIOS.items()}
            h.advance_to(h.time.now() + timedelta(days=3))  # every execution still waiting ends
            print(f"{'scenario':24}{'executions':>11}{'transitions':>12}{'USD per 1000':>14}")
            paths: list[str] = []
            for label, ticket in tickets.items():
                # a callback row counts its callback's clock; the others their ticket's clocks
                prefix = "callback" if label.startswith("callback") else "ticket"
                names = sorted(
                    e["name"] for e in h.executions() if e["name"].startswith(f"{prefix}-{ticket.ticket_id}-")
                )
                states = {name: h.states_entered(name) for name in names}
                total = sum(len(s) for s in states.values())
                print(f"{label:24}{len(names):>11}{total:>12}{total * PRICE_PER_TRANSITION_USD * 1000:>14.3f}")
                paths += [f"{label}: {name.split('-', 2)[2]}: {' → '.join(s)}" for name, s in states.items()]
            print("\n" + "\n".join(paths))


if __name__ == "__main__":
    main()
