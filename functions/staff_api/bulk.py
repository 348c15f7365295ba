"""Staff API: bulk actions of the desk, one outcome per ticket (docs/decisions/0021)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.callers import StaffActor
from frontdesk.api.errors import language_of_headers
from frontdesk.api.params import TicketId
from frontdesk.api.routes import new_router
from frontdesk.app.bulk import Outcome
from frontdesk.i18n import message
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Ticket
from frontdesk.models.views import BulkOutcome, BulkResults
from frontdesk.wiring import bulk_desk

router = new_router()


@router.post(
    "/staff/tickets/bulk-assign",
    summary="Several tickets to one engineer: each waiting one dispatched, each in hand reassigned (with a reason)",
)
def bulk_assign(actor: StaffActor, body: Annotated[cmd.BulkAssign, Body()]) -> BulkResults:
    return _results(bulk_desk().assign(body, actor))


@router.post(
    "/staff/tickets/<ticket_id>/duplicates",
    summary="Close tickets as duplicates of this one: each closed with a link to it; it lists them",
)
def duplicates(actor: StaffActor, ticket_id: TicketId, body: Annotated[cmd.MarkDuplicates, Body()]) -> BulkResults:
    primary, outcomes = bulk_desk().mark_duplicates(ticket_id, body, actor)
    return _results(outcomes, primary)


def _results(outcomes: list[Outcome], primary: Ticket | None = None) -> BulkResults:
    lang = language_of_headers(router.current_event.headers)
    answers = [_outcome(outcome, lang) for outcome in outcomes]
    done = sum(answer.ok for answer in answers)
    return BulkResults(done=done, refused=len(answers) - done, outcomes=answers, primary=primary)


def _outcome(outcome: Outcome, lang: str) -> BulkOutcome:
    refused = outcome.refused
    if refused is None:
        return BulkOutcome(
            ticket_id=outcome.ticket_id, action=outcome.action, ok=True, status=200, ticket=outcome.ticket
        )
    return BulkOutcome(
        ticket_id=outcome.ticket_id,
        action=outcome.action,
        ok=False,
        status=refused.status,
        code=refused.code.value,
        field=refused.field,
        message=message(refused.code, lang, **refused.params),
    )
