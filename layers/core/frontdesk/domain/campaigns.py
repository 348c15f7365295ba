"""The semi-annual satisfaction survey (001 part 2: every June and November, a survey of the units,
with a response rate of at least 70 %). Pure rules: the site, the times and the tokens are passed in.
docs/decisions/0023-callbacks-and-business-calendars.md.

- ``units``: who is surveyed: every unit of the site's buildings (the site's unit list), once each;
- ``start``: the campaign; answers are taken until the end of the month after the campaign's month
  (a campaign past that cannot be started);
- ``answered``: a unit answers once, covering the manual's marks (the same questions as a callback
  survey); a second answer, or one after the campaign closed, is refused;
- ``rate``: responses per unit, against the target.
"""

from __future__ import annotations

import calendar as calendar_module
from datetime import date, datetime

from frontdesk.clock import local_date, to_iso
from frontdesk.domain.errors import ErrorCode, IllegalTransition
from frontdesk.domain.evolve import evolve
from frontdesk.models.callback import SurveyIn
from frontdesk.models.campaign import TARGET_PERCENT, Answer, Campaign, Invitation
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor


def units(site: Site) -> list[tuple[str, str]]:
    """The site's units as (building, unit), in the site's own order, each once."""
    seen: dict[tuple[str, str], None] = {}
    for building in site.buildings:
        for unit in building.units:
            seen.setdefault((building.building_id, unit), None)
    return list(seen)


def closes_on(period: str) -> date:
    """The last day of the month after the campaign's month: a month to answer at least."""
    year, month = (int(part) for part in period.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, calendar_module.monthrange(year, month)[1])


def start(site: Site, period: str, actor: Actor, now: datetime) -> Campaign:
    """The campaign; refused once its answers are no longer taken (a past one cannot start)."""
    if local_date(now, site.timezone) > closes_on(period):
        raise IllegalTransition(field="period", code=ErrorCode.CAMPAIGN_CLOSED, state="closed")
    return Campaign(
        site_id=site.site_id,
        period=period,
        started_at=to_iso(now),
        started_by=actor.id,
        closes_on=closes_on(period).isoformat(),
        units=len(units(site)),
    )


def require_open(invitation: Invitation, campaign: Campaign, now: datetime, timezone: str) -> None:
    """Refused unless the unit may still answer: not answered yet, and the campaign still taking answers."""
    if invitation.answer is not None:
        raise IllegalTransition(field="token", code=ErrorCode.CAMPAIGN_ANSWERED, state="answered")
    if local_date(now, timezone).isoformat() > campaign.closes_on:
        raise IllegalTransition(field="token", code=ErrorCode.CAMPAIGN_CLOSED, state="closed")


def answered(invitation: Invitation, campaign: Campaign, survey: SurveyIn, now: datetime, timezone: str) -> Invitation:
    """The unit's answer, once, while the campaign takes answers."""
    require_open(invitation, campaign, now, timezone)
    answer = Answer(at=to_iso(now), **survey.model_dump(exclude={"defect_remains"}))
    return evolve(invitation, {"answer": answer})


def rate(campaign: Campaign) -> float:
    """Responses per unit, in % (one decimal); a campaign over no unit has none."""
    return round(100 * campaign.responses / campaign.units, 1) if campaign.units else 0.0


def meets_target(campaign: Campaign) -> bool:
    return campaign.units > 0 and campaign.responses * 100 >= TARGET_PERCENT * campaign.units
