"""moto's state as provisioned, put back for each test (local_stack.moto_snapshot): what a test
writes is gone for the next, and what provisioning made is there again, every resource of it."""

from __future__ import annotations

from typing import Any

import boto3

from local_stack.moto_snapshot import MotoSnapshot
from local_stack.provision import Stack, provision
from local_stack.template import Template


def described(answer: Any) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}  # a request id and a date


def inventory(aws: boto3.Session, stack: Stack) -> dict[str, Any]:
    """What provisioning made, as the APIs describe it, and how many items and messages there are."""
    dynamodb, cognito, sqs = aws.client("dynamodb"), aws.client("cognito-idp"), aws.client("sqs")
    sns, states, ses = aws.client("sns"), aws.client("stepfunctions"), aws.client("ses")
    pool = stack["UserPool"]["id"] or ""
    tables = dynamodb.list_tables()["TableNames"]
    queues = sqs.list_queues().get("QueueUrls", [])
    machines = states.list_state_machines()["stateMachines"]
    return {
        "tables": {t: dynamodb.describe_table(TableName=t)["Table"] for t in tables},
        "items": {t: dynamodb.scan(TableName=t)["Count"] for t in tables},
        "groups": sorted(g["GroupName"] for g in cognito.list_groups(UserPoolId=pool)["Groups"]),
        "users": sorted(u["Username"] for u in cognito.list_users(UserPoolId=pool)["Users"]),
        "clients": cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)["UserPoolClients"],
        "queues": {q: sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["All"])["Attributes"] for q in queues},
        "topics": sns.list_topics()["Topics"],
        "machines": [described(states.describe_state_machine(stateMachineArn=m["stateMachineArn"])) for m in machines],
        "senders": ses.list_identities()["Identities"],
    }


def scribble(aws: boto3.Session, stack: Stack) -> None:
    """A test's writes, in every service it could write to."""
    table = stack["Table"]["name"] or ""
    aws.client("dynamodb").put_item(TableName=table, Item={"PK": {"S": "TICKET#1"}, "SK": {"S": "TICKET"}})
    pool = stack["UserPool"]["id"] or ""
    aws.client("cognito-idp").admin_create_user(UserPoolId=pool, Username="visitor")
    aws.client("cognito-idp").delete_group(UserPoolId=pool, GroupName="manager")
    for queue in aws.client("sqs").list_queues()["QueueUrls"]:
        aws.client("sqs").send_message(QueueUrl=queue, MessageBody="left over")
    aws.client("ses").verify_email_identity(EmailAddress="someone@example.org")


def test_a_restore_brings_back_what_provisioning_made_and_nothing_a_test_wrote(
    aws: boto3.Session, template: Template
) -> None:
    stack = provision(aws, template, parameters={"ManagerMfa": "optional"})
    snapshot = MotoSnapshot()
    made = inventory(aws, stack)
    assert made["groups"] and made["queues"] and made["machines"] and made["tables"]  # something to lose

    for _ in range(2):  # and a restored state is a copy: writes to it leave the snapshot as it was
        scribble(aws, stack)
        assert inventory(aws, stack) != made
        snapshot.restore()
        assert inventory(aws, stack) == made


def test_a_restored_queue_still_delivers(aws: boto3.Session, template: Template) -> None:
    """SQS queues hold a Condition for their receivers: the copy has one of its own."""
    provision(aws, template, parameters={"ManagerMfa": "optional"})
    snapshot = MotoSnapshot()
    snapshot.restore()
    sqs = aws.client("sqs")
    queue = sqs.list_queues()["QueueUrls"][0]
    sqs.send_message(QueueUrl=queue, MessageBody="kept")
    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in received] == ["kept"]
