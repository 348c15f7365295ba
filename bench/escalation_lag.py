"""Escalation lag per clock kind: from a clock's due time to its first rung's e-mail, in real time.

Everything runs in this process on moto (Step Functions executing for real, at time scale 1, i.e.
the local stack's Wait, which never wakes early), the application's services on the system clock,
and the stream router fed from the table's stream at the rate Lambda polls a shard (4 times a
second). Nothing is backdated: a bench site whose class-A arrival time is one minute; repairs are
dispatched one after another so their due times spread over the run; complaints take a reply time
agreed with the client a minute ahead; incident reports are written for incidents that occurred
just under 24 h (general) ago. No milestone is met, and each clock's first rung is measured:
    wake    due → the state machine's write ($$.State.EnteredTime)
    route   that write → the stream router hands the mail to SES (SES accepted it)
    total   due → mail
A negative `wake` is an escalation before its due time: the count of those must be 0.

    .venv/bin/python bench/escalation_lag.py [--per-kind 30] [--poll 0.25]
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402
from tests.integration.lambda_support import OPERATOR  # noqa: E402
from tests.integration.sla_support import DUTY_MANAGER, SITE, Harness, sla_harness  # noqa: E402

from frontdesk.adapters.ses import SesMailer  # noqa: E402
from frontdesk.app.tickets import Desk  # noqa: E402
from frontdesk.clock import SystemClock, parse_iso  # noqa: E402
from frontdesk.models import commands as cmd  # noqa: E402
from frontdesk.models.clock import Clock, ClockKind, SubjectType  # noqa: E402
from frontdesk.models.escalation import DEFAULT_LADDER  # noqa: E402
from frontdesk.models.incident import IncidentSeverity, NewIncidentReport  # noqa: E402
from frontdesk.models.site import BuildingClass  # noqa: E402
from frontdesk.models.ticket import Channel, Kind  # noqa: E402
from local_stack import timescale  # noqa: E402
from local_stack.template import load_template  # noqa: E402

BENCH_SITE = SITE.model_copy(update={"arrival_minutes": {BuildingClass.A: 1, BuildingClass.B: 10, BuildingClass.C: 15}})
LEAD_SECONDS = 60.0


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _request(kind: Kind, reply_by: datetime | None = None) -> cmd.StaffNewTicket:
    return cmd.StaffNewTicket(
        site_id=BENCH_SITE.site_id,
        building_id="admin",
        unit="101",
        kind=kind,
        category="plumbing" if kind is Kind.REPAIR else "service_attitude",
        channel=Channel.PHONE,
        description="卫生间漏水",
        contact_name="张三",
        contact_phone="13800138000",
        reply_by=reply_by,
    )


def _report(due: datetime) -> NewIncidentReport:
    """A general incident whose 24 h report deadline is ``due``."""
    return NewIncidentReport(
        site_id=BENCH_SITE.site_id,
        severity=IncidentSeverity.GENERAL,
        category="water_leak",
        occurred_at=due - timedelta(hours=24),
        building_id="admin",
        unit="101",
        details="楼上漏水,浸湿天花",
    )


def run(per_kind: int, poll: float) -> tuple[dict[str, dict[str, list[float]]], float]:
    mailed: dict[str, float] = {}
    original = SesMailer.send

    def timed_send(self: SesMailer, to: Sequence[str], subject: str, body: str) -> None:
        original(self, to, subject, body)
        mailed.setdefault(subject, time.time())

    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in [n for n in os.environ if n == "AWS_PROFILE" or n.startswith("AWS_ENDPOINT_URL")]:
            patch.delenv(name)
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        patch.setattr(SesMailer, "send", timed_send)
        with sla_harness(boto3.Session(region_name="us-east-1"), load_template(), patch) as h:
            timescale.install(1.0)  # real time, the local stack's Wait (replaces the harness's virtual clock)
            h.use_site(ladder=DEFAULT_LADDER)
            h.sites.put(BENCH_SITE)
            from frontdesk import wiring
            from frontdesk.app.incidents import IncidentDesk

            patch.setattr(wiring, "clock", functools.cache(SystemClock))  # real time in the router too
            desk = Desk(h.tickets, h.sites, SystemClock(), wiring.planner(), wiring.staff_desk())
            reports = IncidentDesk(h.reports, h.tickets, h.sites, wiring.photo_desk(), wiring.planner(), SystemClock())
            stop = threading.Event()
            poller = threading.Thread(target=_poll, args=(h, poll, stop), daemon=True)
            poller.start()
            began = time.monotonic()
            subjects: list[tuple[ClockKind, str]] = []
            for _ in range(per_kind):
                repair = desk.open(_request(Kind.REPAIR), OPERATOR).ticket
                desk.act(repair.ticket_id, "dispatch", cmd.Dispatch(version=1, assignee="eng1"), OPERATOR)
                subjects.append((ClockKind.ARRIVAL, repair.ticket_id))
                reply_by = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
                complaint = desk.open(_request(Kind.COMPLAINT, reply_by), OPERATOR).ticket
                subjects.append((ClockKind.REPLY, complaint.ticket_id))
                report = reports.create(_report(datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)), DUTY_MANAGER)
                subjects.append((ClockKind.INCIDENT_REPORT, report.report_id))
            setup = time.monotonic() - began
            end = time.monotonic() + LEAD_SECONDS * 3 + setup
            while len(mailed) < len(subjects) and time.monotonic() < end:
                time.sleep(0.2)
            stop.set()
            poller.join()
            results: dict[str, dict[str, list[float]]] = {}
            for kind, subject_id in subjects:
                is_report = kind is ClockKind.INCIDENT_REPORT
                subject_type = SubjectType.REPORT if is_report else SubjectType.TICKET
                clock: Clock = h.clocks.of_subject(subject_type, subject_id)[kind]
                number = h.reports.get(subject_id).number if is_report else h.ticket(subject_id).number  # type: ignore[union-attr]
                due = parse_iso(clock.due).timestamp()
                written = parse_iso(clock.breached_at or "").timestamp()
                sent = next(at for subject, at in mailed.items() if number in subject)
                row = results.setdefault(kind.value, {"wake": [], "route": [], "total": []})
                row["wake"].append(written - due)
                row["route"].append(sent - written)
                row["total"].append(sent - due)
    return results, setup


def _poll(h: Harness, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        h.stream.pump()
        stop.wait(interval)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between stream polls (Lambda: 0.25)")
    args = parser.parse_args()
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    started = datetime.now(UTC)
    results, setup = run(args.per_kind, args.poll)
    print(
        f"escalation lag: {args.per_kind} clocks per kind, stream polled every {args.poll:g} s; moto in-process, "
        f"time scale 1 (local stack Wait), {started:%Y-%m-%d}; {setup:.1f} s to open them"
    )
    print(f"{'kind':16}{'':7}{'min':>8}{'p50':>8}{'p99':>8}{'max':>8}  (seconds)   early")
    early = 0
    for kind, rows in results.items():
        early_here = sum(w < 0 for w in rows["wake"])
        early += early_here
        for name in ("wake", "route", "total"):
            values = rows[name]
            row = [min(values), statistics.median(values), percentile(values, 99), max(values)]
            tail = f"   {early_here}" if name == "wake" else ""
            print(f"{kind:16}{name:7}" + "".join(f"{v:8.3f}" for v in row) + tail)
    if early:
        raise SystemExit(f"{early} escalations came before their due time")


if __name__ == "__main__":
    main()
