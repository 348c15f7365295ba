"""The semi-annual survey campaign (frontdesk.domain.campaigns): who is surveyed, until when, one
answer per unit, and the response rate against the 70 % target."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.domain import campaigns
from frontdesk.domain.errors import IllegalTransition
from frontdesk.models.callback import Result, SurveyIn
from frontdesk.models.campaign import CampaignIn, Invitation
from frontdesk.models.site import Building, BuildingClass, Site
from frontdesk.models.ticket import Actor, ActorKind

SITE = Site(
    site_id="ql",
    code="QL",
    name="齐鲁",
    buildings=(
        Building(building_id="a", name="A", building_class=BuildingClass.A, units=("101", "102", "101")),
        Building(building_id="b", name="B", building_class=BuildingClass.B),
        Building(building_id="c", name="C", building_class=BuildingClass.C, units=("1-1",)),
    ),
)
MANAGER = Actor(kind=ActorKind.STAFF, id="mgr1")
NOW = datetime(2026, 11, 2, 2, tzinfo=UTC)
ANSWER = SurveyIn(result=Result.SATISFIED, quality=4, effect=4, satisfaction=5, defect_remains=True)


def _invitation() -> Invitation:
    return Invitation(site_id="ql", period="2026-11", building_id="a", unit="101", token="t" * 32)


def test_every_listed_unit_once_in_the_sites_order() -> None:
    assert campaigns.units(SITE) == [("a", "101"), ("a", "102"), ("c", "1-1")]


@pytest.mark.parametrize(("period", "closes"), [("2027-06", "2027-07-31"), ("2026-11", "2026-12-31")])
def test_answers_are_taken_until_the_end_of_the_following_month(period: str, closes: str) -> None:
    campaign = campaigns.start(SITE, period, MANAGER, NOW)
    assert (campaign.closes_on, campaign.units, campaign.responses, campaign.started_by) == (closes, 3, 0, "mgr1")


def test_a_campaign_past_its_answers_cannot_start() -> None:
    with pytest.raises(IllegalTransition) as closed:
        campaigns.start(SITE, "2026-06", MANAGER, NOW)
    assert (closed.value.code, closed.value.field) == ("campaign_closed", "period")
    assert campaigns.start(SITE, "2027-06", MANAGER, NOW).closes_on == "2027-07-31"  # early is allowed


@pytest.mark.parametrize("period", ["2026-05", "2026-12", "26-06", "2026-6", "0000-06", "9999-11"])
def test_only_june_and_november(period: str) -> None:
    with pytest.raises(ValueError, match="period"):
        CampaignIn(period=period)


def test_a_unit_answers_once_while_the_campaign_is_open() -> None:
    campaign = campaigns.start(SITE, "2026-11", MANAGER, NOW)
    answered = campaigns.answered(_invitation(), campaign, ANSWER, NOW, "Asia/Shanghai")
    assert answered.answer is not None
    assert (answered.answer.result, answered.answer.quality, answered.answer.at) == (
        Result.SATISFIED,
        4,
        "2026-11-02T02:00:00.000Z",
    )
    with pytest.raises(IllegalTransition) as twice:
        campaigns.answered(answered, campaign, ANSWER, NOW, "Asia/Shanghai")
    assert twice.value.code == "campaign_answered"


def test_the_last_day_counts_in_the_sites_own_time_zone() -> None:
    campaign = campaigns.start(SITE, "2026-11", MANAGER, NOW)
    # 2026-12-31 20:00 UTC is already 1 January in Shanghai, still 31 December in New York
    late = datetime(2026, 12, 31, 20, tzinfo=UTC)
    with pytest.raises(IllegalTransition) as closed:
        campaigns.answered(_invitation(), campaign, ANSWER, late, "Asia/Shanghai")
    assert closed.value.code == "campaign_closed"
    assert campaigns.answered(_invitation(), campaign, ANSWER, late, "America/New_York").answer is not None


@pytest.mark.parametrize(
    ("units", "responses", "rate", "meets"),
    [(10, 7, 70.0, True), (10, 6, 60.0, False), (3, 2, 66.7, False), (0, 0, 0.0, False), (200, 140, 70.0, True)],
)
def test_the_response_rate_against_the_target(units: int, responses: int, rate: float, meets: bool) -> None:
    started = campaigns.start(SITE, "2027-06", MANAGER, NOW)
    campaign = started.model_copy(update={"units": units, "responses": responses})
    assert (campaigns.rate(campaign), campaigns.meets_target(campaign)) == (rate, meets)
