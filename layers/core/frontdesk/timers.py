"""Starting SLA timers: on dispatch (from the stream), and again by the reconciler for any open
ticket whose timer is missing or failed. Timers are Step Functions executions named after the
ticket's dispatch (frontdesk.domain.escalation), so neither path can start a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from frontdesk.domain.escalation import check_timer, dispatched, execution_name, needs_timer, timer_input
from frontdesk.models.escalation import Ladder
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket


class TimerEngine(Protocol):
    def start(self, name: str, payload: dict[str, Any]) -> bool: ...
    def running(self) -> set[str]: ...
    def status(self, name: str) -> str | None: ...


class Ladders(Protocol):
    def ladder(self, site_id: str) -> Ladder: ...


class OpenTickets(Protocol):
    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]: ...


class AllSites(Protocol):
    def all(self) -> list[Site]: ...


@dataclass
class Reconciled:
    checked: int = 0
    started: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)


# A site's whole open queue: the reconciler must see every open ticket, not the first page.
QUEUE_LIMIT = 100_000


class Timers:
    def __init__(self, engine: TimerEngine, ladders: Ladders) -> None:
        self._engine = engine
        self._ladders = ladders

    def on_change(self, old: Ticket | None, new: Ticket) -> str | None:
        """Start the timer of a new dispatch; its name, or None when this change is not one.

        A replayed record finds the execution there (ExecutionAlreadyExists): that is not an error."""
        if not dispatched(old, new):
            return None
        name = execution_name(new)
        self._engine.start(name, timer_input(new, self._ladders.ladder(new.site_id)))
        return name

    def reconcile(self, sites: AllSites, tickets: OpenTickets) -> Reconciled:
        """Every open ticket in timed work has its timer: start the missing ones."""
        report = Reconciled()
        running = self._engine.running()
        for site in sites.all():
            for ticket in self._timed(tickets.open_by_deadline(site.site_id, QUEUE_LIMIT)):
                report.checked += 1
                check = check_timer(ticket, running, self._engine.status)
                if check.start is not None:
                    self._engine.start(check.start, timer_input(ticket, self._ladders.ladder(ticket.site_id)))
                    report.started.append(check.start)
                elif not check.ok:
                    report.gave_up.append(ticket.ticket_id)
        return report

    @staticmethod
    def _timed(tickets: Iterable[Ticket]) -> Iterable[Ticket]:
        return (t for t in tickets if needs_timer(t))
