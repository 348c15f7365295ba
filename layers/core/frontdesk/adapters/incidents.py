"""Incident reports in the single table (docs/decisions/0008).

Keys (PK / SK):
    SITE#<site> / INCIDENT_COUNTER#<year>   the last number given in the site's year (`n`)
    REPORT#<id> / REPORT                    the report; GSI2 = the register of a site's year, ordered by
                                            number
    REPORT#<id> / CLOCK#incident_report     its deadline's clock (frontdesk.adapters.clocks), written in
                                            the same transaction as the report
    REPORT#<id> / EVT#<seq:06d>             timeline event (type "report_event"); seq = version it produced
    REPORT#<id> / NOTIFIED#<notice>         "this notice went out": a redelivered record does not send it again
    REPORT#<id> / PACK#<pack_id>            an evidence pack made: its key, ZIP and manifest hashes

Numbering: one transaction sets the counter from the value read to the next, conditional on it
still being the value read, and puts the report under the id that number gives, conditional on
it not existing. Both or neither: no number is skipped (a failed write does not move the
counter) and none is given twice (the counter moves once per number, the id exists once). A
writer that loses the race reads again and retries with the next number.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import model_item, put_new, put_versioned, query_all, strip
from frontdesk.app.ports import ReportClocks
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode
from frontdesk.domain.incidents import NumberingBusy, ReportChange
from frontdesk.models.incident import IncidentReport, ReportEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

MAX_NUMBERING_ATTEMPTS: Final = 100
# Give up (503, "try again") well inside the API function's 15 s rather than retry until it times out.
NUMBERING_BUDGET_SECONDS = 8.0
_RETRYABLE: Final = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def _report_item(report: IncidentReport) -> dict[str, Any]:
    register = {"GSI2PK": f"INCIDENTS#{report.site_id}#{report.year}", "GSI2SK": f"{report.seq:06d}"}
    return model_item(report, PK=f"REPORT#{report.report_id}", SK="REPORT", type="incident_report", **register)


def _event_item(event: ReportEvent) -> dict[str, Any]:
    item: dict[str, Any] = event.model_dump(mode="json")
    item.update(PK=f"REPORT#{event.report_id}", SK=f"EVT#{event.seq:06d}", type="report_event")
    return item


def _reasons(error: ClientError) -> list[str]:
    raw: list[dict[str, Any]] = error.response.get("CancellationReasons", [])  # type: ignore[assignment]
    return [str(reason.get("Code", "None")) for reason in raw]


class ReportStore:
    def __init__(
        self,
        table: Table,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._table = table
        self._client = table.meta.client
        self._sleep = sleep
        self._monotonic = monotonic

    # ------------------------------------------------------------------ numbering

    def last_number(self, site_id: str, year: int) -> int:
        item = self._table.get_item(
            Key={"PK": f"SITE#{site_id}", "SK": f"INCIDENT_COUNTER#{year}"}, ConsistentRead=True
        ).get("Item")
        return int(str(item["n"])) if item else 0

    def create(
        self,
        site_id: str,
        year: int,
        build: Callable[[int], ReportChange],
        clocks: ReportClocks = lambda report: (),
    ) -> ReportChange:
        """Write the report ``build(n)`` gives for the next number n, the counter and the report's
        clocks (``clocks(report)``, once its id is known), together."""
        name = self._table.name
        started = self._monotonic()
        for attempt in range(MAX_NUMBERING_ATTEMPTS):
            if self._monotonic() - started > NUMBERING_BUDGET_SECONDS:
                break
            current = self.last_number(site_id, year)
            change = build(current + 1)
            if change.report.year != year:
                raise ValueError("a report is numbered in its own year")
            counter: dict[str, Any] = {
                "TableName": name,
                "Key": {"PK": f"SITE#{site_id}", "SK": f"INCIDENT_COUNTER#{year}"},
                "UpdateExpression": "SET n = :next, #type = :type",
                "ExpressionAttributeNames": {"#type": "type"},
                "ExpressionAttributeValues": {":next": current + 1, ":type": "counter"},
            }
            if current == 0:
                counter["ConditionExpression"] = "attribute_not_exists(n)"
            else:
                counter["ConditionExpression"] = "n = :current"
                counter["ExpressionAttributeValues"][":current"] = current
            try:
                self._client.transact_write_items(
                    TransactItems=[
                        {"Update": cast("Any", counter)},
                        cast("Any", put_new(name, _report_item(change.report))),
                        cast("Any", put_new(name, _event_item(change.event))),
                        *cast("list[Any]", clock_writes(name, clocks(change.report))),
                    ]
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                if not set(_reasons(error)) & _RETRYABLE:
                    raise
                # Someone took this number first: back off (exponential, full jitter) and take the next.
                self._sleep(random.uniform(0, min(1.0, 0.02 * 2 ** min(attempt, 6))))  # noqa: S311 (jitter)
                continue
            return change
        raise NumberingBusy(field="site_id")

    # ------------------------------------------------------------------ reports

    def save(self, change: ReportChange, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None:
        """The report, its event and its clocks moved by the change, or none of them."""
        put_versioned(
            self._table,
            _report_item(change.report),
            _event_item(change.event),
            expected_version,
            ErrorCode.INCIDENT_VERSION_CONFLICT,
            also=clock_writes(self._table.name, clocks),
        )

    def get(self, report_id: str) -> IncidentReport | None:
        item = self._table.get_item(Key={"PK": f"REPORT#{report_id}", "SK": "REPORT"}, ConsistentRead=True).get("Item")
        return IncidentReport.model_validate(strip(item)) if item else None

    def timeline(self, report_id: str) -> list[ReportEvent]:
        items = query_all(
            self._table,
            KeyConditionExpression=Key("PK").eq(f"REPORT#{report_id}") & Key("SK").begins_with("EVT#"),
            ConsistentRead=True,
        )
        return [ReportEvent.model_validate(strip(item)) for item in items]

    def register(self, site_id: str, year: int) -> list[IncidentReport]:
        items = query_all(
            self._table, IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(f"INCIDENTS#{site_id}#{year}")
        )
        return [IncidentReport.model_validate(strip(item)) for item in items]

    # ------------------------------------------------------------------ notices

    def sent(self, report_id: str, notice: str) -> int | None:
        """How many recipients the notice went to, or None if it has not gone out."""
        item = self._table.get_item(
            Key={"PK": f"REPORT#{report_id}", "SK": f"NOTIFIED#{notice}"}, ConsistentRead=True
        ).get("Item")
        return int(str(item.get("recipients", 0))) if item else None

    def mark_sent(self, report_id: str, notice: str, at: str, recipients: int) -> None:
        self._table.put_item(
            Item={
                "PK": f"REPORT#{report_id}",
                "SK": f"NOTIFIED#{notice}",
                "type": "notified",
                "at": at,
                "recipients": recipients,
            }
        )

    # ------------------------------------------------------------------ packs

    def put_pack(self, report_id: str, pack: dict[str, Any]) -> None:
        self._table.put_item(
            Item={"PK": f"REPORT#{report_id}", "SK": f"PACK#{pack['pack_id']}", "type": "evidence_pack", **pack},
            ConditionExpression="attribute_not_exists(PK)",
        )

    def get_pack(self, report_id: str, pack_id: str) -> dict[str, Any] | None:
        item = self._table.get_item(Key={"PK": f"REPORT#{report_id}", "SK": f"PACK#{pack_id}"}, ConsistentRead=True)
        return strip(item["Item"]) if "Item" in item else None
