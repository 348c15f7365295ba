"""Which site-local days the end-of-day sweep has finished, in the single table.

Keys (PK / SK):
    SITE#<site> / SWEPT#<day>     the sweep of that day marked every ticket it owed (expires after 90 days)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.adapters.dynamodb import EXPIRES_AT
from frontdesk.clock import parse_iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEEP_SECONDS = 90 * 86_400


class SweepMarks:
    def __init__(self, table: Table) -> None:
        self._table = table

    def swept(self, site_id: str, day: str) -> bool:
        item = self._table.get_item(Key={"PK": f"SITE#{site_id}", "SK": f"SWEPT#{day}"}, ConsistentRead=True)
        return "Item" in item

    def mark(self, site_id: str, day: str, at: str, marked: int) -> None:
        self._table.put_item(
            Item={
                "PK": f"SITE#{site_id}",
                "SK": f"SWEPT#{day}",
                "type": "sweep",
                "site_id": site_id,
                "day": day,
                "at": at,
                "marked": marked,
                EXPIRES_AT: int(parse_iso(at).timestamp()) + KEEP_SECONDS,
            }
        )
