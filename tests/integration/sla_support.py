"""Harness for the clock engine tests: the stack from template.yaml in moto with Step Functions
executing for real, the stream router fed from the table's stream, and the application's services
(Desk) moving tickets, all on one virtual clock (``ManualTime``) that moves only when a test says so.

Nothing here depends on the machine's speed: a Wait state ends when the virtual clock reaches its
target, ``$$.State.EnteredTime`` reads it, and the services stamp their times from it. Deadlines
are real business times (a 5-minute arrival SLA is 5 virtual minutes).

    with sla_harness(aws, template, monkeypatch) as h:
        ticket = h.dispatch(h.open())
        h.advance_to(h.due(ticket, "arrival"))
        h.wait_for(lambda: h.clock(ticket, "arrival").level == 1)
"""

from __future__ import annotations

import copy
import functools
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto.core.config import default_user_config

from frontdesk import wiring
from frontdesk.adapters.clocks import ClockStore
from frontdesk.adapters.dynamodb import SiteStore, TicketStore
from frontdesk.adapters.incidents import ReportStore
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.app.incidents import IncidentDesk
from frontdesk.app.tickets import CLIENT, Desk
from frontdesk.clock import parse_iso
from frontdesk.domain import lifecycle
from frontdesk.i18n import LANGUAGES, catalogue
from frontdesk.models import commands as cmd
from frontdesk.models.clock import Clock, ClockKind, SubjectType
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.incident import IncidentReport, NewIncidentReport, SubmitIncidentReport, UpdateIncidentReport
from frontdesk.models.keys import EmergencyKey, KeyUse, NewKey, TakeKey
from frontdesk.models.ticket import Actor, ActorKind, Channel, Kind, Role, Ticket
from local_stack import moto_fixes, moto_scheduler, timescale
from local_stack.demo import add_staff
from local_stack.provision import Stack, provision
from local_stack.template import Template

from .conftest import ROSTER
from .lambda_support import OPERATOR, LambdaContext, Mail, load_handler_module, sent_mail, subscribe
from .lambda_support import SITE as SHARED_SITE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_stepfunctions.client import SFNClient

ENGINEER = Actor(kind=ActorKind.STAFF, id="eng1", roles=frozenset({Role.ENGINEER}))
MANAGER = Actor(kind=ActorKind.STAFF, id="mgr1", roles=frozenset({Role.MANAGER}))
SITE = SHARED_SITE
T0 = datetime(2026, 11, 23, 1, 0, 0, 250_000, tzinfo=UTC)  # 09:00:00.25 in Shanghai, a Monday

# The first rung at the due time, the centre manager 10 minutes later (as the default ladder).
GAP_SECONDS = 600
LADDER = Ladder(
    arrival=(
        Rung(mailing_list="engineer_and_duty_manager"),
        Rung(mailing_list="centre_manager", after_seconds=GAP_SECONDS),
    ),
    completion=(Rung(mailing_list="department_and_engineering_managers"),),
)
MEMBERS = {
    "engineer_and_duty_manager": ("eng.duty@example.com", "duty.manager@example.com"),
    "centre_manager": ("centre.manager@example.com",),
    "department_and_engineering_managers": ("dept.manager@example.com", "eng.manager@example.com"),
    "duty_manager": ("duty.manager@example.com",),
}
DUTY_MANAGER = Actor(kind=ActorKind.STAFF, id="duty1", roles=frozenset({Role.DUTY_MANAGER}))
TENANT_EMAIL = "tenant@example.org"
ONE_SECOND = timedelta(seconds=1)
MILLISECOND = timedelta(milliseconds=1)
# Real seconds a test waits for the stack to catch up with the virtual clock: a bound, not a speed.
CATCH_UP_SECONDS = 120.0


def import_function(name: str) -> ModuleType:
    return load_handler_module(f"functions/{name}/app.py", "sla")


def clear_caches() -> None:
    wiring.reset()


