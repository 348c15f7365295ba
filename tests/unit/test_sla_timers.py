"""Starting SLA timers: on dispatch, and by the reconciler for open tickets whose timer is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontdesk.domain.escalation import execution_name
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket
from frontdesk.timers import Timers

from .builders import SITE, Walk


@dataclass
class Engine:
    """Step Functions as far as the timers use it: names are never reused."""

    executions: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def start(self, name: str, payload: dict[str, Any]) -> bool:
        if name in self.executions:
            return False
        self.executions[name] = "RUNNING"
        self.inputs[name] = payload
        return True

    def running(self) -> set[str]:
        return {n for n, s in self.executions.items() if s == "RUNNING"}

    def status(self, name: str) -> str | None:
        return self.executions.get(name)


class Ladders:
    def ladder(self, site_id: str) -> Ladder:
        return DEFAULT_LADDER


@dataclass
class Queue:
    tickets: list[Ticket]

    def all(self) -> list[Site]:
        return [SITE]

    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]:
        return [t for t in self.tickets if t.site_id == site_id][:limit]


def test_a_dispatch_starts_its_timer_and_a_replay_does_not_start_another() -> None:
    engine = Engine()
    timers = Timers(engine, Ladders())
    walk = Walk()
    received = walk.ticket
    dispatched = walk.run("dispatch")

    assert timers.on_change(received, dispatched) == execution_name(dispatched)
    assert timers.on_change(received, dispatched) == execution_name(dispatched)  # ExecutionAlreadyExists: fine
    assert list(engine.executions) == [execution_name(dispatched)]
    assert engine.inputs[execution_name(dispatched)]["step"]["deadline"] == dispatched.arrival_due
    assert timers.on_change(dispatched, walk.run("arrive")) is None


def test_the_reconciler_gives_missing_and_failed_timers_back_once() -> None:
    engine = Engine()
    timers = Timers(engine, Ladders())
    running, missing, failed, finished = (Walk().run("dispatch") for _ in range(4))
    failed = failed.model_copy(update={"ticket_id": "f" * 32})
    missing = missing.model_copy(update={"ticket_id": "e" * 32})
    finished = finished.model_copy(update={"ticket_id": "d" * 32})
    engine.executions[execution_name(running)] = "RUNNING"
    engine.executions[execution_name(failed)] = "FAILED"
    engine.executions[execution_name(finished)] = "SUCCEEDED"
    untimed = Walk().ticket.model_copy(update={"ticket_id": "c" * 32})
    queue = Queue([running, missing, failed, finished, untimed])

    report = timers.reconcile(queue, queue)

    assert report.checked == 4
    assert sorted(report.started) == sorted([execution_name(missing), execution_name(failed, 2)])
    assert report.gave_up == []
    assert timers.reconcile(queue, queue).started == []


def test_the_reconciler_gives_up_on_a_timer_that_keeps_failing() -> None:
    engine = Engine()
    timers = Timers(engine, Ladders())
    ticket = Walk().run("dispatch")
    for attempt in (1, 2, 3):
        engine.executions[execution_name(ticket, attempt)] = "FAILED"

    report = timers.reconcile(Queue([ticket]), Queue([ticket]))

    assert (report.started, report.gave_up) == ([], [ticket.ticket_id])
