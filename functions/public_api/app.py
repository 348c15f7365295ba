"""Public API: the tenant form and the tracking page. No login; a tracking token opens one ticket."""

from __future__ import annotations

from typing import Annotated, Any

import pages
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api import intake
from frontdesk.api.entry import api_handler
from frontdesk.api.params import IdempotencyKey, Token
from frontdesk.api.resolver import make_resolver
from frontdesk.app.tickets import CLIENT, Opened
from frontdesk.domain import conversation
from frontdesk.domain.lifecycle import allowed_actions
from frontdesk.function_metrics import function_metrics
from frontdesk.models import commands as cmd
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.models.views import Created, PublicTicket, public_view
from frontdesk.settings import settings
from frontdesk.tracing import tracer as traced
from frontdesk.wiring import desk, idempotency, tracking_url

logger = Logger()
tracer = traced()
metrics = function_metrics()
app = make_resolver(settings().max_body_bytes)
app.include_router(pages.router)
# imported when a request's path has the shape of one of their routes: a cold start imports what its
# route uses (ADR 0027)
app.include_lazily(__name__, __file__, ("catalogue", "public_photos", "survey"))


@app.get("/public/sites", summary="Sites, buildings and units for the form")
def list_sites() -> list[Site]:
    return desk().sites()


@app.post(
    "/public/tickets", summary="Report a repair, complaint or inquiry", responses={201: {"description": "Created"}}
)
def create_ticket(
    body: Annotated[cmd.NewTicket, Body()], idempotency_key: IdempotencyKey = None
) -> tuple[dict[str, Any], int]:
    def action(ticket_id: str | None) -> Opened:
        opened = desk().open(body, CLIENT, ticket_id)
        metrics.add_metric(name="TicketsOpened", unit="Count", value=1)
        return opened

    payload = body.model_dump(mode="json")
    ticket, token = intake.open_ticket_once(
        idempotency, "public", idempotency_key, payload, action, desk().reissue_token
    )
    created = Created(**ticket, tracking_token=token, tracking_url=tracking_url(token))
    return created.model_dump(mode="json", exclude={"ticket_id"}), 201


@app.get("/public/track/<token>", summary="Status and timeline by tracking token")
def track(token: Token) -> PublicTicket:
    ticket, timeline, actions = desk().read_by_token(token)
    return _view(ticket, timeline, actions)


@app.post("/public/track/<token>/acceptance", summary="Accept or reject completed work, with a rating")
def accept(token: Token, body: Annotated[cmd.Acceptance, Body()]) -> PublicTicket:
    return _act(token, "accept", body)


@app.post("/public/track/<token>/quote-decision", summary="Confirm or decline a quote")
def quote_decision(token: Token, body: Annotated[cmd.QuoteDecision, Body()]) -> PublicTicket:
    return _act(token, "quote_decision", body)


@app.post("/public/track/<token>/answer", summary="The client writes back to the desk (open tickets)")
def answer(token: Token, body: Annotated[cmd.Said, Body()]) -> PublicTicket:
    ticket = desk().answer_by_token(token, body)
    return _view(ticket, desk().read_by_token(token)[1], allowed_actions(ticket, CLIENT))


def _act(token: str, action: str, body: cmd.Versioned) -> PublicTicket:
    ticket = desk().act_by_token(token, action, body)
    return _view(ticket, desk().read_by_token(token)[1], allowed_actions(ticket, CLIENT))


def _view(ticket: Ticket, timeline: list[TimelineEvent], actions: list[str]) -> PublicTicket:
    timezone = desk().site(ticket.site_id).timezone
    return public_view(ticket, timeline, actions, timezone, conversation.open_to(ticket, CLIENT))


lambda_handler = api_handler(app, logger, tracer, metrics)
