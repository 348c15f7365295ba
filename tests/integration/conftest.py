"""Handlers driven in-process by events/*.json against the stack provisioned from template.yaml.

Fixtures build on tests/conftest.py (`aws`, `stack`):
- `clock`: the desk's clock, fixed at 2026-11-22T02:00:00Z (10:00 in Shanghai); tests advance it.
- `site`: site "ql" with a building of each SLA class, written through SiteStore, and its roster in
  the user pool (`ROSTER`: engineers eng1 and eng2, op1, dm1, mgr1; eng9 works on another site).
- `public`, `staff`, `router`: the function modules imported by file path after the environment is
  set, wrapped so a call takes an event and returns the decoded response.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from frontdesk import wiring
from frontdesk.adapters.dynamodb import SiteStore, TicketStore
from frontdesk.api import intake
from frontdesk.clock import FixedClock
from frontdesk.models.site import Building, BuildingClass, Site
from local_stack.demo import StaffMember, add_staff
from local_stack.provision import Stack

from .lambda_support import LambdaContext, load_handler_module

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

    from .evidence_support import Evidence

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
START = datetime(2026, 11, 22, 2, 0, 0, tzinfo=UTC)
DAY = "2026-11-22"
_unique = itertools.count()

ROSTER = (
    StaffMember("eng1", "王工", "engineer", "engineering", "+8613800001001"),
    StaffMember("eng2", "李师傅", "engineer", "engineering", "+8613800001002"),
    StaffMember("op1", "周晓", "operator", "customer_service", "+8613800002001"),
    StaffMember("dm1", "孙经理", "duty_manager", "customer_service"),
    StaffMember("mgr1", "吴主任", "manager"),
)
ELSEWHERE = StaffMember("eng9", "外场工程师", "engineer", "engineering")
# (username, group) of the roster, as the staff events' helpers take them
ENG1, ENG2, OP1, DM1, MGR1 = ((m.username, m.role) for m in ROSTER)


# ------------------------------------------------------------------------------------------ events


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text("utf-8"))
    return data


def set_header(event: dict[str, Any], name: str, value: str | None) -> None:
    """Set (or with None remove) a header in both headers and multiValueHeaders, as API Gateway sends them."""
    for key in [k for k in event["headers"] if k.lower() == name.lower()]:
        del event["headers"][key]
        event["multiValueHeaders"].pop(key, None)
    if value is not None:
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]


def with_body(event: dict[str, Any], body: Any = None, raw: str | None = None) -> dict[str, Any]:
    text = raw if raw is not None else json.dumps(body, ensure_ascii=False)
    event["body"] = text
    set_header(event, "Content-Length", str(len(text.encode("utf-8"))))
    return event


def with_path(event: dict[str, Any], **params: str) -> dict[str, Any]:
    """Fill the resource's {param}s: pathParameters, path and requestContext.path agree."""
    merged = {**(event["pathParameters"] or {}), **params}
    path = event["resource"]
    for key, value in merged.items():
        path = path.replace("{" + key + "}", value)
    event["pathParameters"] = merged
    event["path"] = path
    event["requestContext"]["path"] = f"/{event['requestContext']['stage']}{path}"
    return event


def with_query(event: dict[str, Any], **params: str) -> dict[str, Any]:
    event["queryStringParameters"] = params or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()} or None
    return event


def as_staff(event: dict[str, Any], username: str | None, groups: str = "") -> dict[str, Any]:
    """Claims as the Cognito authorizer hands them on; username None removes the authorizer context."""
    context = event["requestContext"]
    if username is None:
        context.pop("authorizer", None)
        return event
    claims = context.setdefault("authorizer", {}).setdefault("claims", {})
    claims.update({"cognito:username": username, "cognito:groups": groups, "email": f"{username}@example.com"})
    return event


def public_create(body: dict[str, Any] | None = None, /, key: str | None = None, **changes: Any) -> dict[str, Any]:
    event = load_event("public_create_ticket.json")
    base: dict[str, Any] = json.loads(event["body"])
    with_body(event, body if body is not None else {**base, **changes})
    set_header(event, "Idempotency-Key", key)
    return event


def staff_create(
    username: str = "op1", groups: str = "operator", key: str | None = None, **changes: Any
) -> dict[str, Any]:
    event = load_event("staff_create_ticket.json")
    with_body(event, {**json.loads(event["body"]), **changes})
    set_header(event, "Idempotency-Key", key)
    return as_staff(event, username, groups)


def staff_action(
    ticket_id: str, action: str, body: dict[str, Any], username: str = "op1", groups: str = "operator"
) -> dict[str, Any]:
    event = load_event("staff_dispatch.json")
    with_path(event, ticket_id=ticket_id, action=action)
    with_body(event, body)
    return as_staff(event, username, groups)


def staff_read(ticket_id: str, username: str = "op1", groups: str = "operator") -> dict[str, Any]:
    event = load_event("staff_list_queue.json")
    event["resource"] = "/staff/tickets/{ticket_id}"
    event["requestContext"]["resourcePath"] = event["resource"]
    with_query(event)
    with_path(event, ticket_id=ticket_id)
    return as_staff(event, username, groups)


def staff_queue(site_id: str = "ql", username: str = "op1", groups: str = "operator", **query: str) -> dict[str, Any]:
    event = load_event("staff_list_queue.json")
    with_query(event, site_id=site_id, **query)
    return as_staff(event, username, groups)


def track(token: str) -> dict[str, Any]:
    return with_path(load_event("public_track_ticket.json"), token=token)


