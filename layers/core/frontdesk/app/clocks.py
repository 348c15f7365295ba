"""The clock engine's use cases (docs/decisions/0009-one-clock-engine.md).

- ``ClockPlanner``: the clocks a subject's change writes, in the subject's own transaction;
- ``ClockRunner``: on a clock written (stream), start the execution of a new generation and stop
  the one a change ended; on a rung reached, hand it to the subject's recorder;
- ``Reconciler``: every open clock has its execution: start the missing or failed ones;
- ``LadderEdits``: a site's ladder edited applies to its open clocks from their next rung on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from frontdesk.app.ports import AllSites, ClockRecords, Engine, Ladders
from frontdesk.domain import clocks
from frontdesk.domain.clocks import ClockWrite
from frontdesk.models.clock import Clock, ClockKind, SubjectType
from frontdesk.models.escalation import Ladder


@dataclass(frozen=True)
class ClockPlanner:
    records: ClockRecords
    ladders: Ladders

    def writes(
        self, subject_type: SubjectType, subject_id: str, site_id: str, subject: Any, now: datetime
    ) -> list[ClockWrite]:
        """Every clock of the subject that this change starts, moves or ends."""
        existing = self.records.of_subject(subject_type, subject_id)
        return self._writes(subject_type, subject_id, site_id, subject, now, existing)

    def first_writes(
        self, subject_type: SubjectType, subject_id: str, site_id: str, subject: Any, now: datetime
    ) -> list[ClockWrite]:
        """Every clock a subject being created starts: it has none yet, so none is read (one Query
        less per intake; the subject's own transaction writes it and its clocks together)."""
        return self._writes(subject_type, subject_id, site_id, subject, now, {})

    def _writes(
        self,
        subject_type: SubjectType,
        subject_id: str,
        site_id: str,
        subject: Any,
        now: datetime,
        existing: Mapping[ClockKind, Clock],
    ) -> list[ClockWrite]:
        ladder: Ladder | None = None
        result: list[ClockWrite] = []
        for kind in clocks.kinds_for(subject_type):
            if clocks.CLOCKS[kind].timing(subject) is None and kind not in existing:
                continue
            ladder = ladder or self.ladders.ladder(site_id)
            before = existing.get(kind)
            after = clocks.plan(kind, subject, subject_id, site_id, before, ladder, now)
            if after is not None and after != before:
                result.append(ClockWrite(after, before))
        return result


@dataclass
class Handled:
    """What handling one clock change did (logs and metrics)."""

    started: str | None = None
    stopped: str | None = None
    reached: int | None = None
    recorded: Any = None  # what the subject's recorder did (notifications sent, skipped, failed)


@dataclass(frozen=True)
class ClockRunner:
    engine: Engine
    payload: Callable[[Clock], dict[str, Any]]
    recorders: Mapping[SubjectType, Callable[[Clock, int], Any]]

    def on_change(self, old: Clock | None, new: Clock) -> Handled:
        handled = Handled()
        if old is not None and clocks.stopped(old, new):
            # Saves the transitions of a wait that can only end in "Ended"; if it fails, the
            # execution ends itself at its next rung (its condition is false).
            name = clocks.execution_name(old)
            if self.engine.stop(name):
                handled.stopped = name
        if clocks.started(old, new):
            name = clocks.execution_name(new)
            self.engine.start(name, self.payload(new))
            handled.started = name
        level = clocks.reached(old, new)
        if level is not None:
            handled.recorded = self.recorders[new.subject_type](new, level)
            handled.reached = level
        return handled


@dataclass(frozen=True)
class Reconciler:
    records: ClockRecords
    engine: Engine
    payload: Callable[[Clock], dict[str, Any]]

    def run(self, sites: AllSites) -> Reconciled:
        report = Reconciled()
        running = self.engine.running()
        for site in sites.all():
            for clock in self.records.open_clocks(site.site_id):
                if not clocks.needs_execution(clock):
                    continue
                report.checked += 1
                check = clocks.check_execution(clock, running, self.engine.status)
                if check.start is not None:
                    self.engine.start(check.start, self.payload(clock))
                    report.started.append(check.start)
                elif not check.ok:
                    report.gave_up.append(clock.clock_id)
        return report


@dataclass
class Reconciled:
    """What a reconciler run found: clocks checked, executions restarted, clocks given up on."""

    checked: int = 0
    started: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LadderEdits:
    records: ClockRecords

    def apply(self, site_id: str, ladder: Ladder) -> list[Clock]:
        """Re-plan every open clock of the site from its next rung on; the replanned clocks."""
        writes = [ClockWrite(clocks.replan(clock, ladder), clock) for clock in self.records.open_clocks(site_id)]
        changed = [w for w in writes if w.previous is not None and w.clock.rungs != w.previous.rungs]
        moved = self.records.put(changed)
        return [w.clock for w in changed if w.clock not in moved]
