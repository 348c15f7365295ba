"""Clock items in the single table (docs/decisions/0009-one-clock-engine.md).

Keys (PK / SK):
    TICKET#<id> / CLOCK#<kind>     a ticket's clock (arrival, completion, reply)
    REPORT#<id> / CLOCK#<kind>     an incident report's clock
    HANDOVER#<page> / CLOCK#<kind> a shift handover's clock (docs/decisions/0024)
    KEYUSE#<use> / CLOCK#<kind>    an emergency key's return clock (docs/decisions/0024)
    CALLBACK#<id> / CLOCK#<kind>   a callback's clock (docs/decisions/0023)
    CORRECTIVE#<ticket> / CLOCK#<kind>  a major complaint's corrective-action clock (docs/decisions/0022)
GSI1 (sparse): ``CLOCKS#<site>`` / ``<next rung time>#<clock id>`` while the clock is open (running
or paused): the reconciler's list, and the clocks a ladder edit re-plans.

A clock is written in the same transaction as its subject (``clock_writes``), conditional on the
generation and level read, so a clock the state machine moved up in between refuses the write
(VersionConflict) instead of losing that rung.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.stream_images import from_image
from frontdesk.clock import parse_iso
from frontdesk.domain.clocks import ClockWrite, execution_input
from frontdesk.models.clock import Clock, ClockKind, SubjectType

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

CLOCK_PREFIX: Final = "CLOCK#"
_SUBJECT_PK: Final = {
    SubjectType.TICKET: "TICKET#",
    SubjectType.REPORT: "REPORT#",
    SubjectType.HANDOVER: "HANDOVER#",
    SubjectType.KEY_USE: "KEYUSE#",
    SubjectType.KEY_AUDIT: "KEYAUDIT#",
    SubjectType.CALLBACK: "CALLBACK#",
    SubjectType.CORRECTIVE_ACTION: "CORRECTIVE#",
}
_KEYS: Final = frozenset({"PK", "SK", "type", "expires_at"})


def subject_pk(subject_type: SubjectType, subject_id: str) -> str:
    return f"{_SUBJECT_PK[subject_type]}{subject_id}"


def clock_key(clock: Clock) -> dict[str, str]:
    return {"PK": subject_pk(clock.subject_type, clock.subject_id), "SK": f"{CLOCK_PREFIX}{clock.kind.value}"}


def clock_item(clock: Clock) -> dict[str, Any]:
    item: dict[str, Any] = clock.model_dump(mode="json", exclude_none=True)
    item.update(clock_key(clock), type="clock")
    if clock.subject_type is SubjectType.CALLBACK:  # kept as long as its callback (docs/decisions/0023)
        from frontdesk.models.callback import RETENTION_DAYS  # only a callback's clock needs its models

        item["expires_at"] = int((parse_iso(clock.anchor) + timedelta(days=RETENTION_DAYS)).timestamp())
    if clock.is_open:
        next_at = clock.rungs[clock.level].at if clock.rungs_left() else clock.due
        item.update(GSI1PK=f"CLOCKS#{clock.site_id}", GSI1SK=f"{next_at}#{clock.clock_id}")
    return item


def to_clock(item: dict[str, Any]) -> Clock:
    return Clock.model_validate({k: v for k, v in item.items() if k not in _KEYS and not k.startswith("GSI")})


def transact_put(table_name: str, write: ClockWrite) -> dict[str, Any]:
    """The TransactWriteItems entry of one clock write, refused if the clock moved since it was read."""
    put: dict[str, Any] = {"TableName": table_name, "Item": clock_item(write.clock)}
    if write.previous is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put.update(
            ConditionExpression="#gen = :gen AND #level = :level",
            ExpressionAttributeNames={"#gen": "gen", "#level": "level"},
            ExpressionAttributeValues={":gen": write.previous.gen, ":level": write.previous.level},
        )
    return {"Put": put}


def clock_writes(table_name: str, writes: Iterable[ClockWrite]) -> list[dict[str, Any]]:
    return [transact_put(table_name, write) for write in writes]


def clock_change(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> tuple[Clock | None, Clock] | None:
    """A clock written (INSERT or MODIFY), with what it was before; None for every other record."""
    if event_name not in {"INSERT", "MODIFY"} or not new:
        return None
    item = from_image(new)
    if item.get("type") != "clock":
        return None
    before = from_image(old) if old else None
    return (to_clock(before) if before and before.get("type") == "clock" else None), to_clock(item)


def start_payload(clock: Clock) -> dict[str, Any]:
    return execution_input(clock, clock_key(clock))


class ClockStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def of_subject(self, subject_type: SubjectType, subject_id: str) -> dict[ClockKind, Clock]:
        page = self._table.query(
            KeyConditionExpression=Key("PK").eq(subject_pk(subject_type, subject_id))
            & Key("SK").begins_with(CLOCK_PREFIX),
            ConsistentRead=True,
        )
        clocks = (to_clock(item) for item in page["Items"])
        return {clock.kind: clock for clock in clocks}

    def open_clocks(self, site_id: str) -> list[Clock]:
        """Every running or paused clock of the site, soonest next rung first."""
        clocks: list[Clock] = []
        kwargs: dict[str, Any] = {"IndexName": "GSI1", "KeyConditionExpression": Key("GSI1PK").eq(f"CLOCKS#{site_id}")}
        while True:
            page = self._table.query(**kwargs)
            clocks.extend(to_clock(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return clocks
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def put(self, writes: Sequence[ClockWrite]) -> list[Clock]:
        """Each write on its own (a ladder edit re-plans many clocks); the ones that moved in between
        are returned, not written: their next rung is already under way."""
        moved: list[Clock] = []
        for write in writes:
            put = transact_put(self._table.name, write)["Put"]
            put.pop("TableName")
            try:
                self._table.put_item(**put)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                moved.append(write.clock)
        return moved
