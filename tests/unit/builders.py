"""Test data for the pure domain: one site with a building of each SLA class, the actors, valid commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from frontdesk.app.tickets import CLIENT
from frontdesk.clock import FixedClock
from frontdesk.domain import intake, lifecycle
from frontdesk.domain.lifecycle import Change
from frontdesk.models import commands as cmd
from frontdesk.models.site import Building, BuildingClass, Site
from frontdesk.models.ticket import (
    Actor,
    ActorKind,
    Assignment,
    Channel,
    Department,
    Kind,
    Role,
    Status,
    Ticket,
    TimelineEvent,
)

# 10:00 in Asia/Shanghai.
T0 = datetime(2026, 11, 22, 2, 0, 0, tzinfo=UTC)
TICKET_ID = "0123456789abcdef0123456789abcdef"


def staff(actor_id: str, *roles: Role) -> Actor:
    return Actor(kind=ActorKind.STAFF, id=actor_id, roles=frozenset(roles))


OPERATOR = staff("op1", Role.OPERATOR)
ENGINEER = staff("eng1", Role.ENGINEER)
OTHER_ENGINEER = staff("eng2", Role.ENGINEER)
DUTY_MANAGER = staff("dm1", Role.DUTY_MANAGER)
MANAGER = staff("mgr1", Role.MANAGER)
NOBODY = staff("guest")
SYSTEM = Actor(kind=ActorKind.SYSTEM, id="sla-timer")
CLIENT_ACTOR = CLIENT
# The desk's own people: those who take calls, write to the tenant and run the desk.
DESK_ROLES = (OPERATOR, DUTY_MANAGER, MANAGER)

BUILDING_OF_CLASS = {BuildingClass.A: "admin", BuildingClass.B: "dorm", BuildingClass.C: "expert"}


def make_site(**overrides: Any) -> Site:
    fields: dict[str, Any] = {
        "site_id": "ql",
        "code": "QL",
        "name": "齐鲁校区",
        "name_en": "Qilu campus",
        "buildings": (
            Building(building_id="admin", name="行政楼", building_class=BuildingClass.A, units=("101", "102")),
            Building(building_id="dorm", name="学生公寓", building_class=BuildingClass.B),
            Building(building_id="expert", name="专家公寓", building_class=BuildingClass.C, units=("1-101",)),
        ),
    }
    fields.update(overrides)
    return Site.model_validate(fields)


SITE = make_site()

CATEGORY = {
    Kind.REPAIR: "plumbing",
    Kind.PAID_SERVICE: "installation",
    Kind.EMERGENCY: "water_leak",
    Kind.COMPLAINT: "staff_attitude",
    Kind.INQUIRY: "fees",
}


def staff_request(kind: Kind = Kind.REPAIR, building_id: str = "admin", **overrides: Any) -> cmd.StaffNewTicket:
    fields: dict[str, Any] = {
        "site_id": "ql",
        "building_id": building_id,
        "unit": "101" if building_id == "admin" else "",
        "location": "" if building_id == "admin" else "三楼走廊",
        "kind": kind,
        "category": CATEGORY[kind],
        "channel": Channel.PHONE,
        "description": "卫生间漏水",
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    fields.update(overrides)
    return cmd.StaffNewTicket.model_validate(fields)


def public_request(**overrides: Any) -> cmd.NewTicket:
    fields: dict[str, Any] = {
        "site_id": "ql",
        "building_id": "admin",
        "unit": "101",
        "kind": "repair",
        "category": "plumbing",
        "description": "卫生间漏水",
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    fields.update(overrides)
    return cmd.NewTicket.model_validate(fields)


def command(action: str, version: int, **overrides: Any) -> cmd.Versioned:
    """A valid command body for each action."""
    defaults: dict[str, tuple[type[cmd.Versioned], dict[str, Any]]] = {
        "decline": (cmd.Decline, {"reason": "不属于物业维修范围"}),
        "dispatch": (cmd.Dispatch, {"assignee": "eng1"}),
        "reschedule": (
            cmd.Reschedule,
            {"new_arrival": T0 + timedelta(days=30), "agreed_with": "张三", "contact_method": "phone"},
        ),
        "arrive": (cmd.Arrive, {}),
        "quote": (
            cmd.QuoteIn,
            {"lines": [{"item": "水龙头", "amount_cents": 4500}], "tax_cents": 585, "labour_cents": 3000},
        ),
        "quote_decision": (cmd.QuoteDecision, {"confirm": True}),
        "unfinished": (cmd.Unfinished, {"reason": "等配件"}),
        "complete": (cmd.Complete, {"summary": "已更换阀芯"}),
        "accept": (cmd.Acceptance, {"satisfied": True, "rating": 5}),
        "handle": (cmd.Handle, {"department": Department.CUSTOMER_SERVICE, "action_taken": "已致歉并核实"}),
        "reply": (cmd.Reply, {"reply": "已电话回复客户", "method": "phone"}),
        "close": (cmd.Close, {"note": "客户电话确认"}),
        "take": (cmd.Take, {}),
        "reassign": (cmd.Reassign, {"assignee": "eng2", "reason": "eng1 请假"}),
        "redispatch": (cmd.Redispatch, {"assignee": "eng2", "reason": "eng1 无法到场"}),
        "cancel": (cmd.Cancel, {"reason": "客户撤回报修"}),
        "validity": (cmd.Validity, {"valid": True, "reason": "保安确有失职"}),
        "draft_reply": (cmd.DraftReply, {"text": "尊敬的业主：经核实……特此函复。"}),
        "approve_reply": (cmd.ApproveReply, {}),
        "agree_reply": (
            cmd.AgreeReply,
            {"reply_by": T0 + timedelta(hours=2), "agreed_with": "张三", "contact_method": "phone"},
        ),
    }
    model, fields = defaults[action]
    return model.model_validate({"version": version, **fields, **overrides})


ACTIONS = (
    "decline",
    "dispatch",
    "reschedule",
    "arrive",
    "quote",
    "quote_decision",
    "unfinished",
    "complete",
    "accept",
    "handle",
    "reply",
    "close",
    "take",
    "reassign",
    "redispatch",
    "cancel",
    "validity",
    "agree_reply",
    "draft_reply",
    "approve_reply",
)

# Who would normally take each action (the assignee is eng1).
ACTOR_FOR: dict[str, Actor] = {
    "decline": OPERATOR,
    "dispatch": OPERATOR,
    "reschedule": ENGINEER,
    "arrive": ENGINEER,
    "quote": ENGINEER,
    "quote_decision": CLIENT,
    "unfinished": ENGINEER,
    "complete": ENGINEER,
    "accept": CLIENT,
    "handle": OPERATOR,
    "reply": OPERATOR,
    "close": OPERATOR,
    "take": ENGINEER,
    "reassign": OPERATOR,
    "redispatch": OPERATOR,
    "cancel": DUTY_MANAGER,
    "validity": MANAGER,
    "agree_reply": OPERATOR,
    "draft_reply": OPERATOR,
    "approve_reply": MANAGER,
}


class FixedRoster:
    """The site's engineers, for a desk without a user pool (frontdesk.app.ports.EngineerRoster)."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names or ("eng1", "eng2"))

    def engineers(self, site_id: str) -> frozenset[str]:
        return self.names