def client_post(token: str, what: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /public/track/{token}/acceptance or /quote-decision, from the acceptance sample."""
    event = load_event("public_acceptance.json")
    event["resource"] = f"/public/track/{{token}}/{what}"
    event["requestContext"]["resourcePath"] = event["resource"]
    with_path(event, token=token)
    return with_body(event, body)


# ------------------------------------------------------------------------------------------ handlers


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, str]
    raw: str

    def field(self, name: str) -> Any:
        return self.body[name]


class Api:
    def __init__(self, module: ModuleType) -> None:
        self.module = module

    def __call__(self, event: dict[str, Any]) -> Reply:
        response: dict[str, Any] = self.module.lambda_handler(copy.deepcopy(event), LambdaContext())
        raw = response.get("body") or ""
        headers = {k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}
        headers.update(response.get("headers") or {})
        return Reply(response["statusCode"], json.loads(raw) if raw else None, headers, raw)

    def in_language(self, event: dict[str, Any], language: str) -> Reply:
        """The answer to ``event`` asked in ``language`` (its Accept-Language header is set)."""
        set_header(event, "Accept-Language", language)
        return self(event)

    def refusal_in_english(self, event: dict[str, Any]) -> tuple[int, str, str]:
        """(status, code, message) of the answer to ``event`` asked in English."""
        reply = self.in_language(event, "en")
        return reply.status, reply.body["code"], reply.body["message"]


def import_function(name: str) -> ModuleType:
    """functions/<name>/app.py as a fresh module (the handlers are not a package)."""
    return load_handler_module(f"functions/{name}/app.py", "it")


@pytest.fixture
def env(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """The stack's environment plus quiet powertools; every process-wide cache empty before and after."""
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")

    def clear() -> None:
        wiring.reset()
        intake._once.cache_clear()

    clear()
    yield stack
    clear()


@pytest.fixture
def clock(env: Stack, monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    fixed = FixedClock(START)
    monkeypatch.setattr(wiring, "SystemClock", lambda: fixed)
    return fixed


@pytest.fixture
def table(env: Stack) -> Table:
    name = env["Table"]["name"]
    assert name is not None
    return boto3.resource("dynamodb").Table(name)


@pytest.fixture
def store(table: Table) -> TicketStore:
    return TicketStore(table)


@pytest.fixture
def site(table: Table) -> Site:
    ql = Site(
        site_id="ql",
        code="QL",
        name="齐鲁校区",
        name_en="Qilu campus",
        buildings=(
            Building(building_id="admin", name="行政楼", building_class=BuildingClass.A, units=("101", "102")),
            Building(building_id="dorm", name="学生公寓", building_class=BuildingClass.B),
            Building(building_id="expert", name="专家公寓", building_class=BuildingClass.C, units=("1-101", "1-102")),
        ),
    )
    SiteStore(table).put(ql)
    cognito, pool = boto3.client("cognito-idp"), os.environ["USER_POOL_ID"]
    for member in ROSTER:
        add_staff(cognito, pool, member, "ql")
    add_staff(cognito, pool, ELSEWHERE, "other")
    return ql


@pytest.fixture
def public(clock: FixedClock, site: Site) -> Api:
    return Api(import_function("public_api"))


@pytest.fixture
def staff(clock: FixedClock, site: Site) -> Api:
    return Api(import_function("staff_api"))


@pytest.fixture
def router(env: Stack) -> Callable[[dict[str, Any]], dict[str, Any]]:
    module = import_function("stream_router")
    wiring.reset()

    def call(event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = module.lambda_handler(copy.deepcopy(event), LambdaContext())
        return result

    return call


@pytest.fixture
def ev(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Evidence]:
    """The evidence harness (photos, incident reports, packs) with its clock fixed at its START."""
    # Imported here: evidence_support imports this module (through staff_calls).
    from .evidence_support import evidence

    with evidence(stack, monkeypatch) as harness:
        yield harness


def staff_open(staff: Api, **changes: Any) -> tuple[str, str]:
    """A ticket taken by op1 on the phone (staff_create_ticket.json with `changes`): its id and tracking token."""
    reply = staff(staff_create(**changes))
    assert reply.status == 201, reply.raw
    return reply.body["ticket_id"], reply.body["tracking_token"]


def staff_act(
    staff: Api, ticket_id: str, action: str, body: dict[str, Any], who: tuple[str, str] = ("op1", "operator")
) -> Any:
    """A lifecycle action that must succeed; the answer's body."""
    reply = staff(staff_action(ticket_id, action, body, *who))
    assert reply.status == 200, f"{action}: {reply.raw}"
    return reply.body


def handled_complaint(staff: Api, store: TicketStore) -> tuple[str, str]:
    """A complaint handled and its callback created: the callback's id and the tracking token."""
    ticket_id, token = staff_open(staff, kind="complaint", category="staff_attitude")
    staff_act(staff, ticket_id, "handle", {"version": 1, "department": "engineering", "action_taken": "已协调"})
    created = wiring.callbacks().on_event(store.timeline(ticket_id)[-1])  # as the stream router does
    assert created is not None
    return created.callback_id, token


def completed_repair(staff: Api, category: str = "plumbing") -> str:
    """A repair dispatched to eng1, who arrives and completes it: the ticket's id."""
    ticket_id, _ = staff_open(staff, kind="repair", category=category)
    staff_act(staff, ticket_id, "dispatch", {"version": 1, "assignee": "eng1"})
    staff_act(staff, ticket_id, "arrive", {"version": 2}, ENG1)
    staff_act(staff, ticket_id, "complete", {"version": 3, "summary": "换了阀门"}, ENG1)
    return ticket_id


def counter(table: Table, site_id: str = "ql", day: str = DAY) -> int | None:
    item = table.get_item(Key={"PK": f"SITE#{site_id}", "SK": f"COUNTER#{day}"}).get("Item")
    return None if item is None else int(str(item["n"]))
