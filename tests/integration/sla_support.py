"""Harness for the SLA timer tests: the stack from template.yaml in moto with Step Functions
executing for real (in threads, real-time waits), the stream router fed from the table's stream,
and tickets moved through the domain with deadlines a few seconds away (time compressed).

    with sla_harness(aws, template, monkeypatch) as h:
        ticket = h.dispatch(h.open(), arrival_in=2)
        h.wait_for(lambda: h.ticket(ticket).escalation.level == 1)
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto.core.config import default_user_config
from moto.dynamodb.models import DynamoDBBackend
from moto.ses.models import ses_backends

from frontdesk import sla_wiring
from frontdesk.adapters.dynamodb import SiteStore, TicketStore
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.api import wiring
from frontdesk.clock import deadline_iso
from frontdesk.domain import intake, lifecycle
from frontdesk.domain.errors import VersionConflict
from frontdesk.domain.lifecycle import Change
from frontdesk.models import commands as cmd
from frontdesk.models.escalation import Ladder, Rung
from frontdesk.models.site import BuildingClass
from frontdesk.models.ticket import Actor, ActorKind, Channel, Kind, Role, Ticket
from frontdesk.settings import settings
from local_stack import moto_fixes
from local_stack.provision import Stack, provision
from local_stack.template import Template

from .lambda_support import ACCOUNT, OPERATOR, LambdaContext, load_handler_module, subscribe
from .lambda_support import SITE as SHARED_SITE

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_stepfunctions.client import SFNClient

REPO = Path(__file__).resolve().parents[2]
ENGINEER = Actor(kind=ActorKind.STAFF, id="eng1", roles=frozenset({Role.ENGINEER}))

SITE = SHARED_SITE.model_copy(update={"completion_hours": 1})  # the completion phase within a test

# Seconds instead of minutes: the first rung at the deadline, the centre manager 2 s later.
GAP_SECONDS = 2
FAST_LADDER = Ladder(
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
}
TENANT_EMAIL = "tenant@example.org"
_unique = itertools.count()


def import_function(name: str) -> ModuleType:
    return load_handler_module(f"functions/{name}/app.py", "sla")


def clear_caches() -> None:
    settings.cache_clear()
    wiring.desk.cache_clear()
    sla_wiring.cache_clear()


def in_seconds(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str


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


class Harness:
    def __init__(self, stack: Stack, router: ModuleType) -> None:
        self.stack = stack
        self.router = router
        name = stack["Table"]["name"] or ""
        self.table: Table = boto3.resource("dynamodb").Table(name)
        self.tickets = TicketStore(self.table)
        self.sites = SiteStore(self.table)
        self.sla = SlaStore(self.table)
        self.sfn: SFNClient = boto3.client("stepfunctions")
        self.machine = stack["SlaTimerStateMachine"]["arn"] or ""
        self.stream = StreamPump(stack, router.lambda_handler)
        self._alerts = self._subscribe(stack["EscalationTopic"]["arn"] or "")

    # ------------------------------------------------------------------ set-up

    def use_site(self, ladder: Ladder = FAST_LADDER, members: dict[str, tuple[str, ...]] | None = None) -> None:
        self.sites.put(SITE)
        self.sla.put_ladder(SITE.site_id, ladder)
        for name, addresses in (MEMBERS if members is None else members).items():
            for address in addresses:
                self.sla.add_member(SITE.site_id, name, address)

    def _subscribe(self, topic_arn: str) -> Callable[[], list[dict[str, Any]]]:
        return subscribe(topic_arn)

    # ------------------------------------------------------------------ tickets, through the domain

    def open(self, email: str = TENANT_EMAIL, language: str = "zh-CN") -> Ticket:
        now = datetime.now(UTC)
        request = cmd.StaffNewTicket(
            site_id=SITE.site_id,
            building_id="admin",
            unit="101",
            kind=Kind.REPAIR,
            category="plumbing",
            channel=Channel.PHONE,
            description="卫生间漏水",
            contact_name="张三",
            contact_phone="13800138000",
            contact_email=email or None,
            language=language,
        )
        checked = intake.open_ticket(request, SITE, OPERATOR, now, "check", 0)
        seq = self.tickets.next_seq(SITE.site_id, checked.ticket.local_day)
        change = intake.open_ticket(request, SITE, OPERATOR, now, f"{next(_unique):04d}{os.urandom(14).hex()}", seq)
        self.tickets.create(change, os.urandom(32).hex())
        return change.ticket

    def _apply(
        self, ticket: Ticket, action: str, command: cmd.Versioned, actor: Actor, at: datetime, **override: Any
    ) -> Ticket:
        current = self.ticket(ticket)
        change = lifecycle.apply(current, action, command, actor, SITE, at)
        if override:
            change = Change(change.ticket.model_copy(update=override), change.event)
        self.tickets.save(change, expected_version=current.version)
        return change.ticket

    def dispatch(self, ticket: Ticket, arrival_in: float, completion_in: float | None = None) -> Ticket:
        """Dispatched so that the arrival deadline is `arrival_in` seconds from now (rounded up to the second)."""
        minutes = SITE.arrival_minutes[BuildingClass.A]
        at = in_seconds(arrival_in) - timedelta(minutes=minutes)
        override = {} if completion_in is None else {"completion_due": deadline_iso(in_seconds(completion_in))}
        command = cmd.Dispatch(version=self.ticket(ticket).version, assignee="eng1")
        return self._apply(ticket, "dispatch", command, OPERATOR, at, **override)

    def arrive(self, ticket: Ticket, completion_in: float | None = None, retry_on_conflict: bool = False) -> Ticket:
        """The engineer checks in; with `retry_on_conflict`, again after a concurrent change (as the console does)."""
        override = {} if completion_in is None else {"completion_due": deadline_iso(in_seconds(completion_in))}
        while True:
            command = cmd.Arrive(version=self.ticket(ticket).version)
            try:
                return self._apply(ticket, "arrive", command, ENGINEER, datetime.now(UTC), **override)
            except VersionConflict:
                if not retry_on_conflict:
                    raise

    def reschedule(self, ticket: Ticket, to_in: float) -> Ticket:
        command = cmd.Reschedule(
            version=self.ticket(ticket).version,
            new_arrival=in_seconds(to_in),
            agreed_with="张三",
            contact_method="phone",
        )
        return self._apply(ticket, "reschedule", command, OPERATOR, datetime.now(UTC))

    def complete(self, ticket: Ticket) -> Ticket:
        command = cmd.Complete(version=self.ticket(ticket).version, summary="换了阀门")
        return self._apply(ticket, "complete", command, ENGINEER, datetime.now(UTC))

    def ticket(self, ticket: Ticket | str) -> Ticket:
        found = self.tickets.get(ticket if isinstance(ticket, str) else ticket.ticket_id)
        assert found is not None
        return found

    # ------------------------------------------------------------------ what happened

    def mail(self) -> list[Mail]:
        sent = ses_backends[ACCOUNT]["us-east-1"].sent_messages
        return [Mail(to=list(m.destinations.get("ToAddresses", [])), subject=m.subject, body=m.body) for m in sent]

    def alerts(self) -> list[dict[str, Any]]:
        return self._alerts()

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

    def wait_for(self, condition: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
        """Pump the stream until `condition()` holds; fail after `timeout` seconds."""
        end = time.monotonic() + timeout
        while True:
            self.stream.pump()
            if condition():
                return
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def sleep_until(self, moment: datetime) -> None:
        while (left := (moment - datetime.now(UTC)).total_seconds()) > 0:
            time.sleep(min(left, 0.01))

    def settle(self, seconds: float) -> None:
        """Let time pass while the router keeps up with the stream."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.stream.pump()
            time.sleep(0.1)
        self.stream.pump()

    def stop_all(self) -> None:
        for execution in self.executions("RUNNING"):
            for _ in range(50):
                try:
                    self.sfn.stop_execution(executionArn=execution["executionArn"])
                    break
                except AttributeError:  # moto: the execution's thread has not set itself up yet
                    time.sleep(0.02)


@contextmanager
def sla_harness(aws: boto3.Session, template: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    """The stack with Step Functions executing; every running execution stopped on the way out.

    The timers write from their own threads while the test writes from its own: moto's DynamoDB
    writes are made atomic (local_stack.moto_fixes), as DynamoDB's are, for the duration."""
    unpatched = DynamoDBBackend.transact_write_items
    moto_fixes.install()
    harness: Harness | None = None
    try:
        monkeypatch.setenv("TZ", "UTC")  # moto compares Wait timestamps with the local naive time
        time.tzset()
        monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})
        monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
        stack = provision(aws, template)
        for name, value in stack.env.items():
            monkeypatch.setenv(name, value)
        clear_caches()
        harness = Harness(stack, import_function("stream_router"))
        yield harness
    finally:
        if harness is not None:
            harness.stop_all()
            time.sleep(0.2)  # let the stopped executions' threads leave moto before the mock ends
        clear_caches()
        if DynamoDBBackend.transact_write_items is not unpatched:
            moto_fixes.uninstall()
