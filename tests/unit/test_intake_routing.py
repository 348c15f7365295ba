"""Who is told at intake, by the ticket alone (frontdesk.domain.routing; 000 §3.3c, §3.4-3.8)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.domain import intake, routing
from frontdesk.models.escalation import MANAGER_LIST
from frontdesk.models.routing import (
    DEFAULT_CALLS,
    DEFAULT_EMERGENCY_CALLS,
    LEADERSHIP_LIST,
    EmergencyCalls,
    routing_lists,
)
from frontdesk.models.ticket import EMERGENCIES, Kind, Severity, Ticket

from .builders import OPERATOR, SITE, T0, TICKET_ID, staff_request


def _ticket(kind: Kind, **fields: Any) -> Ticket:
    return intake.open_ticket(staff_request(kind, **fields), SITE, OPERATOR, T0, TICKET_ID, 1).ticket


@pytest.mark.parametrize(
    ("severity", "lists"),
    [(Severity.NORMAL, ()), (Severity.SERIOUS, (MANAGER_LIST,)), (Severity.LEADERSHIP, (LEADERSHIP_LIST,))],
)
def test_a_complaint_is_routed_by_its_severity(severity: Severity, lists: tuple[str, ...]) -> None:
    ticket = _ticket(Kind.COMPLAINT, severity=severity)
    assert routing.routed(ticket) is bool(lists)
    assert routing.lists(ticket, DEFAULT_EMERGENCY_CALLS) == lists


@pytest.mark.parametrize("emergency", EMERGENCIES)
def test_every_emergency_tells_the_roles_of_the_call_list(emergency: str) -> None:
    extra = {"disabled_occupants": "unknown"} if emergency == "fire" else {}
    ticket = _ticket(Kind.EMERGENCY, category=emergency, **extra)
    assert routing.reason(ticket) == "emergency"
    assert routing.lists(ticket, DEFAULT_EMERGENCY_CALLS) == DEFAULT_CALLS[emergency]
    assert len(DEFAULT_CALLS[emergency]) >= 1


def test_the_manuals_roles() -> None:
    # 000 §3.8: by phone to the property manager, the duty manager, the security head, the engineering head
    assert DEFAULT_CALLS["fire"] == ("property_manager", "duty_manager", "security_head", "engineering_head")
    # 000 §3.4c: the security head and the top property executive
    assert DEFAULT_CALLS["death"] == ("security_head", "top_executive")
    # 000 §3.4e: the security manager
    assert DEFAULT_CALLS["explosion_or_suspicious_object"][0] == "security_manager"


@pytest.mark.parametrize("kind", [Kind.REPAIR, Kind.INQUIRY, Kind.PAID_SERVICE])
def test_other_kinds_tell_nobody_at_intake(kind: Kind) -> None:
    ticket = _ticket(kind)
    assert not routing.routed(ticket) and routing.lists(ticket, DEFAULT_EMERGENCY_CALLS) == ()


def test_an_edited_call_list_replaces_the_roles_and_every_list_it_names_may_be_filled() -> None:
    calls = EmergencyCalls(calls={**DEFAULT_CALLS, "fight": ("security_head", "duty_manager", "security_head")})
    assert calls.roles("fight") == ("security_head", "duty_manager")  # once each
    assert {MANAGER_LIST, LEADERSHIP_LIST, "top_executive"} <= set(routing_lists(calls))


@pytest.mark.parametrize(
    "calls",
    [
        {k: v for k, v in DEFAULT_CALLS.items() if k != "fire"},
        {**DEFAULT_CALLS, "flood": ("duty_manager",)},
        {**DEFAULT_CALLS, "fire": ()},
        {**DEFAULT_CALLS, "fire": ("Not A List",)},
    ],
)
def test_a_call_list_with_a_hole_or_a_typo_is_refused(calls: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(ValidationError):
        EmergencyCalls(calls=calls)
