"""Single-table storage of sites, tickets, timelines and tracking tokens.

Keys (PK / SK):
    SITES / SITE#<site>                     site with its buildings and units
    SITE#<site> / COUNTER#<local day>       the day's ticket sequence (atomic ADD)
    TICKET#<id> / TICKET                    the ticket (GSI1 open-by-deadline, GSI2 by unit, GSI3 by day,
                                            GSI5 by last change, GSI6 by assignee while assigned)
    TICKET#<id> / TERM#<term>               a search term (GSI4 TERM#<site>#<term> / created#id), written
                                            with the ticket (docs/decisions/0020) or with the note or reply
                                            whose word it is (0021)
    TICKET#<id> / EVT#<seq:06d>             timeline event; seq = ticket version it produced
    TRACK#<sha256(token)> / TRACK           tracking token → ticket id (the raw token is never stored)
Every ticket change is one transaction: the ticket put, conditional on the version read, and its event.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, cast

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from pydantic import BaseModel

from frontdesk.adapters.clocks import clock_writes
from frontdesk.app.ports import NewTicketWrite, TicketWrite
from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.conversation import notice_key
from frontdesk.domain.errors import Busy, ErrorCode, VersionConflict
from frontdesk.domain.lifecycle import Change
from frontdesk.domain.queue import queue_key
from frontdesk.domain.search import Found, Plan, Source, terms
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from mypy_boto3_dynamodb.service_resource import Table

TICKET_SK = "TICKET"


def table(name: str) -> Table:
    return boto3.resource("dynamodb").Table(name)


def idempotency_store(table_name: str) -> DynamoDBPersistenceLayer:
    """powertools' idempotency table, on a client of the default session as every adapter's:
    left alone, powertools makes a session of its own (the service model parsed again at a cold
    start, and a client the local stack's in-process hand-over to moto is not registered on)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=boto3.client("dynamodb"))


def _ticket_item(ticket: Ticket, written_at: str) -> dict[str, Any]:
    """The ticket with its index keys; ``written_at`` (when this write happens) orders the live
    board's index: a change the system makes (a clock's rung) moves no business time of the ticket."""
    item: dict[str, Any] = ticket.model_dump(mode="json", exclude_none=True)
    item.update(
        PK=f"TICKET#{ticket.ticket_id}",
        SK=TICKET_SK,
        type="ticket",
        GSI2PK=f"UNIT#{ticket.site_id}#{ticket.building_id}#{ticket.unit}",
        GSI2SK=ticket.created_at,
        GSI3PK=f"DAY#{ticket.site_id}#{ticket.local_day}",
        GSI3SK=ticket.number,
        GSI5PK=f"SITE#{ticket.site_id}",
        GSI5SK=f"{written_at}#{ticket.ticket_id}",
    )
    if ticket.assignment is not None:
        item.update(GSI6PK=f"WORK#{ticket.site_id}#{ticket.assignment.assignee}", GSI6SK=item["GSI5SK"])
    open_key = queue_key(ticket)
    if open_key is not None:
        item.update(GSI1PK=f"OPEN#{ticket.site_id}", GSI1SK=open_key)
    return item


def _term_items(ticket: Ticket, found_by: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The ticket's search terms (the fields they come from never change after intake), or the
    terms ``found_by`` a later write adds (a note's words). Putting a term again changes nothing."""
    return [
        {
            "PK": f"TICKET#{ticket.ticket_id}",
            "SK": f"TERM#{term}",
            "type": "term",
            "ticket_id": ticket.ticket_id,
            "GSI4PK": f"TERM#{ticket.site_id}#{term}",
            "GSI4SK": f"{ticket.created_at}#{ticket.ticket_id}",
        }
        for term in (terms(ticket) if found_by is None else found_by)
    ]


def _term_puts(table_name: str, ticket: Ticket, found_by: Sequence[str] | None = None) -> list[dict[str, Any]]:
    return [{"Put": {"TableName": table_name, "Item": term}} for term in _term_items(ticket, found_by)]


# Where each search source reads: index, its key attributes, and the direction.
_SOURCES: dict[Source, tuple[str, str, str, bool]] = {
    Source.TERMS: ("GSI4", "GSI4PK", "GSI4SK", False),
    Source.WORK: ("GSI6", "GSI6PK", "GSI6SK", False),
    Source.OPEN: ("GSI1", "GSI1PK", "GSI1SK", True),
    Source.CHANGED: ("GSI5", "GSI5PK", "GSI5SK", False),
}
# One index page; and the most index items one search request reads before it answers with what
# it found and a cursor (a rare filter on a large site then costs several requests, each bounded).
SEARCH_PAGE = 100
SEARCH_MAX_READ = 1000


def _partition(site_id: str, plan: Plan) -> str:
    match plan.source:
        case Source.TERMS:
            return f"TERM#{site_id}#{plan.partition}"
        case Source.WORK:
            return f"WORK#{site_id}#{plan.partition}"
        case Source.OPEN:
            return f"OPEN#{site_id}"
        case Source.CHANGED:
            return f"SITE#{site_id}"


def _event_item(event: TimelineEvent) -> dict[str, Any]:
    item: dict[str, Any] = event.model_dump(mode="json")
    item.update(PK=f"TICKET#{event.ticket_id}", SK=f"EVT#{event.seq:06d}", type="event")
    return item


def change_puts(table_name: str, change: Change, version: int, written_at: str) -> list[dict[str, Any]]:
    """A ticket's change as TransactWriteItems Puts: the ticket over ``version``, its new event."""
    return [
        put_at(table_name, _ticket_item(change.ticket, written_at), version),
        put_new(table_name, _event_item(change.event)),
    ]


def put_new(table_name: str, item: dict[str, Any]) -> dict[str, Any]:
    """A TransactWriteItems Put of an item that must not exist yet."""
    return {"Put": {"TableName": table_name, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}


def put_at(table_name: str, item: dict[str, Any], version: int) -> dict[str, Any]:
    """A TransactWriteItems Put over the item as read at ``version``."""
    return {
        "Put": {
            "TableName": table_name,
            "Item": item,
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": version},
        }
    }


def put_new_or_at(table_name: str, item: dict[str, Any], previous_version: int) -> dict[str, Any]:
    """New when ``previous_version`` is 0, else over the version read."""
    return put_new(table_name, item) if previous_version == 0 else put_at(table_name, item, previous_version)


def transact(table: Table, items: Sequence[dict[str, Any]], conflict: ErrorCode = ErrorCode.VERSION_CONFLICT) -> None:
    """Write all the items or none: 503 when throttled, 409 (``conflict``) when a condition failed."""
    try:
        table.meta.client.transact_write_items(TransactItems=cast("Any", list(items)))
    except ClientError as error:
        if throttled(error):
            raise Busy() from error
        if error.response["Error"]["Code"] == "TransactionCanceledException":
            raise VersionConflict(field="version", code=conflict) from error
        raise


def put_versioned(
    table: Table,
    item: dict[str, Any],
    event_item: dict[str, Any],
    expected_version: int,
    conflict_code: ErrorCode,
    also: Sequence[dict[str, Any]] = (),
) -> None:
    """Write an item and its timeline event (and `also`: its clocks), or none of them; refuse if
    anyone wrote the item, or moved one of its clocks, in between."""
    transact(table, [put_at(table.name, item, expected_version), put_new(table.name, event_item), *also], conflict_code)


# Refusals that mean "not now" rather than "not this": a clear 503, never a 500 or a false 409.
_THROTTLED = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})
_THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})