class StreamPump:
    """Reads the table's stream (as the event source mapping does) and hands batches to the router."""

    def __init__(self, stack: Stack, handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> None:
        self._client = boto3.client("dynamodbstreams")
        self._arn = stack["Table"]["stream_arn"] or ""
        self._handler = handler
        shards = self._client.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        self._iterators = [
            self._client.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for shard in shards
        ]
        self.failures: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        for index, iterator in enumerate(self._iterators):
            page = self._client.get_records(ShardIterator=iterator, Limit=1000)
            self._iterators[index] = page["NextShardIterator"]
            records.extend({**r, "eventSourceARN": self._arn} for r in page["Records"])
        return json.loads(json.dumps(records, default=str))  # type: ignore[no-any-return]

    def deliver(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        result = self._handler({"Records": copy.deepcopy(records)}, LambdaContext())
        self.delivered.extend(records)
        self.failures.extend(result.get("batchItemFailures", []))
        return result

    def pump(self) -> int:
        records = self.read()
        for start in range(0, len(records), 25):
            self.deliver(records[start : start + 25])
        return len(records)


# The staff actions a scenario can take, each with the command its body must validate as.
ACTION_COMMANDS: dict[str, type[cmd.Versioned]] = {
    "dispatch": cmd.Dispatch,
    "arrive": cmd.Arrive,
    "reschedule": cmd.Reschedule,
    "complete": cmd.Complete,
    "quote": cmd.QuoteIn,
    "quote_decision": cmd.QuoteDecision,
    "handle": cmd.Handle,
    "reply": cmd.Reply,
    "close": cmd.Close,
    "decline": cmd.Decline,
    "unfinished": cmd.Unfinished,
}


class Harness:
    def __init__(self, stack: Stack, router: ModuleType, time_: timescale.ManualTime) -> None:
        self.stack = stack
        self.router = router
        self.time = time_
        name = stack["Table"]["name"] or ""
        self.table: Table = boto3.resource("dynamodb").Table(name)
        self.tickets = TicketStore(self.table)
        self.sites = SiteStore(self.table)
        self.sla = SlaStore(self.table)
        self.clocks = ClockStore(self.table)
        cognito = boto3.client("cognito-idp")
        for member in ROSTER:  # the engineers work can be given to
            add_staff(cognito, stack.env["USER_POOL_ID"], member, SITE.site_id)
        self.desk = Desk(self.tickets, self.sites, time_, wiring.planner(), wiring.staff_desk())
        self.reports = ReportStore(self.table)
        self.incidents = IncidentDesk(
            self.reports, self.tickets, self.sites, wiring.photo_desk(), wiring.planner(), time_
        )
        self.sfn: SFNClient = boto3.client("stepfunctions")
        self.machine = stack["ClockStateMachine"]["arn"] or ""
        self.stream = StreamPump(stack, router.lambda_handler)
        self._alerts = subscribe(stack["EscalationTopic"]["arn"] or "")

    # ------------------------------------------------------------------ set-up

    def use_site(self, ladder: Ladder = LADDER, members: dict[str, tuple[str, ...]] | None = None) -> None:
        self.sites.put(SITE)
        self.sla.put_ladder(SITE.site_id, ladder)
        for name, addresses in (MEMBERS if members is None else members).items():
            for address in addresses:
                self.sla.add_member(SITE.site_id, name, address)

    # ------------------------------------------------------------------ tickets, through the application

    def open(self, kind: Kind = Kind.REPAIR, email: str = TENANT_EMAIL, building: str = "admin") -> Ticket:
        return self.desk.open(self.request(kind, email, building), OPERATOR).ticket

    def request(
        self,
        kind: Kind = Kind.REPAIR,
        email: str = TENANT_EMAIL,
        building: str = "admin",
        language: str = "zh-CN",
        **changes: Any,
    ) -> cmd.StaffNewTicket:
        """A phone intake at the harness's site; `changes` (a category, a description, …) replace its fields."""
        fields: dict[str, Any] = {
            "site_id": SITE.site_id,
            "building_id": building,
            "unit": "101" if building == "admin" else "",
            "kind": kind,
            "category": {Kind.REPAIR: "plumbing", Kind.COMPLAINT: "staff_attitude", Kind.INQUIRY: "fees"}.get(kind),
            "channel": Channel.PHONE,
            "description": "卫生间漏水",
            "contact_name": "张三",
            "contact_phone": "13800138000",
            "contact_email": email or None,
            "language": language,
        }
        return cmd.StaffNewTicket(**(fields | changes))

    def act(self, ticket: Ticket, action: str, actor: Actor = OPERATOR, **fields: Any) -> Ticket:
        command_type = ACTION_COMMANDS[action]
        command = command_type.model_validate({"version": self.ticket(ticket).version, **fields})
        return self.desk.act(ticket.ticket_id, action, command, actor)

    def client_act(self, ticket: Ticket, action: str, **fields: Any) -> Ticket:
        """What the tenant does on the tracking page (the token is the tenant's; the rules are the same)."""
        current = self.ticket(ticket)
        command = cmd.QuoteDecision.model_validate({"version": current.version, **fields})
        change = lifecycle.apply(current, action, command, CLIENT, SITE, self.time.now())
        writes = wiring.planner().writes(
            SubjectType.TICKET, current.ticket_id, SITE.site_id, change.ticket, self.time.now()
        )
        self.tickets.save(change, current.version, writes)
        return change.ticket

    def dispatch(self, ticket: Ticket) -> Ticket:
        return self.act(ticket, "dispatch", assignee="eng1")

    def dispatched(self, building: str = "admin") -> Ticket:
        """A repair opened and dispatched, its clocks started."""
        ticket = self.dispatch(self.open(building=building))
        self.settle()
        return ticket

    def reach_first_rung(self, ticket: Ticket, kind: str = "arrival") -> datetime:
        """Time moved to the clock's first rung, and that escalation recorded; when it was."""
        first = parse_iso(self.clock(ticket, kind).rungs[0].at)
        self.advance_to(first)
        self.wait_for(lambda: len(self.escalations(ticket)) == 1, "the first rung")
        return first

    def arrive(self, ticket: Ticket) -> Ticket:
        return self.act(ticket, "arrive", ENGINEER)

    def complete(self, ticket: Ticket) -> Ticket:
        return self.act(ticket, "complete", ENGINEER, summary="换了阀门")

    # ------------------------------------------------------------------ incident reports, through the application

    def report(self, severity: str = "major") -> IncidentReport:
        """A fire that happened now, reported by the duty manager."""
        request = NewIncidentReport.model_validate(
            {
                "site_id": SITE.site_id,
                "severity": severity,
                "category": "fire",
                "occurred_at": self.time.now().isoformat(),
                "building_id": "admin",
                "unit": "102",
                "details": "102 室配电箱起火,已扑灭",
                "immediate_action": "断电、灭火,通知工程部",
            }
        )
        return self.incidents.create(request, DUTY_MANAGER)

    def update_report(self, report: IncidentReport, **fields: Any) -> IncidentReport:
        current = self.incidents.read(report.report_id, DUTY_MANAGER).report
        command = UpdateIncidentReport.model_validate({"version": current.version, **fields})
        return self.incidents.update(report.report_id, command, DUTY_MANAGER)

    def submit_report(self, report: IncidentReport) -> IncidentReport:
        current = self.incidents.read(report.report_id, DUTY_MANAGER).report
        return self.incidents.submit(report.report_id, SubmitIncidentReport(version=current.version), DUTY_MANAGER)

    def report_clock(self, report: IncidentReport) -> Clock:
        return self.clocks.of_subject(SubjectType.REPORT, report.report_id)[ClockKind.INCIDENT_REPORT]

    def report_escalations(self, report: IncidentReport) -> list[dict[str, str]]:
        return [e.detail for e in self.reports.timeline(report.report_id) if e.action == "escalate"]

    def ticket(self, ticket: Ticket | str) -> Ticket:
        found = self.tickets.get(ticket if isinstance(ticket, str) else ticket.ticket_id)
        assert found is not None
        return found

    def clock(self, ticket: Ticket, kind: str, subject: SubjectType = SubjectType.TICKET) -> Clock:
        return self.clocks.of_subject(subject, ticket.ticket_id)[ClockKind(kind)]

    def due(self, ticket: Ticket, kind: str) -> datetime:
        return parse_iso(self.clock(ticket, kind).due)

    # ------------------------------------------------------------------ time

    def advance_to(self, moment: datetime) -> None:
        """Move the virtual clock (never back), then let the router catch up."""
        self.time.set(moment)
        self.settle()

    def settle(self) -> None:
        """Deliver the stream until nothing can happen before the virtual clock moves again: every
        running execution waits for a later virtual time, and the stream is empty. (Checked in that
        order: a parked execution writes nothing, so an empty read after it is final.)"""
        end = time.monotonic() + CATCH_UP_SECONDS
        while not (self.parked() and self.stream.pump() == 0):
            if time.monotonic() > end:
                raise AssertionError("the executions and the stream did not settle")
            time.sleep(0.01)

    def parked(self) -> bool:
        return len(self.executions("RUNNING")) == self.time.blocked()

    # ------------------------------------------------------------------ what happened

    def mail(self) -> list[Mail]:
        """The escalations' mail of tickets, reports and keys (the acknowledgement a tenant with an
        address gets at intake is apart, and so is a late shift handover's: an incident report or a
        complaint enters the duty log, which starts its shift's handover clock)."""
        return [m for m in sent_mail() if not is_acknowledgement(m) and not is_handover(m)]

    def handover_mail(self) -> list[Mail]:
        return [m for m in sent_mail() if is_handover(m)]

    def acknowledgements(self) -> list[Mail]:
        return [m for m in sent_mail() if is_acknowledgement(m)]

    def alerts(self) -> list[dict[str, Any]]:
        return self._alerts()

    def escalations(self, ticket: Ticket) -> list[dict[str, str]]:
        return [e.detail for e in self.tickets.timeline(ticket.ticket_id) if e.action == "escalate"]

    def executions(self, status: str | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"stateMachineArn": self.machine}
        if status:
            kwargs["statusFilter"] = status
        return [dict(e) for e in self.sfn.list_executions(**kwargs)["executions"]]

    def execution_arn(self, name: str) -> str:
        return self.machine.replace(":stateMachine:", ":execution:") + f":{name}"

    def states_entered(self, name: str) -> list[str]:
        events = self.sfn.get_execution_history(executionArn=self.execution_arn(name), maxResults=1000)["events"]
        return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]

    def wait_for(self, condition: Callable[[], bool], what: str = "condition") -> None:
        """Pump the stream until `condition()` holds; fail after a generous real-time bound."""
        end = time.monotonic() + CATCH_UP_SECONDS
        while True:
            self.stream.pump()
            if condition():
                return
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.01)

    def stop_all(self) -> None:
        for execution in self.executions("RUNNING"):
            for _ in range(50):
                try:
                    self.sfn.stop_execution(executionArn=execution["executionArn"])
                    break
                except AttributeError:  # moto: the execution's thread has not set itself up yet
                    time.sleep(0.02)
        end = time.monotonic() + CATCH_UP_SECONDS
        while self.executions("RUNNING") and time.monotonic() < end:
            time.sleep(0.02)


