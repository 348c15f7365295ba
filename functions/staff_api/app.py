"""Staff API behind the Cognito authorizer: intake, the work queue, and lifecycle actions by role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from frontdesk.api import intake
from frontdesk.api.callers import StaffActor, every_caller_checked
from frontdesk.api.entry import api_handler
from frontdesk.api.params import BuildingFilter, BuildingPath, IdempotencyKey, SitePath, SiteQuery, TicketId
from frontdesk.api.resolver import make_resolver
from frontdesk.api.routes import declare_post, summary_of
from frontdesk.app.tickets import Opened, staff_actions
from frontdesk.domain import conversation
from frontdesk.domain.search import Filters, board_order
from frontdesk.function_metrics import function_metrics
from frontdesk.models import commands as cmd
from frontdesk.models.commands import MAX_UNIT
from frontdesk.models.history import UnitHistory
from frontdesk.models.identifiers import MAX_USERNAME, UTC_INSTANT
from frontdesk.models.ticket import Actor, Kind, Status, Ticket
from frontdesk.models.views import MAX_QUERY, Changes, Created, Queue, SearchResults, StaffTicket
from frontdesk.settings import settings
from frontdesk.tracing import tracer as traced
from frontdesk.wiring import board, desk, idempotency, second_factor, tracking_url

logger = Logger()
tracer = traced()
metrics = function_metrics()
app = make_resolver(settings().max_body_bytes)
app.use(middlewares=[every_caller_checked(lambda actor: second_factor().check(actor))])
# Each feature's router (a module of this folder) is imported when a request's path has the shape of
# one of its routes: a cold start imports the models of the route it serves (ADR 0027).
app.include_lazily(
    __name__,
    __file__,
    (
        "mailing_lists",
        "emergency_calls",
        "photos",
        "incidents",
        "people",
        "canned_replies",
        "duty",
        "duty_roster",
        "keys",
        "parcels",
        "bulk",
        "calendars",
        "callbacks",
        "apology",
        "corrective",
        "campaigns",
    ),
)


@app.post("/staff/tickets", summary="Phone, walk-in or letter intake", responses={201: {"description": "Created"}})
def create_ticket(
    actor: StaffActor, body: Annotated[cmd.StaffNewTicket, Body()], idempotency_key: IdempotencyKey = None
) -> tuple[dict[str, Any], int]:

    def action(ticket_id: str | None) -> Opened:
        opened = desk().open(body, actor, ticket_id)
        metrics.add_metric(name="TicketsOpened", unit="Count", value=1)
        return opened

    scope = f"staff:{actor.id}"
    payload = body.model_dump(mode="json")
    ticket, token = intake.open_ticket_once(idempotency, scope, idempotency_key, payload, action, desk().reissue_token)
    return Created(**ticket, tracking_token=token, tracking_url=tracking_url(token)).model_dump(mode="json"), 201


@app.get(
    "/staff/tickets",
    summary="Open tickets of a site, escalated first, then by time left; with `since`, only what changed",
)
def queue(
    actor: StaffActor,
    site_id: SiteQuery,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    since: Annotated[str | None, Query(pattern=UTC_INSTANT, description="Only tickets written since")] = None,
) -> Queue | Changes:
    if since is not None:
        return board().changes(site_id, since, actor)
    until = board().now()  # taken before the read: a change during it is polled again
    return Queue(site_id=site_id, tickets=board_order(desk().queue(site_id, actor, limit)), until=until)


@app.get("/staff/tickets/search", summary="Find tickets, open and closed, by term and filters; paged")
def search(
    actor: StaffActor,
    site_id: SiteQuery,
    q: Annotated[
        str, Query(max_length=MAX_QUERY, description="Number, phone or its last 4 digits, name, unit, words")
    ] = "",
    status: Annotated[Status | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
    category: Annotated[str, Query(pattern=r"^[a-z_]{0,40}$")] = "",
    building_id: BuildingFilter = "",
    assignee: Annotated[str, Query(max_length=MAX_USERNAME)] = "",
    overdue: bool = False,
    escalated: bool = False,
    follow_up: Annotated[
        bool, Query(description="Open work on today's follow-up list (site-local) or left over from an earlier one")
    ] = False,
    mine: Annotated[bool, Query(description="The caller's own work (overrides assignee)")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str, Query(max_length=1000)] = "",
) -> SearchResults:
    filters = Filters(
        q=q,
        status=status,
        kind=kind,
        category=category,
        building_id=building_id,
        assignee=actor.id if mine else assignee,
        overdue=overdue,
        escalated=escalated,
    )
    return board().search(site_id, filters, actor, limit, cursor, follow_up=follow_up)


@app.get(
    "/staff/sites/<site_id>/buildings/<building_id>/units/<unit>/tickets",
    summary="A unit's tickets, open and closed, newest first, with the repeats the manual asks to analyse",
)
def unit_history(
    actor: StaffActor,
    site_id: SitePath,
    building_id: BuildingPath,
    unit: Annotated[str, Path(min_length=1, max_length=MAX_UNIT)],
) -> UnitHistory:
    return desk().unit_history(site_id, building_id, unit, actor)


@app.get("/staff/tickets/<ticket_id>", summary="A ticket with its timeline and the actions open to you")
def read(actor: StaffActor, ticket_id: TicketId) -> StaffTicket:
    ticket, timeline, actions = desk().read(ticket_id, actor)
    return StaffTicket(
        ticket=ticket,
        timeline=timeline,
        actions=actions,
        conversation=conversation.open_to(ticket, actor),
        linked_repairs=desk().linked_repairs(ticket),
    )


def _action_routes(*actions: tuple[str, type[cmd.Versioned]]) -> None:
    """Per (action, its command), in the order the API lists them: ``POST
    /staff/tickets/<ticket_id>/<action>`` with the command in the body, answering the ticket as staff see
    it after; its handler is called ``action`` (the OpenAPI operationId), its summary is what the
    command's docstring says it does (the body schema's description too)."""
    for action, command in actions:
        declare_post(
            app,
            f"/staff/tickets/<ticket_id>/{action}",
            summary_of(command),
            _action_handler(action),
            name=action,
            returns=StaffTicket,
            actor=StaffActor,
            ticket_id=TicketId,
            body=Annotated[command, Body()],
        )


def _action_handler(action: str) -> Callable[[Actor, str, cmd.Versioned], StaffTicket]:
    def route(actor: Actor, ticket_id: str, body: cmd.Versioned) -> StaffTicket:
        return _act(ticket_id, action, body, actor)

    return route


_action_routes(
    ("decline", cmd.Decline),
    ("dispatch", cmd.Dispatch),
    ("take", cmd.Take),
    ("reassign", cmd.Reassign),
    ("redispatch", cmd.Redispatch),
    ("reschedule", cmd.Reschedule),
    ("arrive", cmd.Arrive),
    ("quote", cmd.QuoteIn),
    ("complete", cmd.Complete),
    ("unfinished", cmd.Unfinished),
    ("handle", cmd.Handle),
    ("reply", cmd.Reply),
    ("validity", cmd.Validity),
    ("agree_reply", cmd.AgreeReply),
    ("draft_reply", cmd.DraftReply),
    ("approve_reply", cmd.ApproveReply),
)


@app.post(
    "/staff/tickets/<ticket_id>/repairs",
    summary="A repair the complaint needs, at its place, for its client: dispatched as any repair (the desk)",
)
def spawn_repair(actor: StaffActor, ticket_id: TicketId, body: Annotated[cmd.LinkedRepair, Body()]) -> StaffTicket:
    return _view(desk().spawn_repair(ticket_id, body, actor), actor)


_action_routes(
    ("close", cmd.Close),
    ("cancel", cmd.Cancel),
)


@app.post("/staff/tickets/<ticket_id>/note", summary="An internal note: staff only, never shown to the client")
def note(actor: StaffActor, ticket_id: TicketId, body: Annotated[cmd.Said, Body()]) -> StaffTicket:
    return _view(desk().say(ticket_id, "note", body, actor), actor)


@app.post(
    "/staff/tickets/<ticket_id>/message",
    summary="A reply to the client: on the tracking page, and mailed when they left an address (the desk)",
)
def message(actor: StaffActor, ticket_id: TicketId, body: Annotated[cmd.Said, Body()]) -> StaffTicket:
    return _view(desk().say(ticket_id, "message", body, actor), actor)


def _act(ticket_id: str, action: str, body: cmd.Versioned, actor: Actor) -> StaffTicket:
    return _view(desk().act(ticket_id, action, body, actor), actor)


def _view(ticket: Ticket, actor: Actor) -> StaffTicket:
    return StaffTicket(
        ticket=ticket,
        timeline=desk().read(ticket.ticket_id, actor)[1],
        actions=staff_actions(ticket, actor),
        conversation=conversation.open_to(ticket, actor),
        linked_repairs=desk().linked_repairs(ticket),
    )


lambda_handler = api_handler(app, logger, tracer, metrics)