def throttled(error: ClientError) -> bool:
    reasons = error.response.get("CancellationReasons") or []
    return error.response["Error"]["Code"] in _THROTTLED or any(r.get("Code") in _THROTTLED_REASONS for r in reasons)


@contextmanager
def busy_when_throttled() -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        if throttled(error):
            raise Busy() from error
        raise


def put_once(table: Table, item: dict[str, Any]) -> bool:
    """Put the item unless one with its keys is there: False when it was (written by someone before)."""
    try:
        with busy_when_throttled():
            table.put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True


def site_setting(table: Table, site_id: str, sk: str) -> dict[str, Any] | None:
    """A site's one item of a kind (SITE#<site> / ``sk``: a template, a call list, a ladder), or None."""
    return table.get_item(Key={"PK": f"SITE#{site_id}", "SK": sk}, ConsistentRead=True).get("Item")


def put_site_setting(table: Table, site_id: str, sk: str, kind: str, fields: dict[str, Any]) -> None:
    """Write (over) a site's one item of a kind: its keys, its ``type`` and site, then ``fields``."""
    item: dict[str, Any] = {"PK": f"SITE#{site_id}", "SK": sk, "type": kind, "site_id": site_id, **fields}
    with busy_when_throttled():
        table.put_item(Item=item)