@contextmanager
def sla_harness(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    """The stack with Step Functions executing on a virtual clock; every execution stopped on the way out.

    The executions write from their own threads while the test writes from its own: moto's DynamoDB
    writes are made atomic (local_stack.moto_fixes), as DynamoDB's are, for the duration."""
    moto_fixes.install()
    virtual = timescale.ManualTime(T0)
    timescale.install_clock(virtual)
    moto_scheduler.install()  # as the local stack runs them: a few scheduler threads, no thread per execution
    harness: Harness | None = None
    try:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})
        monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
        stack = provision(aws, template)
        for name, value in stack.env.items():
            monkeypatch.setenv(name, value)
        clear_caches()
        # the router's report notices read the virtual clock too (cached, as the function it replaces)
        monkeypatch.setattr(wiring, "clock", functools.cache(lambda: virtual))
        harness = Harness(stack, import_function("stream_router"), virtual)
        yield harness
    finally:
        if harness is not None:
            harness.stop_all()
            time.sleep(0.2)  # let the stopped executions' threads leave moto before the mock ends
        moto_scheduler.uninstall()
        timescale.uninstall()
        clear_caches()
        moto_fixes.uninstall()


@pytest.fixture
def site_harness(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    """The harness with its site written, as most clock tests start: a test module takes it as its
    `h` fixture by `h = site_harness`."""
    with sla_harness(aws, template, monkeypatch) as harness:
        harness.use_site()
        yield harness


def sealed_key(unit: str = "101", seal: str = "S-0001") -> EmergencyKey:
    """The key of ql/admin/``unit`` sealed into the cabinet by the operator, through the application."""
    request = NewKey(site_id="ql", building_id="admin", unit=unit, seal_number=seal, sealed_with="张老师")
    return wiring.key_desk().seal(request, OPERATOR).key


def key_opened_in_an_emergency(h: Harness) -> KeyUse:
    """A burst pipe upstairs at 09:00 on a Monday: the duty manager takes the key of 101 (override)."""
    take = TakeKey(version=1, reason="楼上水管爆裂", override="water")
    use = wiring.key_desk().take(sealed_key().key_id, take, DUTY_MANAGER).use
    assert use is not None
    h.settle()
    return use


def two_rungs_mailed(
    h: Harness,
    clock: Callable[[], Clock],
    mail: Callable[[], list[list[str]]],
    due: datetime,
    rung_apart: timedelta,
    rungs: tuple[list[str], list[str]],
) -> None:
    """A clock's ladder on the virtual clock: nobody mailed a moment before ``due``; the first rung's
    list at ``due``, the second's ``rung_apart`` later (``mail()``: the recipients of each mail so far)."""
    h.advance_to(due - MILLISECOND)
    assert clock().level == 0 and mail() == []
    h.advance_to(due)
    h.wait_for(lambda: len(mail()) == 1, "the first rung's mail")
    assert mail() == [rungs[0]]
    h.advance_to(due + rung_apart)
    h.wait_for(lambda: len(mail()) == 2, "the second rung's mail")
    h.settle()
    assert mail()[1] == rungs[1]


def shanghai(*parts: int) -> datetime:
    """The UTC instant of a wall-clock time in Shanghai (UTC+8, no summer time)."""
    return datetime(*parts, tzinfo=UTC) - timedelta(hours=8)  # type: ignore[misc,arg-type]


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)


def is_handover(mail: Mail) -> bool:
    heads = [catalogue(language)["duty.handover.overdue.subject"].split("{")[0] for language in LANGUAGES]
    return any(mail.subject.startswith(head) for head in heads)


def is_acknowledgement(mail: Mail) -> bool:
    heads = [catalogue(language)["acknowledgement.subject"].split("{")[0] for language in LANGUAGES]
    return any(mail.subject.startswith(head) for head in heads)
