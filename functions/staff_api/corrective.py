"""Staff API: a major complaint's corrective-action report (纠正措施报告, 001 part 2). Read by staff,
written (and rewritten until verified) by the supervisors, verified by a manager; its clock
escalates to the managers' list when it is not verified by the end of its due day."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.params import TicketId
from frontdesk.api.routes import new_router
from frontdesk.models.corrective import CorrectiveActionView, VerifyCorrectiveAction, WriteCorrectiveAction
from frontdesk.wiring import corrective_desk

router = new_router()


@router.get(
    "/staff/tickets/<ticket_id>/corrective-action",
    summary="A complaint's corrective-action report, and whether it needs one (a major complaint)",
)
def corrective_action(actor: StaffActor, ticket_id: TicketId) -> CorrectiveActionView:
    return corrective_desk().read(ticket_id, actor)


@router.post(
    "/staff/tickets/<ticket_id>/corrective-action",
    summary="Write a major complaint's corrective-action report: cause, action, owner, due day (supervisors)",
)
def write_corrective_action(
    actor: StaffActor, ticket_id: TicketId, body: Annotated[WriteCorrectiveAction, Body()]
) -> CorrectiveActionView:
    return corrective_desk().write(ticket_id, body, actor)


@router.post(
    "/staff/tickets/<ticket_id>/verify-action",
    summary="Verify the corrective action was done, with the result: its clock stops (managers)",
)
def verify_corrective_action(
    actor: StaffActor, ticket_id: TicketId, body: Annotated[VerifyCorrectiveAction, Body()]
) -> CorrectiveActionView:
    return corrective_desk().verify(ticket_id, body, actor)