KEY_ATTRIBUTES: Final = frozenset({"PK", "SK", "type"})
# The table's one TTL attribute (template.yaml TimeToLiveSpecification): an item without it never expires.
EXPIRES_AT: Final = "expires_at"


def strip(item: dict[str, Any], keys: Collection[str] = KEY_ATTRIBUTES) -> dict[str, Any]:
    """The stored item without its keys (``keys`` and every index key): the model's fields."""
    return {k: v for k, v in item.items() if k not in keys and not k.startswith("GSI")}


def model_item(model: BaseModel, **keys: Any) -> dict[str, Any]:
    """The model as an item, with its keys."""
    item: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    item.update(keys)
    return item


def index_page(
    table: Table, index: str, partition: str, limit: int, newest_first: bool = False
) -> list[dict[str, Any]]:
    """One bounded page of an index partition (its key ``<index>PK``), in its sort key's order or,
    ``newest_first``, the reverse."""
    page = table.query(
        IndexName=index,
        KeyConditionExpression=Key(f"{index}PK").eq(partition),
        ScanIndexForward=not newest_first,
        Limit=limit,
    )
    return page["Items"]


def query_all(table: Table, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item a query finds, page after page."""
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class TicketStore:
    def __init__(self, table: Table, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._table = table
        self._client = table.meta.client
        self._now = now

    def next_seq(self, site_id: str, day: str) -> int:
        with busy_when_throttled():
            result = self._table.update_item(
                Key={"PK": f"SITE#{site_id}", "SK": f"COUNTER#{day}"},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": 1},
                ReturnValues="UPDATED_NEW",
            )
        return int(result["Attributes"]["n"])  # type: ignore[arg-type]

    def create(self, new: NewTicketWrite) -> None:
        """The ticket, its token's hash, its first event and clocks, and the mails owed with it."""
        with busy_when_throttled():
            self._client.transact_write_items(TransactItems=cast("Any", self._created(new)))

    def create_linked(self, new: NewTicketWrite, parent: Change, parent_version: int) -> None:
        """A ticket spawned from another (a complaint's repair) and the parent one version on, listing
        it, in one transaction: refused (version conflict) if anyone wrote the parent in between."""
        transact(self._table, self._created(new, self._change_puts(parent, parent_version)))

    def _created(self, new: NewTicketWrite, also: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
        """A new ticket's items: the ticket, its token's hash, its first event, terms and clocks, and
        ``also``. A mail owed (the tenant's acknowledgement, the staff told at intake) is written in
        the same write: the stream router sends it, then forgets it; a day's expiry removes it
        should that never happen."""
        name = self._table.name
        ticket = new.change.ticket
        token = {"PK": f"TRACK#{new.token_hash}", "SK": "TRACK", "type": "token", "ticket_id": ticket.ticket_id}
        owed = [notice for notice, due in ((ACKNOWLEDGEMENT, new.acknowledge), (ROUTE, new.route)) if due]
        return [
            put_new(name, _ticket_item(ticket, to_iso(self._now()))),
            put_new(name, token),
            {"Put": {"TableName": name, "Item": _event_item(new.change.event)}},
            *_term_puts(name, ticket),
            *clock_writes(name, new.clocks),
            *(_owed(name, ticket.ticket_id, notice, ticket.created_at) for notice in owed),
            *also,
        ]

    def _change_puts(self, change: Change, version: int) -> list[dict[str, Any]]:
        """A changed ticket over the version read, and its new event, as TransactWriteItems Puts."""
        return change_puts(self._table.name, change, version, to_iso(self._now()))

    def add_token(self, ticket_id: str, token_hash: str) -> None:
        self._table.put_item(
            Item={"PK": f"TRACK#{token_hash}", "SK": "TRACK", "type": "token", "ticket_id": ticket_id},
            ConditionExpression="attribute_not_exists(PK)",
        )

    def save(self, change: Change, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None:
        """Write the new ticket, its event and its clocks, with the change's owed notice and search
        terms, or none; refuse if anyone wrote in between."""
        name = self._table.name
        found_by = _term_puts(name, change.ticket, change.terms) if change.terms else []
        self._put_change(change, expected_version, [*clock_writes(name, clocks), *self._owed_notice(change), *found_by])

    def save_linked(self, write: TicketWrite, other: TicketWrite) -> None:
        """Two tickets changed together (a duplicate closed and its primary listing it), or neither:
        each conditional on the version read, with its clocks and its owed notice."""
        name = self._table.name
        also = [*self._change_puts(other.change, other.expected_version), *clock_writes(name, other.clocks)]
        owed = [*clock_writes(name, write.clocks), *self._owed_notice(write.change), *self._owed_notice(other.change)]
        self._put_change(write.change, write.expected_version, [*owed, *also])

    def _owed_notice(self, change: Change) -> list[dict[str, Any]]:
        if not change.notice:
            return []
        return [_owed(self._table.name, change.ticket.ticket_id, change.notice, change.event.at, change.event.seq)]

    def _put_change(self, change: Change, expected_version: int, extra: Sequence[dict[str, Any]]) -> None:
        put_versioned(
            self._table,
            _ticket_item(change.ticket, to_iso(self._now())),
            _event_item(change.event),
            expected_version,
            ErrorCode.VERSION_CONFLICT,
            extra,
        )

    def get(self, ticket_id: str) -> Ticket | None:
        item = self._table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": TICKET_SK}, ConsistentRead=True)
        return Ticket.model_validate(strip(item["Item"])) if "Item" in item else None

    def timeline(self, ticket_id: str) -> list[TimelineEvent]:
        items = self._query(
            KeyConditionExpression=Key("PK").eq(f"TICKET#{ticket_id}") & Key("SK").begins_with("EVT#"),
            ConsistentRead=True,
        )
        return [TimelineEvent.model_validate(strip(item)) for item in items]

    def event(self, ticket_id: str, seq: int) -> TimelineEvent | None:
        item = self._table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": f"EVT#{seq:06d}"}, ConsistentRead=True)
        return TimelineEvent.model_validate(strip(item["Item"])) if "Item" in item else None

    def forget_notice(self, ticket_id: str, notice: str) -> None:
        self._table.delete_item(Key={"PK": f"TICKET#{ticket_id}", "SK": f"NOTICE#{notice}"})

    def was_routed(self, event: TimelineEvent) -> bool:
        item = self._table.get_item(
            Key={"PK": f"TICKET#{event.ticket_id}", "SK": f"ROUTED#{event.seq:06d}"}, ConsistentRead=True
        )
        return "Item" in item

    def mark_routed(self, event: TimelineEvent) -> None:
        """After publishing (at least once): a replayed stream record finds the mark and is skipped."""
        self._table.put_item(
            Item={"PK": f"TICKET#{event.ticket_id}", "SK": f"ROUTED#{event.seq:06d}", "type": "routed"}
        )

    def record_system_change(self, change: Change, expected_version: int, marker: str) -> bool:
        """A change the system makes (a clock's rung, a failed notice) with its event, once: False
        when `marker` shows an earlier delivery made it."""
        name = self._table.name
        try:
            mark = {"PK": f"TICKET#{change.ticket.ticket_id}", "SK": marker, "type": "marker"}
            self._put_change(
                change,
                expected_version,
                [{"Put": {"TableName": name, "Item": mark, "ConditionExpression": "attribute_not_exists(PK)"}}],
            )
        except VersionConflict:
            marked = self._table.get_item(
                Key={"PK": f"TICKET#{change.ticket.ticket_id}", "SK": marker}, ConsistentRead=True
            )
            if "Item" in marked:
                return False
            raise
        return True

    def ticket_id_for(self, token_hash: str) -> str | None:
        item = self._table.get_item(Key={"PK": f"TRACK#{token_hash}", "SK": "TRACK"})
        return str(item["Item"]["ticket_id"]) if "Item" in item else None

    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]:
        items = self._query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(f"OPEN#{site_id}"), limit=limit)
        return [Ticket.model_validate(strip(item)) for item in items]

    def by_unit(self, site_id: str, building_id: str, unit: str, limit: int = 100) -> list[Ticket]:
        items = self._query(
            IndexName="GSI2",
            KeyConditionExpression=Key("GSI2PK").eq(f"UNIT#{site_id}#{building_id}#{unit}"),
            ScanIndexForward=False,
            limit=limit,
        )
        return [Ticket.model_validate(strip(item)) for item in items]

    def count_at_unit(self, site_id: str, building_id: str, unit: str, kind: str, category: str, since: str) -> int:
        # Select COUNT: nothing but the number comes back, whatever the unit's history holds.
        place = Key("GSI2PK").eq(f"UNIT#{site_id}#{building_id}#{unit}")
        kwargs: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": place & Key("GSI2SK").gte(since),
            "FilterExpression": Attr("kind").eq(kind) & Attr("category").eq(category),
            "Select": "COUNT",
        }
        count = 0
        while True:
            page = self._table.query(**kwargs)
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                return count
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def by_day(self, site_id: str, day: str, limit: int = 500) -> list[Ticket]:
        items = self._query(
            IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(f"DAY#{site_id}#{day}"), limit=limit
        )
        return [Ticket.model_validate(strip(item)) for item in items]

    def search(
        self, site_id: str, plan: Plan, accept: Callable[[Ticket], bool], limit: int, after: dict[str, str] | None
    ) -> Found:
        """Up to ``limit`` accepted tickets from the plan's index partition, from ``after`` on; the key
        to go on from (None at the end) and how many items were read."""
        index, pk, sk, forward = _SOURCES[plan.source]
        kwargs: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": Key(pk).eq(_partition(site_id, plan)),
            "ScanIndexForward": forward,
            "Limit": SEARCH_PAGE,
        }
        found: list[Ticket] = []
        read = 0
        while True:
            if after:
                kwargs["ExclusiveStartKey"] = after
            page = self._table.query(**kwargs)
            read += int(page.get("ScannedCount", len(page["Items"])))
            for item in page["Items"]:
                if plan.source is Source.TERMS:
                    ticket = self.get(str(item["PK"]).removeprefix("TICKET#"))
                    read += 1
                else:
                    ticket = Ticket.model_validate(strip(item))
                if ticket is not None and accept(ticket):
                    found.append(ticket)
                if len(found) >= limit or read >= SEARCH_MAX_READ:
                    return Found(found, {k: str(item[k]) for k in ("PK", "SK", pk, sk)}, read)
            if "LastEvaluatedKey" not in page:
                return Found(found, None, read)
            after = {k: str(v) for k, v in page["LastEvaluatedKey"].items()}

    def changed_since(self, site_id: str, since: str, limit: int = 500) -> list[tuple[str, Ticket]]:
        """Every ticket of the site written after ``since`` (open or closed), oldest write first,
        each with the time of its last write."""
        items = self._query(
            IndexName="GSI5",
            KeyConditionExpression=Key("GSI5PK").eq(f"SITE#{site_id}") & Key("GSI5SK").gt(since),
            limit=limit,
        )
        return [(str(item["GSI5SK"]).split("#")[0], Ticket.model_validate(strip(item))) for item in items]

    def has_terms(self, ticket_id: str, terms: Sequence[str]) -> bool:
        """Whether the ticket has each term (a term item, written with the ticket or a later note)."""
        return all(
            "Item" in self._table.get_item(Key={"PK": f"TICKET#{ticket_id}", "SK": f"TERM#{term}"}) for term in terms
        )

    # ------------------------------------------------------------------ the one-off backfill (ADR 0021)

    def without_search_keys(
        self, limit: int, after: dict[str, Any] | None
    ) -> tuple[list[Ticket], dict[str, Any] | None]:
        """Tickets the backfill has not done (no ``search_keys`` mark), one bounded page of a Scan: a
        one-off migration reads the table once, which nothing else here does. The key to go on from
        (None: the table has been read to its end)."""
        kwargs: dict[str, Any] = {
            "FilterExpression": "#type = :ticket AND attribute_not_exists(search_keys)",
            "ExpressionAttributeNames": {"#type": "type"},
            "ExpressionAttributeValues": {":ticket": "ticket"},
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = after
        with busy_when_throttled():
            page = self._table.scan(**kwargs)
        tickets = [Ticket.model_validate(strip(item)) for item in page["Items"]]
        return tickets, page.get("LastEvaluatedKey")

    def add_search_keys(self, ticket: Ticket, found_by: Sequence[str], notes: int) -> bool:
        """The ticket's term items (``found_by``), then its index keys, how many notes and replies it
        has (``notes``: a search checks their words on it) and the backfill's mark, unless
        it changed since it was read (False: read it again). Terms first: an interrupted run leaves
        the ticket unmarked, and the next one puts them again (a term put twice is one item). The
        board's key keeps the time of the ticket's last write, so the live board is not flooded."""
        with busy_when_throttled(), self._table.batch_writer(overwrite_by_pkeys=["PK", "SK"]) as batch:
            for term in _term_items(ticket, found_by):
                batch.put_item(Item=term)
        keys = _ticket_item(ticket, ticket.updated_at)
        values: dict[str, Any] = {
            ":v": ticket.version,
            ":one": 1,
            ":site": keys["GSI5PK"],
            ":sk": keys["GSI5SK"],
            ":notes": notes,
        }
        update = "SET search_keys = :one, notes = :notes, GSI5PK = :site, GSI5SK = if_not_exists(GSI5SK, :sk)"
        if "GSI6PK" in keys:
            update += ", GSI6PK = :work, GSI6SK = if_not_exists(GSI6SK, :sk)"
            values[":work"] = keys["GSI6PK"]
        try:
            with busy_when_throttled():
                self._table.update_item(
                    Key={"PK": keys["PK"], "SK": TICKET_SK},
                    UpdateExpression=update,
                    ConditionExpression="version = :v",
                    ExpressionAttributeValues=values,
                )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _query(self, limit: int = 1000, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = self._table.query(**kwargs)
            items.extend(page["Items"])
            if len(items) >= limit or "LastEvaluatedKey" not in page:
                return items[:limit]
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class SiteStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def put(self, site: Site) -> None:
        item: dict[str, Any] = site.model_dump(mode="json")
        item.update(PK="SITES", SK=f"SITE#{site.site_id}", type="site")
        self._table.put_item(Item=item)

    def get(self, site_id: str) -> Site | None:
        item = self._table.get_item(Key={"PK": "SITES", "SK": f"SITE#{site_id}"})
        return Site.model_validate(strip(item["Item"])) if "Item" in item else None

    def all(self) -> list[Site]:
        page = self._table.query(KeyConditionExpression=Key("PK").eq("SITES"))
        return [Site.model_validate(strip(item)) for item in page["Items"]]


ACKNOWLEDGEMENT = "acknowledgement"
ROUTE = "route"  # frontdesk.domain.routing.ROUTED
NOTICE_TTL_SECONDS = 86_400


def _owed(table_name: str, ticket_id: str, notice: str, at: str, seq: int | None = None) -> dict[str, Any]:
    """A notice owed to the tenant, written with the change it is about (a day's expiry removes it
    should the stream router never get to it)."""
    item: dict[str, Any] = {
        "PK": f"TICKET#{ticket_id}",
        "SK": f"NOTICE#{notice_key(notice, seq)}",
        "type": "notice",
        "notice": notice,
        "ticket_id": ticket_id,
        EXPIRES_AT: int(parse_iso(at).timestamp()) + NOTICE_TTL_SECONDS,
    }
    if seq is not None:
        item["seq"] = seq
    return {"Put": {"TableName": table_name, "Item": item}}
