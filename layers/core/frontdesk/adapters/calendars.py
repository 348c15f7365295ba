"""A site's calendar in the single table: its loaded years (SITE#<site> / CALENDAR#<year>) and its
working hours (SITE#<site> / CALENDAR_HOURS; absent, the manual's defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.dynamodb import KEY_ATTRIBUTES, busy_when_throttled, model_item, query_all, strip
from frontdesk.models.calendar import Hours, YearCalendar

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

PREFIX = "CALENDAR#"
HOURS_SK = "CALENDAR_HOURS"  # not under PREFIX: the years' query does not read it


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

    def hours(self, site_id: str) -> Hours:
        item = self._table.get_item(Key={"PK": f"SITE#{site_id}", "SK": HOURS_SK}).get("Item")
        return Hours.model_validate(strip(item, KEY_ATTRIBUTES | {"site_id"})) if item else Hours()

    def put_hours(self, site_id: str, hours: Hours) -> None:
        item = model_item(hours, PK=f"SITE#{site_id}", SK=HOURS_SK, type="calendar_hours", site_id=site_id)
        with busy_when_throttled():
            self._table.put_item(Item=item)
