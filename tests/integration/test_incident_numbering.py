"""Incident reports are numbered 1, 2, 3 … per site and year, with no gap and no duplicate, even when
many are opened at once: the counter moves and the report is written in one DynamoDB transaction.

moto's in-process DynamoDB does not run a transaction atomically with respect to other threads (it
checks conditions, writes item by item, and on a failure restores a deep copy of the whole table,
undoing other threads' committed writes). Measured with 50 threads, three runs: 14-17 reports
stored, duplicate numbers returned, "dictionary changed size during iteration" errors. DynamoDB
serialises transactions on an item; the local stack gives moto that guarantee with one lock
around its writes (local_stack.moto_fixes), and so does this test. Everything else — the 50
callers reading the counter at once, their conflicts, back-off and retries — runs concurrently.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from frontdesk import wiring
from frontdesk.adapters.dynamodb import table
from frontdesk.adapters.incidents import ReportStore
from frontdesk.app.incidents import IncidentDesk
from frontdesk.domain import incidents
from frontdesk.domain.errors import DomainError
from frontdesk.domain.incidents import NumberingBusy, ReportChange
from frontdesk.models.incident import IncidentSeverity, NewIncidentReport
from frontdesk.models.ticket import Actor, ActorKind, Role
from frontdesk.settings import settings
from local_stack import moto_fixes

from .evidence_support import Evidence

DUTY_MANAGER = Actor(kind=ActorKind.STAFF, id="dm1", roles=frozenset({Role.DUTY_MANAGER}))
CREATORS = 50


@pytest.fixture
def atomic_moto() -> Iterator[None]:
    moto_fixes.install()
    yield
    moto_fixes.uninstall()


def _desk_without_budget() -> IncidentDesk:
    """The incident desk whose numbering never runs out of time: its clock stands still, so only the
    attempt cap stops a caller. How long 50 callers take depends on the machine; the rule does not."""
    store = ReportStore(table(settings().table_name), monotonic=lambda: 0.0)
    return IncidentDesk(
        store,
        wiring.tickets(),
        wiring.sites(),
        wiring.photo_desk(),
        wiring.planner(),
        wiring.clock(),
    )


def _request(**changes: object) -> NewIncidentReport:
    fields: dict[str, object] = {
        "site_id": "ql",
        "severity": IncidentSeverity.MAJOR,
        "category": "water_leak",
        "occurred_at": datetime(2026, 11, 22, 1, 30, tzinfo=UTC),
        "building_id": "admin",
        "unit": "101",
        "details": "三楼水管爆裂,101 室天花板渗水",
    }
    fields.update(changes)
    return NewIncidentReport.model_validate(fields)


@pytest.mark.usefixtures("atomic_moto")
def test_fifty_reports_opened_at_once_are_numbered_1_to_50(ev: Evidence) -> None:
    desk = _desk_without_budget()
    start = threading.Barrier(CREATORS)
    numbers: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def create(index: int) -> None:
        try:
            start.wait()
            report = desk.create(_request(details=f"第 {index} 份"), DUTY_MANAGER)
            with lock:
                numbers.append(report.seq)
        except BaseException as error:  # collected: the assertion below shows them all
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(CREATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(numbers) == list(range(1, CREATORS + 1))
    register = desk.register("ql", 2026, DUTY_MANAGER).reports
    assert [r.number for r in register] == [f"QL-IR-2026-{n:03d}" for n in range(1, CREATORS + 1)]
    assert len({r.report_id for r in register}) == CREATORS
    counter = ev.item("SITE#ql", "INCIDENT_COUNTER#2026")
    assert counter is not None and counter["n"] == CREATORS
    # every report has exactly its creation event
    for entry in register:
        assert [e.action for e in wiring.report_store().timeline(entry.report_id)] == ["create"]


def test_a_caller_that_keeps_losing_the_number_gives_up_at_its_budget(ev: Evidence) -> None:
    # Another creator takes each number just before this caller writes it. The budget (8 s) is read
    # on an injected clock that moves 3 s per reading: attempts at 3 s and 6 s, none at 9 s.
    elapsed = iter(float(seconds) for seconds in range(0, 100, 3))
    slept: list[float] = []
    store = ReportStore(table(settings().table_name), sleep=slept.append, monotonic=lambda: next(elapsed))
    other = ReportStore(table(settings().table_name))
    site = wiring.sites().get("ql")
    assert site is not None
    request = _request()

    def build(seq: int) -> ReportChange:
        other.create("ql", 2026, lambda n: incidents.open_report(request, site, None, DUTY_MANAGER, ev.clock.now(), n))
        return incidents.open_report(request, site, None, DUTY_MANAGER, ev.clock.now(), seq)

    with pytest.raises(NumberingBusy):
        store.create("ql", 2026, build)

    assert len(slept) == 2 and all(0 <= s <= 1 for s in slept)  # backed off after each lost attempt
    assert store.last_number("ql", 2026) == 2  # the two numbers the other took; none for the loser


def test_refused_requests_take_no_number(ev: Evidence) -> None:
    desk = wiring.incident_desk()
    first = desk.create(_request(), DUTY_MANAGER)
    for bad in (
        _request(category="earthquake"),
        _request(building_id="nowhere"),
        _request(occurred_at=datetime(2026, 11, 23, tzinfo=UTC)),
    ):
        with pytest.raises(DomainError):
            desk.create(bad, DUTY_MANAGER)
    operator = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))
    with pytest.raises(DomainError, match="forbidden"):
        desk.create(_request(), operator)

    second = desk.create(_request(), DUTY_MANAGER)

    assert (first.seq, second.seq) == (1, 2)


def test_each_site_and_year_has_its_own_series(ev: Evidence) -> None:
    desk = wiring.incident_desk()
    assert desk.create(_request(), DUTY_MANAGER).number == "QL-IR-2026-001"
    assert desk.create(_request(), DUTY_MANAGER).number == "QL-IR-2026-002"
    # 2027-01-01 00:30 in Shanghai is still 2026 in UTC: the year is the site's
    ev.clock.advance(days=39, hours=14, minutes=30)
    assert ev.clock.now() == datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    opened = desk.create(_request(occurred_at=ev.clock.now()), DUTY_MANAGER)
    assert (opened.number, opened.report_id) == ("QL-IR-2027-001", "ql-2027-0001")
