"""The local stack counts what each function asks of AWS, and the DynamoDB units it would be billed
(local_stack/calls.py, read by bench/cost.py from /local/stats.json)."""

from __future__ import annotations

import boto3

from local_stack.calls import CallCounter, inside, read_units, write_units


def test_a_write_costs_a_unit_per_kb_doubled_in_a_transaction_plus_one_per_index_it_enters() -> None:
    small = {"PK": {"S": "TICKET#1"}, "SK": {"S": "TICKET"}, "GSI1PK": {"S": "x"}, "GSI5PK": {"S": "y"}}
    assert write_units("PutItem", {"Item": small}) == 1 + 2
    large = {**small, "text": {"S": "水" * 1000}}  # 3,000 bytes of UTF-8, more as JSON: 3 KB or more
    assert write_units("PutItem", {"Item": large}) >= 3 + 2
    assert (
        write_units("TransactWriteItems", {"TransactItems": [{"Put": {"Item": small}}, {"ConditionCheck": {}}]})
        == (2 + 2) + 2
    )
    assert write_units("UpdateItem", {"UpdateExpression": "SET GSI6PK = :a, #s = :s"}) == 2


def test_a_read_costs_half_a_unit_per_4_kb_or_a_whole_one_when_consistent() -> None:
    item = {"PK": {"S": "a"}}
    assert read_units("GetItem", {}, {"Item": item}) == 0.5
    assert read_units("GetItem", {"ConsistentRead": True}, {"Item": item}) == 1.0
    assert read_units("Query", {}, {"Items": [{"t": {"S": "x" * 5000}}]}) == 1.0  # 5 KB: two 4 KB units, halved


def test_only_calls_made_inside_a_function_count(aws: boto3.Session) -> None:
    session = boto3.session.Session(region_name="us-east-1")
    counter = CallCounter()
    counter.install(session.events)
    client = session.client("dynamodb")
    client.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with inside("PublicApiFunction"):
        client.put_item(TableName="t", Item={"PK": {"S": "a"}})
        client.get_item(TableName="t", Key={"PK": {"S": "a"}}, ConsistentRead=True)
    client.get_item(TableName="t", Key={"PK": {"S": "a"}})  # the stack's own: not counted

    seen = counter.snapshot()
    assert seen["calls"] == {"PublicApiFunction dynamodb.PutItem": 1, "PublicApiFunction dynamodb.GetItem": 1}
    assert seen["dynamodb_units"] == {"write": 1, "read": 1.0}
