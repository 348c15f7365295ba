"""Public API: the satisfaction survey by link (docs/decisions/0023). The tracking token opens the
ticket's open callback; the tenant's answer, covering the manual's fields, is the callback met."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.params import Token
from frontdesk.models.callback import Callback, SurveyIn, SurveyView
from frontdesk.wiring import callbacks

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves Router.__init__ unannotated


@router.get("/public/track/<token>/survey", summary="The callback survey the ticket has open, if any")
def get_survey(token: Token) -> SurveyView:
    return callbacks().survey(token)


@router.post("/public/track/<token>/survey", summary="The tenant answers the callback survey (no login)")
def answer_survey(token: Token, body: Annotated[SurveyIn, Body()]) -> dict[str, str]:
    answered: Callback = callbacks().answer(token, body)
    return {"state": answered.state.value}
