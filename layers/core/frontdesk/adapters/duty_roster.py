"""The duty roster in the single table: SITE#<site> / ROSTER#<YYYY-MM>, one versioned item per month
(62 shifts at most: far below the item size limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from frontdesk.adapters.dynamodb import KEY_ATTRIBUTES, model_item, put_new_or_at, strip, transact
from frontdesk.domain.errors import ErrorCode
from frontdesk.models.duty_roster import DutyRoster

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

PREFIX: Final = "ROSTER#"


def _key(site_id: str, month: str) -> dict[str, str]:
    return {"PK": f"SITE#{site_id}", "SK": f"{PREFIX}{month}"}


class RosterStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def roster(self, site_id: str, month: str) -> DutyRoster | None:
        item = self._table.get_item(Key=_key(site_id, month), ConsistentRead=True).get("Item")
        return DutyRoster.model_validate(strip(item, KEY_ATTRIBUTES)) if item else None

    def save(self, roster: DutyRoster, previous_version: int) -> None:
        """New (``previous_version`` 0) or over the version read; 409 when someone saved in between."""
        item = model_item(roster, **_key(roster.site_id, roster.month), type="duty_roster")
        transact(
            self._table, [put_new_or_at(self._table.name, item, previous_version)], ErrorCode.ROSTER_VERSION_CONFLICT
        )
