"""The path and query parameters the routes share, each shape from frontdesk.models.identifiers."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from frontdesk.models import identifiers as ids

SitePath = Annotated[str, Path(pattern=ids.SITE_ID)]
SiteQuery = Annotated[str, Query(pattern=ids.SITE_ID)]
BuildingPath = Annotated[str, Path(pattern=ids.NAME_ID)]
BuildingFilter = Annotated[str, Query(pattern=ids.optional(ids.NAME_ID))]
TicketId = Annotated[str, Path(pattern=ids.HEX_ID)]
KeyId = Annotated[str, Path(pattern=ids.HEX_ID)]
KeyUseId = Annotated[str, Path(pattern=ids.KEY_USE_ID)]
MonthPath = Annotated[str, Path(pattern=ids.MONTH)]
ParcelId = Annotated[str, Path(pattern=ids.HEX_ID)]
ReportId = Annotated[str, Path(pattern=ids.REPORT_ID)]
ListName = Annotated[str, Path(pattern=ids.LIST_NAME)]
CallbackId = Annotated[str, Path(pattern=ids.CALLBACK_ID)]
WeekPath = Annotated[str, Path(pattern=ids.ISO_WEEK)]
CampaignPath = Annotated[str, Path(pattern=ids.CAMPAIGN_PERIOD)]
QuarterPath = Annotated[str, Path(pattern=ids.QUARTER)]
# A duty-log page: <site>-<day>-<day|night>, as frontdesk.models.duty.PageId names it.
DutyPageId = Annotated[str, Path(pattern=ids.DUTY_PAGE)]
Token = Annotated[
    str, Path(min_length=ids.TOKEN_MIN_LENGTH, max_length=ids.TOKEN_MAX_LENGTH, pattern=ids.TRACKING_TOKEN)
]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
