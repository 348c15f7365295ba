"""Harness for the photo, incident-report and evidence-pack tests: the stack from template.yaml in moto,
the routers of functions/public_api/public_photos.py, functions/staff_api/photos.py and
functions/staff_api/incidents.py included in resolvers built like the API functions' own, the
photo_ingest handler called with events shaped like events/*.json, and what the stream router does
for incident reports (a rung their clock reached, the notices they owe) called as it calls it.

    def test_something(ev: Evidence) -> None:   # the `ev` fixture of conftest.py
        opened = ev.open_ticket()

Uploads go to the presigned POST for real (moto intercepts the HTTP request, and like moto it
enforces none of the policy's conditions: photo_ingest must, and is tested doing so).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
import requests

from frontdesk import wiring
from frontdesk.adapters.clocks import ClockStore, clock_item
from frontdesk.adapters.dynamodb import SiteStore, TicketStore
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.api import intake
from frontdesk.api.resolver import BoundedResolver, make_resolver
from frontdesk.app.tickets import Opened
from frontdesk.clock import FixedClock, to_iso
from frontdesk.models import commands as cmd
from frontdesk.models.clock import Clock, ClockKind, SubjectType
from frontdesk.models.ticket import Ticket
from frontdesk.settings import settings
from local_stack.provision import Stack
from local_stack.template import load_template

from .lambda_support import (
    OPERATOR,
    SITE,
    LambdaContext,
    Mail,
    load_handler_module,
    load_test_module,
    sent_mail,
    subscribe,
)
from .staff_calls import api_event

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_s3.client import S3Client

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
START = datetime(2026, 11, 22, 2, 0, 0, tzinfo=UTC)  # 10:00 in Shanghai
MANAGERS = {
    "centre_manager": ("centre.manager@example.com",),
    "department_and_engineering_managers": ("engineering.head@example.com", "security.head@example.com"),
}

# A valid staff command to open a ticket, as the unit tests build it.
staff_request: Callable[..., cmd.StaffNewTicket] = load_test_module("tests/unit/builders.py").staff_request
# The byte-by-byte image builders, shared with the unit tests.
samples = load_test_module("tests/unit/photo_samples.py")
jpeg: Callable[..., bytes] = samples.jpeg
png: Callable[..., bytes] = samples.png
heic: Callable[..., bytes] = samples.heic
oversize: Callable[[], bytes] = samples.oversize
HTML_NAMED_JPG: bytes = samples.HTML_NAMED_JPG
comment: Callable[[bytes], bytes] = samples.comment
jpeg_with: Callable[[bytes], bytes] = samples.jpeg_with


def load_module(relative: str) -> ModuleType:
    return load_handler_module(relative, "evidence")


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


def enable_object_lock(s3: S3Client, bucket: str) -> None:
    """What the template declares for the bucket (ObjectLockEnabled, no default retention), if the
    local provisioning did not already do it: moto allows it on a new versioned bucket."""
    declared = load_template()["Resources"]["EvidenceBucket"]["Properties"]
    assert declared["ObjectLockEnabled"] is True
    assert "Rule" not in declared["ObjectLockConfiguration"]
    try:
        s3.get_object_lock_configuration(Bucket=bucket)
    except s3.exceptions.ClientError:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})


class Evidence:
    def __init__(self, stack: Stack, clock: FixedClock) -> None:
        self.stack = stack
        self.clock = clock
        name = stack["Table"]["name"] or ""
        self.table: Table = boto3.resource("dynamodb").Table(name)
        self.tickets = TicketStore(self.table)
        self.bucket = stack["EvidenceBucket"]["name"] or ""
        self.s3: S3Client = boto3.client("s3")
        enable_object_lock(self.s3, self.bucket)
        SiteStore(self.table).put(SITE)
        lists = SlaStore(self.table)
        for list_name, addresses in MANAGERS.items():
            for address in addresses:
                lists.add_member(SITE.site_id, list_name, address)
        self.public = self._resolver("functions/public_api/public_photos.py")
        self.staff_app = self._resolver("functions/staff_api/photos.py", "functions/staff_api/incidents.py")
        self.ingest_module = load_module("functions/photo_ingest/app.py")
        self._alerts = self._subscribe(stack["EscalationTopic"]["arn"] or "")
        self._sample: dict[str, Any] = json.loads((EVENTS / "staff_dispatch.json").read_text("utf-8"))

    @staticmethod
    def _resolver(*routers: str) -> BoundedResolver:
        app = make_resolver(settings().max_body_bytes)
        for path in routers:
            app.include_router(load_module(path).router)
        return app

    # ------------------------------------------------------------------ tickets

    def open_ticket(self) -> Opened:
        """A repair of 101 in the admin building, taken by op1 on the phone."""
        return wiring.desk().open(staff_request(), OPERATOR)

    def close(self, ticket: Ticket) -> Ticket:
        """Straight to closed (declined): a ticket the tenant can no longer add photos to."""
        return wiring.desk().act(
            ticket.ticket_id, "decline", cmd.Decline(version=ticket.version, reason="重复报修"), OPERATOR
        )

    # ------------------------------------------------------------------ API calls

    def call(
        self,
        app: BoundedResolver,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = "dm1",
        groups: str = "duty_manager",
        language: str = "en",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        event = api_event(
            copy.deepcopy(self._sample),
            method,
            path,
            body,
            user=user,
            groups=groups,
            language=language,
            headers=headers,
        )
        context = LambdaContext()
        intake.CONFIG.register_lambda_context(cast(Any, context))  # as the API functions' handlers do
        response = app.resolve(event, context)
        raw = response.get("body") or ""
        return Reply(response["statusCode"], json.loads(raw) if raw else None)

    def public_call(self, method: str, path: str, body: Any = None, language: str = "en") -> Reply:
        return self.call(self.public, method, path, body, user=None, language=language)

    def staff(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call(self.staff_app, method, path, body, **kwargs)

    # ------------------------------------------------------------------ S3 and the handlers

    def upload(self, slot: dict[str, Any], data: bytes, filename: str = "photo.jpg") -> requests.Response:
        """What the browser does with a slot: the fields, then the file, as multipart/form-data."""
        return requests.post(
            slot["url"],
            data=slot["fields"],
            files={"file": (filename, data, slot["fields"].get("Content-Type", "application/octet-stream"))},
            timeout=10,
        )

    def ingest(
        self, key: str, version_id: str | None = None, with_version: bool = True, uploaded: datetime | None = None
    ) -> dict[str, Any]:
        """photo_ingest with S3's event for the object: the version named, else the current one; the event
        says the object was created now, or at ``uploaded`` (an event delivered later)."""
        event: dict[str, Any] = json.loads((EVENTS / "photo_ingest_object_created.json").read_text("utf-8"))
        record = event["Records"][0]
        if version_id is None:
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
            version_id, size = head["VersionId"], head["ContentLength"]
        else:
            size = 0  # a redelivered event of an object that may be gone by now
        record["s3"]["bucket"].update(name=self.bucket, arn=f"arn:aws:s3:::{self.bucket}")
        record["s3"]["object"].update(key=key, size=size, versionId=version_id)
        if not with_version:
            del record["s3"]["object"]["versionId"]
        record["eventTime"] = (uploaded or self.clock.now()).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        result: dict[str, Any] = self.ingest_module.lambda_handler(event, LambdaContext())
        return result

    def upload_and_ingest(self, slot: dict[str, Any], data: bytes) -> dict[str, Any]:
        response = self.upload(slot, data)
        assert response.status_code in (200, 201, 204), response.text
        return self.ingest(self.key_of(slot))

    def key_of(self, slot: dict[str, Any]) -> str:
        return str(slot["fields"]["key"])

    # ------------------------------------------------------------------ incident reports on the stream

    def report_clock(self, report_id: str) -> Clock:
        return ClockStore(self.table).of_subject(SubjectType.REPORT, report_id)[ClockKind.INCIDENT_REPORT]

    def reach(self, report_id: str, level: int) -> Clock:
        """What the clock's state machine does at rung ``level`` (the clock moved up, stamped with the
        time; never early), then what the stream router does with that clock record."""
        clock = self.report_clock(report_id)
        at = to_iso(self.clock.now())
        assert clock.is_open and clock.level == level - 1 and clock.rungs[level - 1].at <= at
        reached = clock.model_copy(update={"level": level, "escalated_at": at, "breached_at": clock.breached_at or at})
        self.table.put_item(Item=clock_item(reached))
        wiring.incident_notices().on_rung(reached, level)
        return reached

    def notices(self, report_id: str) -> None:
        """What the stream router does with a report written: the notices it owes, if any."""
        item = self.item(f"REPORT#{report_id}", "REPORT")
        if item is not None and item.get("owed"):
            wiring.incident_notices().on_change(report_id)

    # ------------------------------------------------------------------ what happened

    def mail(self) -> list[Mail]:
        return sent_mail()

    def alerts(self) -> list[dict[str, Any]]:
        return self._alerts()

    def _subscribe(self, topic_arn: str) -> Callable[[], list[dict[str, Any]]]:
        return subscribe(topic_arn, "evidence-alerts")

    def item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self.table.get_item(Key={"PK": pk, "SK": sk}, ConsistentRead=True).get("Item")


def _clear() -> None:
    wiring.reset()
    intake._once.cache_clear()


@contextmanager
def evidence(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Evidence]:
    """The evidence harness, its clock fixed at START (the `ev` fixture of conftest.py)."""
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    clock = FixedClock(START)
    monkeypatch.setattr(wiring, "SystemClock", lambda: clock)
    _clear()
    try:
        yield Evidence(stack, clock)
    finally:
        _clear()
