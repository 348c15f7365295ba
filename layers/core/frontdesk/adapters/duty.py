"""The duty log in the single table (docs/decisions/0024): append-only, enforced here and in IAM.

Keys (PK / SK):
    DUTY#<page_id> / PAGE               the page: its state, entry count and the chain's head (``version``);
                                        GSI2 = the site's pages by start (``DUTYPAGES#<site>`` / starts_at)
    DUTY#<page_id> / ENTRY#<seq:06d>    an entry: put once, ``attribute_not_exists`` — never updated
    DUTYSOURCE#<source> / SOURCE        "this ticket or report has its automatic entry" (put with it,
                                        ``attribute_not_exists``: a redelivered stream record adds nothing,
                                        whichever page is open by then)

    HANDOVER#<page_id> / HANDOVER       the shift's handover to the next (written with the page's first
                                        write, pre-filled as the page closes, signed by both shifts)
    HANDOVER#<page_id> / CLOCK#handover its clock (frontdesk.adapters.clocks), in the same transactions

Every item carries ``expires_at`` (the table's TTL attribute) three years after its shift: the manual's retention.
The page is rewritten (a Put conditional on its version) as entries are added and when it closes;
no code path here issues an UpdateItem or a DeleteItem on a ``DUTY#`` key, and the functions'
policies deny both (template.yaml).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from boto3.dynamodb.conditions import Key

from frontdesk.adapters.clocks import clock_writes
from frontdesk.adapters.dynamodb import (
    EXPIRES_AT,
    index_page,
    model_item,
    put_new,
    put_new_or_at,
    query_all,
    strip,
    transact,
)
from frontdesk.clock import parse_iso
from frontdesk.domain.duty import RETENTION_DAYS, HandoverWrite
from frontdesk.domain.errors import ErrorCode
from frontdesk.models.duty import DutyEntry, DutyPage, Handover

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_KEYS: Final = frozenset({"PK", "SK", "type", EXPIRES_AT})
ENTRY_PREFIX: Final = "ENTRY#"


def page_pk(pid: str) -> str:
    return f"DUTY#{pid}"


def entry_key(pid: str, seq: int) -> dict[str, str]:
    return {"PK": page_pk(pid), "SK": f"{ENTRY_PREFIX}{seq:06d}"}


def _source_key(source: str) -> dict[str, str]:
    return {"PK": f"DUTYSOURCE#{source}", "SK": "SOURCE"}


def retained_until(moment: str) -> int:
    """The TTL (epoch seconds) of a record of the desk kept as long as the duty log: three years
    after ``moment`` (UTC ISO), and a day (000 §3.9)."""
    return int((parse_iso(moment) + timedelta(days=RETENTION_DAYS + 1)).timestamp())


def _expiration(page: DutyPage) -> int:
    return retained_until(page.ends_at)


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return strip(item, _KEYS)


def _page_item(page: DutyPage) -> dict[str, Any]:
    by_start = {"GSI2PK": f"DUTYPAGES#{page.site_id}", "GSI2SK": page.starts_at}
    expiration = _expiration(page)
    return model_item(page, PK=page_pk(page.page_id), SK="PAGE", type="duty_page", expires_at=expiration, **by_start)


def _entry_item(entry: DutyEntry, page: DutyPage) -> dict[str, Any]:
    return model_item(entry, **entry_key(entry.page_id, entry.seq), type="duty_entry", expires_at=_expiration(page))


def _handover_item(handover: Handover) -> dict[str, Any]:
    expiration = retained_until(handover.shift_change_at)
    return model_item(
        handover, PK=f"HANDOVER#{handover.page_id}", SK="HANDOVER", type="handover", expires_at=expiration
    )


def handover_writes(table_name: str, write: HandoverWrite | None) -> list[dict[str, Any]]:
    """The handover (new, or over the version read) and its clocks, as TransactWriteItems entries."""
    if write is None:
        return []
    return [
        put_new_or_at(table_name, _handover_item(write.handover), write.previous_version),
        *clock_writes(table_name, write.clocks),
    ]


def page_put(table_name: str, page: DutyPage, previous_version: int) -> dict[str, Any]:
    """The page as a TransactWriteItems Put: new, or over the version read (and still open)."""
    put: dict[str, Any] = {"TableName": table_name, "Item": _page_item(page)}
    if previous_version == 0:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put.update(
            ConditionExpression="version = :v AND #state = :open",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":v": previous_version, ":open": "open"},
        )
    return {"Put": put}


class DutyStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def page(self, pid: str) -> DutyPage | None:
        item = self._table.get_item(Key={"PK": page_pk(pid), "SK": "PAGE"}, ConsistentRead=True).get("Item")
        return DutyPage.model_validate(_strip(item)) if item else None

    def entries(self, pid: str) -> list[DutyEntry]:
        items = self._query(
            KeyConditionExpression=Key("PK").eq(page_pk(pid)) & Key("SK").begins_with(ENTRY_PREFIX),
            ConsistentRead=True,
        )
        return [DutyEntry.model_validate(_strip(item)) for item in items]

    def entry(self, pid: str, seq: int) -> DutyEntry | None:
        item = self._table.get_item(Key=entry_key(pid, seq), ConsistentRead=True).get("Item")
        return DutyEntry.model_validate(_strip(item)) if item else None

    def pages(self, site_id: str, limit: int = 20) -> list[DutyPage]:
        """The site's latest pages, newest first."""
        items = index_page(self._table, "GSI2", f"DUTYPAGES#{site_id}", limit, newest_first=True)
        return [DutyPage.model_validate(_strip(item)) for item in items]

    def pages_between(self, site_id: str, start: str, end: str) -> list[DutyPage]:
        """The site's pages whose shift began in [start, end) (UTC ISO instants), oldest first."""
        condition = Key("GSI2PK").eq(f"DUTYPAGES#{site_id}") & Key("GSI2SK").between(start, end)
        items = self._query(IndexName="GSI2", KeyConditionExpression=condition)
        return [p for p in (DutyPage.model_validate(_strip(i)) for i in items) if p.starts_at < end]

    def append(
        self, page: DutyPage, entry: DutyEntry, previous_version: int, handover: HandoverWrite | None = None
    ) -> None:
        """The entry (never over another), the page moved on from the version read, the marker of
        an automatic entry's source (written once per source) and the handover (with a new page),
        or nothing."""
        name = self._table.name
        items = [page_put(name, page, previous_version), put_new(name, _entry_item(entry, page))]
        if entry.source is not None:
            marker = {
                **_source_key(entry.source),
                "type": "duty_source",
                "seq": entry.seq,
                EXPIRES_AT: _expiration(page),
            }
            items.append(put_new(name, marker))
        self._write([*items, *handover_writes(name, handover)])

    def has_source(self, source: str) -> bool:
        return "Item" in self._table.get_item(Key=_source_key(source), ConsistentRead=True)

    def save_page(self, page: DutyPage, previous_version: int, handover: HandoverWrite | None = None) -> None:
        name = self._table.name
        self._write([page_put(name, page, previous_version), *handover_writes(name, handover)])

    def handover(self, pid: str) -> Handover | None:
        item = self._table.get_item(Key={"PK": f"HANDOVER#{pid}", "SK": "HANDOVER"}, ConsistentRead=True).get("Item")
        return Handover.model_validate(_strip(item)) if item else None

    def save_handover(self, write: HandoverWrite) -> None:
        self._write(handover_writes(self._table.name, write))

    def _write(self, items: list[dict[str, Any]]) -> None:
        transact(self._table, items, ErrorCode.DUTY_VERSION_CONFLICT)

    def _query(self, **kwargs: Any) -> list[dict[str, Any]]:
        return query_all(self._table, **kwargs)
