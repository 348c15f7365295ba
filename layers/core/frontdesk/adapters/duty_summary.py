"""Which weekly duty summaries went out, in the single table (docs/decisions/0024).

Keys (PK / SK):
    DUTYSUMMARY#<site> / WEEK#<week>   the week's summary is claimed (put, ``attribute_not_exists``)
                                       before it is mailed, and released if the mail could not go out:
                                       two runs, even at once, mail it once (expires after 400 days)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdesk.adapters.dynamodb import EXPIRES_AT, put_once
from frontdesk.clock import parse_iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

KEEP_SECONDS = 400 * 86_400


def _key(site_id: str, week: str) -> dict[str, str]:
    return {"PK": f"DUTYSUMMARY#{site_id}", "SK": f"WEEK#{week}"}


class SummaryMarks:
    def __init__(self, table: Table) -> None:
        self._table = table

    def claim(self, site_id: str, week: str, at: str) -> bool:
        """True for the one run that may mail the week; False when another already did (or is)."""
        item: dict[str, Any] = {**_key(site_id, week), "type": "duty_summary", "site_id": site_id, "week": week}
        item.update(at=at, **{EXPIRES_AT: int(parse_iso(at).timestamp()) + KEEP_SECONDS})
        return put_once(self._table, item)

    def release(self, site_id: str, week: str) -> None:
        self._table.delete_item(Key=_key(site_id, week))
