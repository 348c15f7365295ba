"""The semi-annual satisfaction survey (001 part 2: June and November): a campaign over a site's
units, each unit invited by a survey link of its own, and the response rate against the target.
docs/decisions/0023-callbacks-and-business-calendars.md.

Keys (PK / SK): ``SITE#<site>`` / ``CAMPAIGN#<period>`` the campaign (its unit and response counts);
``CAMPAIGN#<site>#<period>`` / ``UNIT#<building>#<unit>`` one unit's invitation (and its answer);
``SURVEYLINK#<token hash>`` / ``SURVEYLINK`` the link's way back to its invitation.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import ConfigDict, Field

from frontdesk.models import identifiers as ids
from frontdesk.models.callback import Marks, Result
from frontdesk.models.frozen import Frozen, Model

# The months the survey is run in (001 part 2: 每年6月、11月), and the response rate it must reach.
CAMPAIGN_MONTHS: Final = (6, 11)
TARGET_PERCENT: Final = 70


class CampaignIn(Model):
    """Start a site's survey campaign of June or November (starting it again creates nothing twice)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period: str = Field(pattern=ids.CAMPAIGN_PERIOD, examples=["2026-11"], description="Year and month (06 or 11)")


class Campaign(Frozen):
    site_id: str
    period: str
    started_at: str
    started_by: str
    closes_on: str  # the last site-local day an answer is taken (the end of the following month)
    units: int = 0
    responses: int = 0


class Answer(Marks, Frozen):
    """A unit's answer to the campaign's survey: the manual's record, and when."""

    at: str
    result: Result


class Invitation(Frozen):
    """One unit's invitation. ``token`` is the link's secret, kept here (staff only) so that the desk
    can hand the link to a unit no address is known for; the link finds it by the token's hash."""

    site_id: str
    period: str
    building_id: str
    unit: str
    token: str
    language: str = "zh-CN"
    email_known: bool = False
    mailed_at: str | None = None
    mail_refused: bool = False  # the address was refused for good: the desk hands the link over instead
    answer: Answer | None = None


class InvitationView(Model):
    building_id: str
    unit: str
    mailed: bool
    email_known: bool
    answered: bool
    link_token: str | None = Field(
        description="For the desk to hand over: units no address is known for, or whose address refused the mail"
    )


class CampaignView(Model):
    campaign: Campaign
    rate_percent: float = Field(description="Responses per unit, in %")
    target_percent: int = TARGET_PERCENT
    meets_target: bool
    invitations: list[InvitationView]


class CampaignSurveyView(Model):
    """What the survey link asks a unit (no staff names): as a callback survey, without the defect."""

    reason: Literal["campaign"] = "campaign"
    ticket_number: str = Field(default="", description="Always empty: a campaign concerns no ticket")
    unit: str
    building_id: str
    period: str
    repair: bool = False
    due: str = Field(description="The last day an answer is taken (site-local)")
