"""Query reads one partition of the table or of an index (local_stack.moto_queries), with moto's own answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from local_stack import moto_fixes, moto_queries, stream_retention
from local_stack.provision import Stack


@contextmanager
def table_method(name: str, replacement: Callable[..., Any]) -> Iterator[None]:
    """Not monkeypatch: its undo would run after the `aws` fixture has put moto back."""
    current = getattr(Table, name)
    setattr(Table, name, replacement)
    try:
        yield
    finally:
        setattr(Table, name, current)


def _index_keys(ticket: int) -> dict[str, dict[str, str]]:
    """Index attributes as the app writes them, with ties on the index sort keys (moto then orders
    by the table's key), a second site, and items in a partition without the index's sort key."""
    site = "ql" if ticket % 5 else "other"
    keys = {
        "GSI1PK": f"OPEN#{site}",
        "GSI1SK": f"2026-01-{ticket % 7 + 1:02d}",  # ties
        "GSI2PK": f"UNIT#{site}#B1#{ticket % 3}",
        "GSI2SK": f"2026-02-{ticket % 10 + 10:02d}#{ticket:03d}",
        "GSI3PK": f"DAY#{site}#2026-03-0{ticket % 2 + 1}",
        "GSI3SK": f"{ticket:03d}",
        "GSI4PK": f"TERM#{site}#leak",
        "GSI4SK": f"2026-04-{ticket % 4 + 1:02d}",  # ties, in a KEYS_ONLY index
        "GSI5PK": f"SITE#{site}",
        "GSI5SK": f"2026-05-{ticket % 9 + 1:02d}#{ticket:03d}",
    }
    if ticket % 11 == 0:
        del keys["GSI1SK"]  # in OPEN#<site>'s partition, but not in the index
    return {name: {"S": value} for name, value in keys.items()}


@pytest.fixture
def filled(stack: Stack, aws: boto3.Session) -> tuple[Any, str]:
    client = aws.client("dynamodb")
    name = stack["Table"]["name"] or ""
    for ticket in range(30):
        for sk in ("TICKET", "EVT#000001", "EVT#000002", "EVT#000003", "CLOCK#arrival"):
            item = {
                "PK": {"S": f"TICKET#{ticket:03d}"},
                "SK": {"S": sk},
                "n": {"N": str(ticket)},
                "kind": {"S": "repair" if ticket % 2 else "complaint"},
            }
            if sk == "TICKET":
                item |= _index_keys(ticket)
            if sk == "CLOCK#arrival":
                item |= {"GSI1PK": {"S": "CLOCKS#ql"}, "GSI1SK": {"S": f"2026-06-01T00:{ticket % 4:02d}"}}
            client.put_item(TableName=name, Item=item)
    return client, name


def _eq(value: str) -> dict[str, dict[str, str]]:
    return {":p": {"S": value}}


TABLE_QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": _eq("TICKET#007")},
    {
        "KeyConditionExpression": "PK = :p AND begins_with(SK, :e)",
        "ExpressionAttributeValues": _eq("TICKET#007") | {":e": {"S": "EVT#"}},
        "ScanIndexForward": False,
    },
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": _eq("TICKET#007"), "Limit": 2},
    {
        "KeyConditionExpression": "PK = :p",
        "ExpressionAttributeValues": _eq("TICKET#007") | {":s": {"S": "EVT#000002"}},
        "FilterExpression": "SK <> :s",
        "ProjectionExpression": "SK",
    },
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": _eq("TICKET#none")},
]

# Every shape of index Query in layers/core/frontdesk/adapters (grep IndexName), with paging by Limit.
INDEX_QUERIES: list[dict[str, Any]] = [
    # open_by_deadline, index_page, search (OPEN): one partition, in order, bounded
    {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p", "ExpressionAttributeValues": _eq("OPEN#ql")},
    {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :p",
        "ExpressionAttributeValues": _eq("OPEN#ql"),
        "Limit": 4,
    },
    # index_page newest_first, by_unit, search (TERMS, CHANGED): reversed, bounded
    {
        "IndexName": "GSI2",
        "KeyConditionExpression": "GSI2PK = :p",
        "ExpressionAttributeValues": _eq("UNIT#ql#B1#1"),
        "ScanIndexForward": False,
        "Limit": 3,
    },
    {
        "IndexName": "GSI4",
        "KeyConditionExpression": "GSI4PK = :p",
        "ExpressionAttributeValues": _eq("TERM#ql#leak"),
        "ScanIndexForward": False,
        "Limit": 5,
    },
    # count_at_unit: sort key bound, filter, COUNT (also paged)
    *(
        {
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :p AND GSI2SK >= :since",
            "ExpressionAttributeValues": _eq("UNIT#ql#B1#2") | {":since": {"S": "2026-02-12"}, ":k": {"S": "repair"}},
            "FilterExpression": "kind = :k",
            "Select": "COUNT",
        }
        | paging
        for paging in ({}, {"Limit": 2})
    ),
    # open_clocks: the clocks of a site, paged by moto's own size limit only
    {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p", "ExpressionAttributeValues": _eq("CLOCKS#ql")},
    # by_day, quarterly
    {
        "IndexName": "GSI3",
        "KeyConditionExpression": "GSI3PK = :p",
        "ExpressionAttributeValues": _eq("DAY#ql#2026-03-02"),
        "Limit": 5,
    },
    # pages_between, received, concluded_between, used: between
    {
        "IndexName": "GSI3",
        "KeyConditionExpression": "GSI3PK = :p AND GSI3SK BETWEEN :a AND :b",
        "ExpressionAttributeValues": _eq("DAY#ql#2026-03-01") | {":a": {"S": "003"}, ":b": {"S": "021"}},
    },
    # changed_since: greater than, projected
    {
        "IndexName": "GSI5",
        "KeyConditionExpression": "GSI5PK = :p AND GSI5SK > :since",
        "ExpressionAttributeValues": _eq("SITE#ql") | {":since": {"S": "2026-05-04"}},
        "ProjectionExpression": "PK, GSI5SK",
        "Limit": 6,
    },
    {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p", "ExpressionAttributeValues": _eq("OPEN#none")},
]

# What moto refuses must be refused the same way.
BAD_QUERIES: list[dict[str, Any]] = [
    {"IndexName": "GSI9", "KeyConditionExpression": "GSI9PK = :p", "ExpressionAttributeValues": _eq("x")},
    {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :p",
        "ExpressionAttributeValues": _eq("OPEN#ql"),
        "ConsistentRead": True,
    },
]


def _all_pages(client: Any, name: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        page = client.query(TableName=name, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({k: page.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = page.get("LastEvaluatedKey")
        if not start:
            return pages


def _errors(client: Any, name: str) -> list[dict[str, Any]]:
    errors = []
    for query in BAD_QUERIES:
        with pytest.raises(ClientError) as refused:
            client.query(TableName=name, **query)
        errors.append(dict(refused.value.response["Error"]))
    return errors


def _answers(client: Any, name: str) -> tuple[list[Any], list[Any], list[Any]]:
    return (
        [_all_pages(client, name, query) for query in TABLE_QUERIES],
        [_all_pages(client, name, query) for query in INDEX_QUERIES],
        _errors(client, name),
    )


def test_every_query_answers_as_moto_itself_answers(filled: tuple[Any, str]) -> None:
    client, name = filled
    fixed = _answers(client, name)
    with table_method("query", moto_fixes.moto_original("Table.query")):
        moto_own = _answers(client, name)
    assert fixed == moto_own
    table_pages, index_pages, _ = fixed
    assert len(table_pages[2]) == 3  # Limit 2 over 5 items: paged the same way
    assert [len(pages) for pages in index_pages[:6]] == [1, 6, 3, 5, 1, 4]  # and the index queries too
    assert len(index_pages[0][0]["Items"]) == 22  # 24 open at the site, 2 without GSI1SK: not indexed
    assert index_pages[3][0]["Items"][0].keys() == {"PK", "SK", "GSI4PK", "GSI4SK"}  # KEYS_ONLY


def test_no_query_reads_the_whole_table(filled: tuple[Any, str]) -> None:
    client, name = filled
    whole_table_reads: list[Table] = []
    all_items = Table.all_items

    def spy(self: Any) -> list[Any]:
        if isinstance(self, Table):
            whole_table_reads.append(self)
        return all_items(self)

    with table_method("all_items", spy):
        for query in TABLE_QUERIES + INDEX_QUERIES:
            client.query(TableName=name, **query)
        assert whole_table_reads == []
        with table_method("query", moto_fixes.moto_original("Table.query")):
            client.query(TableName=name, **INDEX_QUERIES[0])
        assert len(whole_table_reads) == 1  # moto's own does: the spy sees it


def test_the_fix_replaces_the_moto_it_was_written_for() -> None:
    """A moto upgrade changes these fingerprints: read its Table.query again, then update them."""
    assert moto_queries.matches_pinned_moto(moto_fixes.moto_original("Table.query"), Table.all_items)
    assert moto_queries.writes_match_pinned_moto()  # the writers the index map follows


def test_another_query_or_all_items_is_not_replaced() -> None:
    """The guard tells sources apart: any other function in either place fails it."""
    query = moto_fixes.moto_original("Table.query")
    assert not moto_queries.matches_pinned_moto(Table.scan, Table.all_items)
    assert not moto_queries.matches_pinned_moto(query, Table.has_idx_items)


def test_a_table_without_sort_key_answers_as_moto_does(aws: boto3.Session) -> None:
    """The view keeps such a table's layout (one item per hash key); the app's table has a sort key."""
    client = aws.client("dynamodb")
    client.create_table(
        TableName="flat",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "G", "GS")],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}, {"AttributeName": "GS", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for n in range(20):
        client.put_item(
            TableName="flat", Item={"PK": {"S": f"{n:02d}"}, "G": {"S": f"g{n % 3}"}, "GS": {"S": f"{n % 4}"}}
        )
    queries: list[dict[str, Any]] = [
        {"IndexName": "byG", "KeyConditionExpression": "G = :p", "ExpressionAttributeValues": _eq("g1"), "Limit": 2},
        {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": _eq("07")},
    ]
    fixed = [_all_pages(client, "flat", query) for query in queries]
    with table_method("query", moto_fixes.moto_original("Table.query")):
        moto_own = [_all_pages(client, "flat", query) for query in queries]
    assert fixed == moto_own
    assert sum(len(page["Items"]) for page in fixed[0]) == 7


def test_index_answers_follow_every_kind_of_write(filled: tuple[Any, str]) -> None:
    """After the first index Query, writes of every kind move items in and out of partitions."""
    client, name = filled
    open_ql = INDEX_QUERIES[0]

    def same_as_moto() -> list[dict[str, Any]]:
        fixed = _all_pages(client, name, open_ql)
        with table_method("query", moto_fixes.moto_original("Table.query")):
            assert fixed == _all_pages(client, name, open_ql)
        return fixed

    def count() -> int:
        return sum(len(page["Items"]) for page in same_as_moto())

    def ticket(n: int) -> dict[str, dict[str, str]]:
        return {"PK": {"S": f"TICKET#{n:03d}"}, "SK": {"S": "TICKET"}}

    assert count() == 22
    client.put_item(TableName=name, Item=ticket(100) | {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": "2026-01-09"}})
    assert count() == 23
    moved_out = {":o": {"S": "OPEN#other"}}
    client.update_item(
        TableName=name, Key=ticket(1), UpdateExpression="SET GSI1PK = :o", ExpressionAttributeValues=moved_out
    )
    client.update_item(TableName=name, Key=ticket(2), UpdateExpression="REMOVE GSI1SK")
    assert count() == 21
    client.update_item(
        TableName=name, Key=ticket(11), UpdateExpression="SET GSI1SK = :s", ExpressionAttributeValues={":s": {"S": "x"}}
    )
    client.delete_item(TableName=name, Key=ticket(3))
    client.batch_write_item(
        RequestItems={name: [{"DeleteRequest": {"Key": ticket(4)}}, {"PutRequest": {"Item": ticket(6)}}]}
    )
    assert count() == 19  # 11 in (now has GSI1SK), 3, 4 and 6 out
    with pytest.raises(ClientError):  # cancelled: nothing of it shows
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": ticket(200) | {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": "y"}}}},
                {"Update": {"TableName": name, "Key": ticket(7), "UpdateExpression": "REMOVE GSI1PK"}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": ticket(8),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    assert count() == 19
    client.transact_write_items(
        TransactItems=[{"Update": {"TableName": name, "Key": ticket(7), "UpdateExpression": "REMOVE GSI1PK"}}]
    )
    assert count() == 18


def test_index_answers_hold_after_the_stream_drops_records_the_map_has_not_read(filled: tuple[Any, str]) -> None:
    """local_stack.stream_retention drops records: the map reads them first, then keeps its place
    (the same map, not one rebuilt from the whole table), and follows the writes after."""
    client, name = filled
    open_ql = INDEX_QUERIES[0]
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[name]
    shard: Any = table.stream_shard

    def count() -> int:
        fixed = _all_pages(client, name, open_ql)
        with table_method("query", moto_fixes.moto_original("Table.query")):
            assert fixed == _all_pages(client, name, open_ql)
        return sum(len(page["Items"]) for page in fixed)

    def ticket(n: int) -> dict[str, dict[str, str]]:
        return {"PK": {"S": f"TICKET#{n:03d}"}, "SK": {"S": "TICKET"}}

    assert count() == 22
    keys_map = table.__dict__["_frontdesk_keys_by_value"]
    client.put_item(TableName=name, Item=ticket(100) | {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": "2026-01-09"}})
    client.update_item(TableName=name, Key=ticket(1), UpdateExpression="REMOVE GSI1PK")
    stream_retention.trim(shard, len(shard.items) - 1)  # read by nobody yet but the last
    assert count() == 22  # 100 in, 1 out
    client.delete_item(TableName=name, Key=ticket(6))
    stream_retention.trim(shard, len(shard.items))
    with pytest.raises(ClientError):  # cancelled after a trim: its records go, the others stay numbered
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": ticket(200) | {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": "y"}}}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": ticket(8),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    assert shard.items == []
    client.put_item(TableName=name, Item=ticket(300) | {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": "2026-01-09"}})
    assert count() == 22  # 6 out, 300 in
    assert table.__dict__["_frontdesk_keys_by_value"] is keys_map
