"""Query on the table's key reads one partition (local_stack.moto_queries), with moto's own answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto.dynamodb.models.table import Table

from local_stack import moto_fixes, moto_queries
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


@pytest.fixture
def filled(stack: Stack, aws: boto3.Session) -> tuple[Any, str]:
    client = aws.client("dynamodb")
    name = stack["Table"]["name"] or ""
    for ticket in range(30):
        for sk in ("TICKET", "EVT#000001", "EVT#000002", "EVT#000003", "CLOCK#arrival"):
            item = {"PK": {"S": f"TICKET#{ticket:03d}"}, "SK": {"S": sk}, "n": {"N": str(ticket)}}
            if sk == "TICKET":
                item |= {"GSI1PK": {"S": "OPEN#ql"}, "GSI1SK": {"S": f"{ticket:03d}"}}
            client.put_item(TableName=name, Item=item)
    return client, name


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "TICKET#007"}}},
    {
        "KeyConditionExpression": "PK = :p AND begins_with(SK, :e)",
        "ExpressionAttributeValues": {":p": {"S": "TICKET#007"}, ":e": {"S": "EVT#"}},
        "ScanIndexForward": False,
    },
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "TICKET#007"}}, "Limit": 2},
    {
        "KeyConditionExpression": "PK = :p",
        "ExpressionAttributeValues": {":p": {"S": "TICKET#007"}, ":s": {"S": "EVT#000002"}},
        "FilterExpression": "SK <> :s",
        "ProjectionExpression": "SK",
    },
    {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "TICKET#none"}}},
    {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :o",
        "ExpressionAttributeValues": {":o": {"S": "OPEN#ql"}},
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


def test_every_query_answers_as_moto_itself_answers(filled: tuple[Any, str]) -> None:
    client, name = filled
    fixed = [_all_pages(client, name, query) for query in QUERIES]
    with table_method("query", moto_fixes.moto_original("Table.query")):
        moto_own = [_all_pages(client, name, query) for query in QUERIES]
    assert fixed == moto_own
    assert [len(pages) for pages in fixed][2] == 3  # Limit 2 over 5 items: paged the same way


def test_a_key_query_does_not_read_the_whole_table(filled: tuple[Any, str]) -> None:
    client, name = filled
    whole_table_reads: list[Table] = []
    all_items = Table.all_items

    def spy(self: Any) -> list[Any]:
        if isinstance(self, Table):
            whole_table_reads.append(self)
        return all_items(self)

    with table_method("all_items", spy):
        client.query(TableName=name, **QUERIES[1])
        assert whole_table_reads == []
        client.query(TableName=name, **QUERIES[-1])  # an index query still does (moto keeps no index)
        assert len(whole_table_reads) == 1


def test_the_fix_replaces_the_moto_it_was_written_for() -> None:
    """A moto upgrade changes these fingerprints: read its Table.query again, then update them."""
    assert moto_queries.matches_pinned_moto(moto_fixes.moto_original("Table.query"), Table.all_items)
