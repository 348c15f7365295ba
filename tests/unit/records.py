"""Data the unit and the integration tests share: records as the desk has stored them (closed tickets
and concluded callbacks, numbered `n`, for the analyses that read them back) and what a borrower
leaves at the desk. The integration tests load this file by path (`lambda_support.load_test_module`)."""

from __future__ import annotations

from typing import Any

from frontdesk.models.callback import Attempt, Callback, CallbackState, Method, Result
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.ticket import Channel, Contact, Kind, Status, Ticket

TICKET_DAY = "2026-11-05"

# An outsider borrowing an emergency key (000 §3.10): who they are, their ID and the deposit, with its receipt.
OUTSIDER = {
    "name": "王师傅",
    "company": "捷修水电",
    "id_document": "id_card",
    "id_number": "11010519491231002X",
    "deposit_fen": 20000,
    "receipt": "YJ-0042",
}


def ticket_number(n: int, day: str = TICKET_DAY) -> str:
    return f"QL-{day.replace('-', '')}-{n:03d}"


def closed_ticket(
    n: int,
    kind: Kind = Kind.REPAIR,
    category: str = "plumbing",
    unit: str = "101",
    day: str = TICKET_DAY,
    **changes: Any,
) -> Ticket:
    """Ticket `n` of building admin, received on `day` (09:mm in Shanghai, the same local day)."""
    at = f"{day}T01:{n % 60:02d}:00.000Z"
    fields: dict[str, Any] = {
        "ticket_id": f"{n:032x}",
        "site_id": "ql",
        "number": ticket_number(n, day),
        "local_day": day,
        "kind": kind,
        "channel": Channel.PHONE,
        "category": category,
        "status": Status.CLOSED,
        "building_id": "admin",
        "unit": unit,
        "description": "漏水",
        "contact": Contact(name="张三"),
        "received_by": "op1",
        "created_at": at,
        "updated_at": at,
    }
    return Ticket(**(fields | changes))


def concluded_callback(
    n: int, state: CallbackState = CallbackState.UNSATISFIED, done_at: str = "", defect: bool = False
) -> Callback:
    """The callback on ticket `n` (of TICKET_DAY), concluded by one phone call at `done_at` (by default
    on 2026-11-2<last digit of n>, so a higher `n` is a later one)."""
    done_at = done_at or f"2026-11-2{n % 10}T02:00:00.000Z"
    attempt = Attempt(
        at=done_at,
        local_day=done_at[:10],
        by="op1",
        method=Method.PHONE,
        result=Result.UNSATISFIED if state is CallbackState.UNSATISFIED else Result.SATISFIED,
        defect_remains=defect,
    )
    return Callback(
        callback_id=f"{n:032x}-3",
        site_id="ql",
        ticket_id=f"{n:032x}",
        ticket_number=ticket_number(n),
        ticket_kind="repair",
        reason=CallbackReason.KEY_REPAIR,
        state=state,
        created_at=done_at,
        due=done_at,
        assignee="op1",
        unit="101",
        building_id="admin",
        attempts=(attempt,),
        done_at=done_at,
    )
