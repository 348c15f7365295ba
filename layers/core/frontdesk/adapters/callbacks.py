"""Callbacks (回访) in the single table (docs/decisions/0023-callbacks-and-business-calendars.md).

Keys (PK / SK):
    CALLBACK#<id> / CALLBACK        the callback; while open, GSI1 ``CALLBACKS#<site>`` / ``<due>#<id>``,
                                    concluded ``CALLBACKS_DONE#<site>`` / ``<done at>#<id>``; it and
                                    its clock expire 2 years after creation (TTL ``expires_at``)
    CALLBACK#<id> / CLOCK#<kind>    its clock (frontdesk.adapters.clocks)
    SITE#<site> / SAMPLE#<week>     a week's sample of ordinary repairs: seed, population, chosen
    SITE#<site> / DRAW#<rule>#<month>  a month's drawn callbacks (the top 3 repairs, the activities' sample)
    TICKET#<id> / CALLBACK          the ticket's latest callback (what its survey link answers)
    TICKET#<id> / REWORK            the ticket's run is the rework of a failed callback: its completion
                                    owes a special callback (removed in the write that creates it)

A callback is written with its clock in one transaction; a recorded attempt that sends the repair
back to work (or reopens the complaint) writes the callback, its clock, the ticket, the ticket's
event and clocks in one transaction too: nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import ClientError

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import (
    EXPIRES_AT,
    KEY_ATTRIBUTES,
    change_puts,
    index_page,
    model_item,
    put_at,
    put_new,
    put_once,
    strip,
    throttled,
    transact,
)
from frontdesk.app.ports import TicketMove
from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import Busy, ErrorCode
from frontdesk.models.callback import RETENTION_DAYS, Callback, CallbackState, DrawRule, MonthlyDraw, Sample

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

SK: Final = "CALLBACK"
REWORK_SK: Final = "REWORK"
LATEST_SK: Final = "CALLBACK"  # on the ticket: its latest callback (the survey link answers that one)


def _key(callback_id: str) -> dict[str, str]:
    return {"PK": f"CALLBACK#{callback_id}", "SK": SK}


def _draw_key(site_id: str, rule: DrawRule, month: str) -> dict[str, str]:
    return {"PK": f"SITE#{site_id}", "SK": f"DRAW#{rule.value}#{month}"}


def expires_at(created_at: str) -> int:
    """The TTL (epoch seconds): 2 years after the callback was created (001 part 11 §4.7)."""
    return int((parse_iso(created_at) + timedelta(days=RETENTION_DAYS)).timestamp())


def callback_item(callback: Callback) -> dict[str, Any]:
    item = model_item(
        callback, **_key(callback.callback_id), type="callback", expires_at=expires_at(callback.created_at)
    )
    if callback.is_open:
        item.update(GSI1PK=f"CALLBACKS#{callback.site_id}", GSI1SK=f"{callback.due}#{callback.callback_id}")
    elif callback.done_at is not None and callback.state is not CallbackState.CANCELLED:
        item.update(GSI1PK=f"CALLBACKS_DONE#{callback.site_id}", GSI1SK=f"{callback.done_at}#{callback.callback_id}")
    return item


def callback_of(item: dict[str, Any]) -> Callback:
    """The callback a stored item (or an index's copy of it) holds."""
    return Callback.model_validate(strip(item, KEY_ATTRIBUTES | {EXPIRES_AT}))


class CallbackStore:
    def __init__(self, table: Table, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._table = table
        self._client = table.meta.client
        self._now = now

    def get(self, callback_id: str) -> Callback | None:
        item = self._table.get_item(Key=_key(callback_id), ConsistentRead=True).get("Item")
        return callback_of(item) if item else None

    def latest_for(self, ticket_id: str) -> Callback | None:
        item = self._table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": LATEST_SK}, ConsistentRead=True)
        return self.get(str(item["Item"]["callback_id"])) if "Item" in item else None

    def concluded(self, site_id: str, limit: int = 20) -> list[Callback]:
        """The site's latest concluded callbacks, newest first (one bounded page of the index)."""
        return [
            callback_of(item)
            for item in index_page(self._table, "GSI1", f"CALLBACKS_DONE#{site_id}", limit, newest_first=True)
        ]

    def reworked(self, ticket_id: str) -> str | None:
        """The failed callback whose rework the ticket's current run is, if it is one."""
        item = self._table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": REWORK_SK}, ConsistentRead=True)
        return str(item["Item"]["callback_id"]) if "Item" in item else None

    def create(self, callback: Callback, clocks: Sequence[ClockWrite], rework_done: bool = False) -> bool:
        """The callback and its clock; False if an earlier delivery of the same event created it.
        ``rework_done``: the ticket's rework marker is removed in the same write."""
        name = self._table.name
        items: list[dict[str, Any]] = [
            put_new(name, callback_item(callback)),
            *clock_writes(name, clocks),
            {
                "Put": {
                    "TableName": name,
                    "Item": {
                        "PK": f"TICKET#{callback.ticket_id}",
                        "SK": LATEST_SK,
                        "type": "latest_callback",
                        "callback_id": callback.callback_id,
                        "expires_at": expires_at(callback.created_at),
                    },
                }
            },
        ]
        if rework_done:
            items.append(
                {"Delete": {"TableName": name, "Key": {"PK": f"TICKET#{callback.ticket_id}", "SK": REWORK_SK}}}
            )
        try:
            self._client.transact_write_items(TransactItems=cast("Any", items))
        except ClientError as error:
            if throttled(error):
                raise Busy() from error
            if error.response["Error"]["Code"] == "TransactionCanceledException" and self.get(callback.callback_id):
                return False
            raise
        return True

    def save(
        self, callback: Callback, expected_version: int, clocks: Sequence[ClockWrite], ticket: TicketMove | None = None
    ) -> None:
        """The callback (refused if recorded by someone since ``expected_version``) and its clock;
        with ``ticket``, the ticket's change, event and clocks (and for a rework, the marker that
        its completion owes a special callback) in the same transaction."""
        name = self._table.name
        items = [put_at(name, callback_item(callback), expected_version), *clock_writes(name, clocks)]
        if ticket is not None:
            items += [
                *change_puts(name, ticket.change, ticket.expected_version, to_iso(self._now())),
                *clock_writes(name, ticket.clocks),
            ]
        if ticket is not None and ticket.rework:
            marker = {
                "PK": f"TICKET#{ticket.change.ticket.ticket_id}",
                "SK": REWORK_SK,
                "type": "rework",
                "callback_id": callback.callback_id,
            }
            items.append({"Put": {"TableName": name, "Item": marker}})
        transact(self._table, items, ErrorCode.CALLBACK_VERSION_CONFLICT)

    def put_sample(self, sample: Sample) -> Sample:
        """The week's sample, once: a second draw of the same week answers the first."""
        item = {**sample.model_dump(mode="json"), "PK": f"SITE#{sample.site_id}", "SK": f"SAMPLE#{sample.week}"}
        if put_once(self._table, {**item, "type": "sample"}):
            return sample
        drawn = self.get_sample(sample.site_id, sample.week)
        if drawn is None:
            raise RuntimeError(f"sample {sample.site_id} {sample.week} refused and not found")
        return drawn

    def put_draw(self, draw: MonthlyDraw) -> MonthlyDraw:
        """The month's draw for one rule, once: a second draw of the same month answers the first."""
        key = _draw_key(draw.site_id, draw.rule, draw.month)
        if put_once(self._table, {**draw.model_dump(mode="json"), **key, "type": "monthly_draw"}):
            return draw
        drawn = self.get_draw(draw.site_id, draw.rule, draw.month)
        if drawn is None:
            raise RuntimeError(f"draw {key} refused and not found")
        return drawn

    def get_draw(self, site_id: str, rule: DrawRule, month: str) -> MonthlyDraw | None:
        item = self._table.get_item(Key=_draw_key(site_id, rule, month), ConsistentRead=True).get("Item")
        return MonthlyDraw.model_validate(strip(item)) if item else None

    def get_sample(self, site_id: str, week: str) -> Sample | None:
        item = self._table.get_item(Key={"PK": f"SITE#{site_id}", "SK": f"SAMPLE#{week}"}, ConsistentRead=True)
        if "Item" not in item:
            return None
        return Sample.model_validate(strip(item["Item"]))

    def open_by_due(self, site_id: str, limit: int = 200) -> list[Callback]:
        """The site's open callbacks, soonest due first (one page of the index: bounded)."""
        return [callback_of(item) for item in index_page(self._table, "GSI1", f"CALLBACKS#{site_id}", limit)]
