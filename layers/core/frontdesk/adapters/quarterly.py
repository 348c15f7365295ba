"""The quarter's records for the callback analysis, read by key only (docs/decisions/0023):

    GSI3  DAY#<site>#<site-local day> / number        the tickets taken on each day of the quarter
    GSI1  CALLBACKS_DONE#<site> / <done at>#<id>      the callbacks concluded in the quarter: one
                                                      key range (BETWEEN the quarter's two instants)

Neither read touches a record of another quarter or site: the cost grows with the quarter's records
(and its ~92 days), never with the table. ``items_read`` counts what DynamoDB read (ScannedCount),
so a test can hold it to that.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.callbacks import callback_of
from frontdesk.adapters.dynamodb import strip
from frontdesk.models.callback import Callback
from frontdesk.models.ticket import Ticket

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class QuarterRecords:
    def __init__(self, table: Table) -> None:
        self._table = table
        self.items_read = 0

    def _all(self, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = self._table.query(**kwargs)
            self.items_read += int(page.get("ScannedCount", len(page["Items"])))
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def tickets_on(self, site_id: str, days: list[date]) -> list[Ticket]:
        """Every ticket taken on these site-local days (one key per day)."""
        return [
            Ticket.model_validate(strip(item))
            for day in days
            for item in self._all(IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(f"DAY#{site_id}#{day}"))
        ]

    def concluded_between(self, site_id: str, start: str, end: str) -> list[Callback]:
        """The callbacks concluded from ``start`` up to (not including) ``end`` (stored UTC times)."""
        condition = Key("GSI1PK").eq(f"CALLBACKS_DONE#{site_id}") & Key("GSI1SK").between(start, end)
        items = self._all(IndexName="GSI1", KeyConditionExpression=condition)
        return [callback_of(item) for item in items]