class Walk:
    """One ticket driven through the domain with a fixed clock, keeping every timeline event."""

    def __init__(
        self,
        kind: Kind = Kind.REPAIR,
        building_id: str = "admin",
        site: Site = SITE,
        start: datetime = T0,
        request: cmd.StaffNewTicket | cmd.NewTicket | None = None,
    ) -> None:
        self.site = site
        self.clock = FixedClock(start)
        opened = intake.open_ticket(
            request or staff_request(kind, building_id), site, OPERATOR, self.clock.now(), TICKET_ID, 1
        )
        self.ticket: Ticket = opened.ticket
        self.events: list[TimelineEvent] = [opened.event]

    def do(self, action: str, actor: Actor | None = None, **overrides: Any) -> Change:
        change = lifecycle.apply(
            self.ticket,
            action,
            command(action, self.ticket.version, **overrides),
            actor or ACTOR_FOR[action],
            self.site,
            self.clock.now(),
        )
        self.ticket = change.ticket
        self.events.append(change.event)
        return change

    def run(self, *actions: str) -> Ticket:
        for action in actions:
            self.do(action)
        return self.ticket

    def later(self, **delta: float) -> Walk:
        self.clock.advance(**delta)
        return self


def assigned(ticket: Ticket, assignee: str = "eng1") -> Ticket:
    return ticket.model_copy(update={"assignment": Assignment(department=Department.ENGINEERING, assignee=assignee)})


Step = tuple[str, dict[str, Any]]

_DISPATCHED: tuple[Step, ...] = (("dispatch", {}),)
_ARRIVED = (*_DISPATCHED, ("arrive", {}))
_QUOTED = (*_ARRIVED, ("quote", {}))
_IN_PROGRESS = (*_QUOTED, ("quote_decision", {"confirm": True}))


def _repair_like(completed: tuple[Step, ...], unfinished: tuple[Step, ...]) -> dict[Status, tuple[Step, ...]]:
    return {
        Status.RECEIVED: (),
        Status.DECLINED: (("decline", {}),),
        Status.DISPATCHED: _DISPATCHED,
        Status.ARRIVED: _ARRIVED,
        Status.QUOTED: _QUOTED,
        Status.IN_PROGRESS: _IN_PROGRESS,
        Status.UNFINISHED: unfinished,
        Status.COMPLETED: completed,
        Status.REOPENED: (*completed, ("accept", {"satisfied": False, "rating": 2})),
        Status.CLOSED: (*completed, ("accept", {"satisfied": True})),
    }


_PLAIN_REPAIR = _repair_like((*_ARRIVED, ("complete", {})), (*_ARRIVED, ("unfinished", {})))

# How a ticket of each kind reaches each status it can be in (paid work always has a confirmed quote).
PATHS: dict[Kind, dict[Status, tuple[Step, ...]]] = {
    Kind.REPAIR: _PLAIN_REPAIR,
    Kind.EMERGENCY: _PLAIN_REPAIR,
    Kind.PAID_SERVICE: _repair_like((*_IN_PROGRESS, ("complete", {})), (*_IN_PROGRESS, ("unfinished", {}))),
    Kind.COMPLAINT: {
        Status.RECEIVED: (),
        Status.HANDLED: (("handle", {}),),
        Status.REPLIED: (("handle", {}), ("reply", {})),
        Status.CLOSED: (("handle", {}), ("reply", {}), ("close", {})),
    },
    Kind.INQUIRY: {
        Status.RECEIVED: (),
        Status.REPLIED: (("reply", {}),),
        Status.CLOSED: (("reply", {}), ("close", {})),
    },
}


def walk_to(kind: Kind, status: Status) -> Walk:
    walk = Walk(kind)
    for action, overrides in PATHS[kind][status]:
        walk.do(action, **overrides)
    assert walk.ticket.status is status
    return walk
