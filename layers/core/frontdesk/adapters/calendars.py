"""A site's loaded calendar years in the single table: SITE#<site> / CALENDAR#<year>."""

from __future__ import annotations

from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.dynamodb import throttled
from frontdesk.domain.errors import Busy
from frontdesk.models.calendar import YearCalendar

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

PREFIX = "CALENDAR#"


class CalendarStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def years(self, site_id: str) -> list[YearCalendar]:
        """The years loaded for the site (a handful of items: one per year)."""
        page = self._table.query(KeyConditionExpression=Key("PK").eq(f"SITE#{site_id}") & Key("SK").begins_with(PREFIX))
        return [
            YearCalendar.model_validate({k: v for k, v in item.items() if k not in {"PK", "SK", "type", "site_id"}})
            for item in page["Items"]
        ]

    def put(self, site_id: str, year: YearCalendar) -> None:
        item = {**year.model_dump(mode="json"), "PK": f"SITE#{site_id}", "SK": f"{PREFIX}{year.year}"}
        try:
            self._table.put_item(Item={**item, "type": "calendar", "site_id": site_id})
        except ClientError as error:
            if throttled(error):
                raise Busy() from error
            raise
