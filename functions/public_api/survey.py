"""Public API: the satisfaction survey by link (docs/decisions/0023). The tracking token opens the
ticket's open callback; the tenant's answer, covering the manual's fields, is the callback met. A
unit's link of the semi-annual campaign opens its invitation, with the same questions."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from frontdesk.api.params import Token
from frontdesk.api.routes import new_router
from frontdesk.models.callback import SurveyIn, SurveyView
from frontdesk.models.campaign import CampaignSurveyView
from frontdesk.wiring import survey_links

router = new_router()


@router.get(
    "/public/track/<token>/survey", summary="The callback survey the ticket has open, or the unit's campaign survey"
)
def get_survey(token: Token) -> SurveyView | CampaignSurveyView:
    return survey_links().view(token)


@router.post("/public/track/<token>/survey", summary="The tenant answers the callback survey (no login)")
def answer_survey(token: Token, body: Annotated[SurveyIn, Body()]) -> dict[str, str]:
    return {"state": survey_links().answer(token, body)}
