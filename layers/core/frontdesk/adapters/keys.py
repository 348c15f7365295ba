"""The emergency key register in the single table (docs/decisions/0024).

Keys (PK / SK):
    KEY#<key_id> / KEY                        a unit's sealed key; GSI2 = the site's keys (``KEYS#<site>``)
    KEYUNIT#<site>#<building>#<unit> / KEYUNIT one key per unit (put with it, ``attribute_not_exists``)
    KEYUSE#<use_id> / USE                     one use; GSI2 = the site's keys out (``KEYSOUT#<site>``,
                                              sparse: only until the key is back)
                                              GSI3 = the site's overrides whose client is not told
                                              yet (``KEYTELL#<site>``, sparse, by the due time)
                                              GSI5 = the site's uses by the time taken (``KEYUSES#<site>``)
    KEYUSE#<use_id> / CLOCK#key_return        its return clock, in the same transactions
    KEYUSE#<use_id> / CLOCK#key_tell_client   after an override, the "tell the client" clock
A use and its key are written together, conditional on the key's version: two people cannot take
the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import model_item, put_new_or_at, query_all, strip, transact
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, IllegalTransition, VersionConflict
from frontdesk.models.keys import EmergencyKey, KeyUse

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _key_item(key: EmergencyKey) -> dict[str, Any]:
    site_keys = {"GSI2PK": f"KEYS#{key.site_id}", "GSI2SK": f"{key.building_id}#{key.unit}"}
    return model_item(key, PK=f"KEY#{key.key_id}", SK="KEY", type="emergency_key", **site_keys)


def _use_item(use: KeyUse) -> dict[str, Any]:
    out = {"GSI2PK": f"KEYSOUT#{use.site_id}", "GSI2SK": use.taken_at} if use.returned_at is None else {}
    if use.tell_due is not None and use.client_told is None:
        out.update(GSI3PK=f"KEYTELL#{use.site_id}", GSI3SK=use.tell_due)
    # every use by the time it was taken: the weekly duty summary reads a week of them
    taken = {"GSI5PK": f"KEYUSES#{use.site_id}", "GSI5SK": f"{use.taken_at}#{use.use_id}"}
    return model_item(use, PK=f"KEYUSE#{use.use_id}", SK="USE", type="key_use", **out, **taken)


class KeyStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(self, key: EmergencyKey) -> None:
        """The key and its unit's marker: refused (409) when the unit has a key already."""
        name = self._table.name
        marker = {"PK": f"KEYUNIT#{key.site_id}#{key.building_id}#{key.unit}", "SK": "KEYUNIT", "key_id": key.key_id}
        try:
            transact(
                self._table,
                [put_new_or_at(name, _key_item(key), 0), put_new_or_at(name, {**marker, "type": "key_unit"}, 0)],
            )
        except VersionConflict as error:
            raise IllegalTransition(field="unit", code=ErrorCode.KEY_EXISTS) from error

    def get(self, key_id: str) -> EmergencyKey | None:
        item = self._table.get_item(Key={"PK": f"KEY#{key_id}", "SK": "KEY"}, ConsistentRead=True).get("Item")
        return EmergencyKey.model_validate(strip(item)) if item else None

    def use(self, use_id: str) -> KeyUse | None:
        item = self._table.get_item(Key={"PK": f"KEYUSE#{use_id}", "SK": "USE"}, ConsistentRead=True).get("Item")
        return KeyUse.model_validate(strip(item)) if item else None

    def keys(self, site_id: str) -> list[EmergencyKey]:
        return [EmergencyKey.model_validate(strip(i)) for i in self._query(f"KEYS#{site_id}")]

    def out(self, site_id: str) -> list[KeyUse]:
        return [KeyUse.model_validate(strip(i)) for i in self._query(f"KEYSOUT#{site_id}")]

    def to_tell(self, site_id: str) -> list[KeyUse]:
        items = query_all(self._table, IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(f"KEYTELL#{site_id}"))
        return [KeyUse.model_validate(strip(i)) for i in items]

    def save_use(self, use: KeyUse, use_version: int, clocks: Sequence[ClockWrite]) -> None:
        """A use alone (the client told) and its clocks, or nothing (the use moved: 409)."""
        name = self._table.name
        transact(self._table, [put_new_or_at(name, _use_item(use), use_version), *clock_writes(name, clocks)])

    def used(self, site_id: str, start: str, end: str) -> list[KeyUse]:
        """The uses taken in [start, end) (UTC ISO instants)."""
        condition = Key("GSI5PK").eq(f"KEYUSES#{site_id}") & Key("GSI5SK").between(start, end)
        items = query_all(self._table, IndexName="GSI5", KeyConditionExpression=condition)
        return [u for u in (KeyUse.model_validate(strip(i)) for i in items) if u.taken_at < end]

    def save(
        self, key: EmergencyKey, key_version: int, use: KeyUse, use_version: int, clocks: Sequence[ClockWrite]
    ) -> None:
        """The key, its use and the use's clock, or none (the key moved: 409)."""
        name = self._table.name
        key_put, use_put = (
            put_new_or_at(name, _key_item(key), key_version),
            put_new_or_at(name, _use_item(use), use_version),
        )
        transact(self._table, [key_put, use_put, *clock_writes(name, clocks)])

    def _query(self, partition: str) -> list[dict[str, Any]]:
        return query_all(self._table, IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(partition))
