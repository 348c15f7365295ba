"""Who is told at intake, by the ticket alone (000 §3.3c, §3.4-3.8; 001 part 2): pure rules.

- a serious complaint → the site's manager list (应马上通知经理);
- a compensation claim or a complaint against the office head → company leadership;
- an emergency → the roles of the site's emergency call list for its type.

The mails go out from the stream (frontdesk.app.routing), once per list, however often the record
is delivered.
"""

from __future__ import annotations

from typing import Final

from frontdesk.domain.permissions import DESK, MANAGERS, require_staff_in
from frontdesk.models.escalation import MANAGER_LIST
from frontdesk.models.routing import LEADERSHIP_LIST, EmergencyCalls
from frontdesk.models.ticket import Actor, Kind, Severity, Ticket

ROUTED: Final = "route"  # the notice owed at intake, and the action on the timeline once it went out
COMPLAINT_LISTS: Final = {Severity.SERIOUS: MANAGER_LIST, Severity.LEADERSHIP: LEADERSHIP_LIST}
# Who may read a site's call list (the desk takes the calls), and who edits it.
CALL_LIST_EDITORS: Final = MANAGERS


def reason(ticket: Ticket) -> str:
    """Why a ticket is routed at intake ("" if it is not): the severity of a complaint, or "emergency"."""
    if ticket.kind is Kind.COMPLAINT and ticket.severity in COMPLAINT_LISTS:
        return ticket.severity.value
    if ticket.kind is Kind.EMERGENCY:
        return "emergency"
    return ""


def routed(ticket: Ticket) -> bool:
    return bool(reason(ticket))


def lists(ticket: Ticket, calls: EmergencyCalls) -> tuple[str, ...]:
    """The site's mailing lists told about this ticket at intake, in the order the manual names them."""
    if ticket.kind is Kind.COMPLAINT and ticket.severity in COMPLAINT_LISTS:
        return (COMPLAINT_LISTS[ticket.severity],)
    if ticket.kind is Kind.EMERGENCY:
        return calls.roles(ticket.category)
    return ()


def check_may_read_calls(actor: Actor) -> None:
    require_staff_in(actor, DESK, "read_emergency_calls")


def check_may_edit_calls(actor: Actor) -> None:
    require_staff_in(actor, CALL_LIST_EDITORS, "edit_emergency_calls")
