"""The parcel register in the single table (docs/decisions/0024).

Keys (PK / SK):
    PARCEL#<parcel_id> / PARCEL     one parcel; GSI2 = the site's parcels waiting (``PARCELS#<site>`` /
                                    received_at, sparse: only until collected); GSI3 = every parcel of
                                    the site by the time it came (``PARCELLOG#<site>`` / received_at), which
                                    the weekly duty summary reads by range
A parcel is rewritten only over the version read (two people cannot hand it out twice, and the
notice job cannot tell a recipient twice). Every item carries ``expires_at`` three years after it came,
the duty log's retention (it holds the recipient's name and contact).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.duty import retained_until
from frontdesk.adapters.dynamodb import EXPIRES_AT, model_item, put_new_or_at, query_all, strip, transact
from frontdesk.domain.errors import ErrorCode
from frontdesk.models.parcels import Parcel, ParcelState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _item(parcel: Parcel) -> dict[str, Any]:
    came = parcel.received_at
    keys: dict[str, Any] = {"GSI3PK": f"PARCELLOG#{parcel.site_id}", "GSI3SK": f"{came}#{parcel.parcel_id}"}
    if parcel.state is ParcelState.WAITING:
        keys.update(GSI2PK=f"PARCELS#{parcel.site_id}", GSI2SK=f"{came}#{parcel.parcel_id}")
    expires = retained_until(came)
    return model_item(
        parcel, PK=f"PARCEL#{parcel.parcel_id}", SK="PARCEL", type="parcel", **keys, **{EXPIRES_AT: expires}
    )


def _parcel(item: dict[str, Any]) -> Parcel:
    return Parcel.model_validate(strip(item, {"PK", "SK", "type", EXPIRES_AT}))


class ParcelStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, parcel_id: str) -> Parcel | None:
        item = self._table.get_item(Key={"PK": f"PARCEL#{parcel_id}", "SK": "PARCEL"}, ConsistentRead=True).get("Item")
        return _parcel(item) if item else None

    def save(self, parcel: Parcel, previous_version: int) -> None:
        """New (``previous_version`` 0), or over the version read: else 409, nothing written."""
        put = put_new_or_at(self._table.name, _item(parcel), previous_version)
        transact(self._table, [put], ErrorCode.PARCEL_VERSION_CONFLICT)

    def waiting(self, site_id: str) -> list[Parcel]:
        """The site's parcels not yet collected, oldest first."""
        return [
            _parcel(i)
            for i in query_all(
                self._table, IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(f"PARCELS#{site_id}")
            )
        ]

    def received(self, site_id: str, start: str, end: str) -> list[Parcel]:
        """The parcels that came in [start, end) (UTC ISO instants)."""
        condition = Key("GSI3PK").eq(f"PARCELLOG#{site_id}") & Key("GSI3SK").between(start, f"{end}#")
        return [
            p
            for p in (_parcel(i) for i in query_all(self._table, IndexName="GSI3", KeyConditionExpression=condition))
            if p.received_at < end
        ]
