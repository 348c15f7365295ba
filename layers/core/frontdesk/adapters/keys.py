"""The emergency key register in the single table (docs/decisions/0024).

Keys (PK / SK):
    KEY#<key_id> / KEY                        a unit's sealed key; GSI2 = the site's keys (``KEYS#<site>``)
    KEYUNIT#<site>#<building>#<unit> / KEYUNIT one key per unit (put with it, ``attribute_not_exists``)
    KEYUSE#<use_id> / USE                     one use; GSI2 = the site's keys out (``KEYSOUT#<site>``,
                                              sparse: only until the key is back)
    KEYUSE#<use_id> / CLOCK#key_return        its return clock, in the same transactions
A use and its key are written together, conditional on the key's version: two people cannot take
the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import throttled
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import Busy, ErrorCode, IllegalTransition, VersionConflict
from frontdesk.models.keys import EmergencyKey, KeyUse

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_KEYS: Final = frozenset({"PK", "SK", "type"})


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _KEYS and not k.startswith("GSI")}


def _key_item(key: EmergencyKey) -> dict[str, Any]:
    item: dict[str, Any] = key.model_dump(mode="json", exclude_none=True)
    item.update(
        PK=f"KEY#{key.key_id}",
        SK="KEY",
        type="emergency_key",
        GSI2PK=f"KEYS#{key.site_id}",
        GSI2SK=f"{key.building_id}#{key.unit}",
    )
    return item


def _use_item(use: KeyUse) -> dict[str, Any]:
    item: dict[str, Any] = use.model_dump(mode="json", exclude_none=True)
    item.update(PK=f"KEYUSE#{use.use_id}", SK="USE", type="key_use")
    if use.returned_at is None:
        item.update(GSI2PK=f"KEYSOUT#{use.site_id}", GSI2SK=use.taken_at)
    return item


def _put(table_name: str, item: dict[str, Any], previous_version: int) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": table_name, "Item": item}
    if previous_version == 0:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put.update(ConditionExpression="version = :v", ExpressionAttributeValues={":v": previous_version})
    return {"Put": put}


class KeyStore:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.meta.client

    def create(self, key: EmergencyKey) -> None:
        """The key and its unit's marker: refused (409) when the unit has a key already."""
        name = self._table.name
        marker = {"PK": f"KEYUNIT#{key.site_id}#{key.building_id}#{key.unit}", "SK": "KEYUNIT", "key_id": key.key_id}
        try:
            self._write([_put(name, _key_item(key), 0), _put(name, {**marker, "type": "key_unit"}, 0)])
        except VersionConflict as error:
            raise IllegalTransition(field="unit", code=ErrorCode.KEY_EXISTS) from error

    def get(self, key_id: str) -> EmergencyKey | None:
        item = self._table.get_item(Key={"PK": f"KEY#{key_id}", "SK": "KEY"}, ConsistentRead=True).get("Item")
        return EmergencyKey.model_validate(_strip(item)) if item else None

    def use(self, use_id: str) -> KeyUse | None:
        item = self._table.get_item(Key={"PK": f"KEYUSE#{use_id}", "SK": "USE"}, ConsistentRead=True).get("Item")
        return KeyUse.model_validate(_strip(item)) if item else None

    def keys(self, site_id: str) -> list[EmergencyKey]:
        return [EmergencyKey.model_validate(_strip(i)) for i in self._query(f"KEYS#{site_id}")]

    def out(self, site_id: str) -> list[KeyUse]:
        return [KeyUse.model_validate(_strip(i)) for i in self._query(f"KEYSOUT#{site_id}")]

    def save(
        self, key: EmergencyKey, key_version: int, use: KeyUse, use_version: int, clocks: Sequence[ClockWrite]
    ) -> None:
        """The key, its use and the use's clock, or none (the key moved: 409)."""
        name = self._table.name
        key_put, use_put = _put(name, _key_item(key), key_version), _put(name, _use_item(use), use_version)
        self._write([key_put, use_put, *clock_writes(name, clocks)])

    def _write(self, items: list[dict[str, Any]]) -> None:
        try:
            self._client.transact_write_items(TransactItems=cast("Any", items))
        except ClientError as error:
            if throttled(error):
                raise Busy() from error
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise VersionConflict(field="version") from error
            raise

    def _query(self, partition: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"IndexName": "GSI2", "KeyConditionExpression": Key("GSI2PK").eq(partition)}
        while True:
            page = self._table.query(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
