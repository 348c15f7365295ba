"""A site's loaded calendar years in the single table: SITE#<site> / CALENDAR#<year>."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.dynamodb import KEY_ATTRIBUTES, busy_when_throttled, model_item, query_all, strip
from frontdesk.models.calendar import YearCalendar

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

PREFIX = "CALENDAR#"


class CalendarStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def years(self, site_id: str) -> list[YearCalendar]:
        """The years loaded for the site (a handful of items: one per year)."""
        items = query_all(
            self._table, KeyConditionExpression=Key("PK").eq(f"SITE#{site_id}") & Key("SK").begins_with(PREFIX)
        )
        return [YearCalendar.model_validate(strip(item, KEY_ATTRIBUTES | {"site_id"})) for item in items]

    def put(self, site_id: str, year: YearCalendar) -> None:
        item = model_item(year, PK=f"SITE#{site_id}", SK=f"{PREFIX}{year.year}", type="calendar", site_id=site_id)
        with busy_when_throttled():
            self._table.put_item(Item=item)
