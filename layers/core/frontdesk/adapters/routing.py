"""A site's emergency call list in the single table.

Keys (PK / SK):
    SITE#<site> / EMERGENCY_CALLS     per emergency type, the mailing lists told at intake (absent: the manual's)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdesk.adapters.dynamodb import busy_when_throttled
from frontdesk.models.routing import DEFAULT_EMERGENCY_CALLS, EmergencyCalls

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

CALLS_SK = "EMERGENCY_CALLS"


class EmergencyCallStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def stored(self, site_id: str) -> EmergencyCalls | None:
        item = self._table.get_item(Key={"PK": f"SITE#{site_id}", "SK": CALLS_SK}, ConsistentRead=True).get("Item")
        return EmergencyCalls.model_validate({"calls": item["calls"]}) if item else None

    def calls(self, site_id: str) -> EmergencyCalls:
        return self.stored(site_id) or DEFAULT_EMERGENCY_CALLS

    def put(self, site_id: str, calls: EmergencyCalls) -> None:
        item: dict[str, Any] = {
            "PK": f"SITE#{site_id}",
            "SK": CALLS_SK,
            "type": "emergency_calls",
            "site_id": site_id,
            "calls": {name: list(roles) for name, roles in calls.calls.items()},
        }
        with busy_when_throttled():
            self._table.put_item(Item=item)
