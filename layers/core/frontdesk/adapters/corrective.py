"""Corrective-action reports in the single table (docs/decisions/0022).

Keys (PK / SK):
    CORRECTIVE#<ticket_id> / REPORT                  a major complaint's report (one per complaint)
    CORRECTIVE#<ticket_id> / CLOCK#corrective_action its clock, in the same transactions
A report is written conditional on the version read: two supervisors cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import model_item, put_new_or_at, strip, transact
from frontdesk.domain.clocks import ClockWrite
from frontdesk.models.corrective import CorrectiveAction

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

REPORT_SK = "REPORT"


class CorrectiveActionStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, ticket_id: str) -> CorrectiveAction | None:
        key = {"PK": f"CORRECTIVE#{ticket_id}", "SK": REPORT_SK}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return CorrectiveAction.model_validate(strip(item)) if item else None

    def save(self, report: CorrectiveAction, expected_version: int, clocks: Sequence[ClockWrite]) -> None:
        """The report and its clock, or neither (someone wrote it meanwhile: 409)."""
        name = self._table.name
        item = model_item(report, PK=f"CORRECTIVE#{report.ticket_id}", SK=REPORT_SK, type="corrective_action")
        transact(self._table, [put_new_or_at(name, item, expected_version), *clock_writes(name, clocks)])
