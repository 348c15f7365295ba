"""A site's emergency call list in the single table.

Keys (PK / SK):
    SITE#<site> / EMERGENCY_CALLS     per emergency type, the mailing lists told at intake (absent: the manual's)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.adapters.dynamodb import put_site_setting, site_setting
from frontdesk.models.routing import DEFAULT_EMERGENCY_CALLS, EmergencyCalls

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

CALLS_SK = "EMERGENCY_CALLS"


class EmergencyCallStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def stored(self, site_id: str) -> EmergencyCalls | None:
        item = site_setting(self._table, site_id, CALLS_SK)
        return EmergencyCalls.model_validate({"calls": item["calls"]}) if item else None

    def calls(self, site_id: str) -> EmergencyCalls:
        return self.stored(site_id) or DEFAULT_EMERGENCY_CALLS

    def put(self, site_id: str, calls: EmergencyCalls) -> None:
        fields = {"calls": {name: list(roles) for name, roles in calls.calls.items()}}
        put_site_setting(self._table, site_id, CALLS_SK, "emergency_calls", fields)
