"""The monthly key-cabinet audit in the single table (docs/decisions/0024).

Keys (PK / SK):
    KEYAUDIT#<site>-<month> / AUDIT          the month's audit (its keys, checks and result)
    KEYAUDIT#<site>-<month> / CLOCK#key_audit its clock, in the same transactions
Every write is conditional on the version read (new: ``attribute_not_exists``): two people checking
keys at once cannot lose each other's check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import model_item, put_new_or_at, strip, transact
from frontdesk.domain.clocks import ClockWrite
from frontdesk.models.key_audit import KeyAudit

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _pk(site_id: str, month: str) -> str:
    return f"KEYAUDIT#{site_id}-{month}"


class KeyAuditStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, site_id: str, month: str) -> KeyAudit | None:
        key = {"PK": _pk(site_id, month), "SK": "AUDIT"}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return KeyAudit.model_validate(strip(item)) if item else None

    def save(self, audit: KeyAudit, previous_version: int, clocks: Sequence[ClockWrite]) -> None:
        """The audit and its clock, or neither (someone wrote it meanwhile: 409)."""
        name = self._table.name
        item = model_item(audit, PK=_pk(audit.site_id, audit.month), SK="AUDIT", type="key_audit")
        transact(self._table, [put_new_or_at(name, item, previous_version), *clock_writes(name, clocks)])
