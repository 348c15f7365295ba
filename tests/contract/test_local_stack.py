"""The local stack reads template.yaml faithfully: routes, resources, environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

from local_stack.provision import Stack, provision
from local_stack.template import (
    Resolver,
    Template,
    TemplateError,
    UnresolvedReferenceError,
    api_routes,
    event_sources,
    match_route,
    parameter_values,
)

PUBLIC = "functions/public_api/app.py"
STAFF = "functions/staff_api/app.py"


Route = tuple[str, str, str, str, str, bool]


def _public(method: str, path: str) -> Route:
    """A route of the public function: no sign-in."""
    return (method, path, "PublicApiFunction", PUBLIC, "lambda_handler", False)


def _staff(method: str, path: str) -> Route:
    """A route of the staff function, behind the Cognito authorizer."""
    return (method, path, "StaffApiFunction", STAFF, "lambda_handler", True)


def test_routes_come_from_the_template(template: Template) -> None:
    routes = {
        (r.method, r.path, r.function, r.handler_path, r.handler_name, r.requires_cognito_auth)
        for r in api_routes(template)
    }
    assert routes == {
        _public("GET", "/public/catalogue"),
        _public("GET", "/public/sites"),
        _public("POST", "/public/tickets"),
        _public("GET", "/public/track/{token}"),
        _public("POST", "/public/track/{token}/acceptance"),
        _public("GET", "/public/track/{token}/survey"),
        _public("POST", "/public/track/{token}/survey"),
        _public("POST", "/public/track/{token}/quote-decision"),
        _public("POST", "/public/track/{token}/answer"),
        _staff("POST", "/staff/tickets"),
        _staff("GET", "/staff/tickets"),
        _staff("GET", "/staff/tickets/search"),
        _staff("POST", "/staff/tickets/bulk-assign"),
        _staff("GET", "/staff/tickets/{ticket_id}"),
        _staff("POST", "/staff/tickets/{ticket_id}/{action}"),
        _staff("GET", "/staff/sites/{site_id}/people"),
        _staff("GET", "/staff/sites/{site_id}/canned-replies"),
        _staff("PUT", "/staff/sites/{site_id}/canned-replies"),
        _staff("GET", "/staff/sites/{site_id}/calendar"),
        _staff("PUT", "/staff/sites/{site_id}/calendar"),
        _staff("PUT", "/staff/sites/{site_id}/calendar/hours"),
        _staff("GET", "/staff/sites/{site_id}/callbacks"),
        _staff("GET", "/staff/callbacks/{callback_id}"),
        _staff("POST", "/staff/callbacks/{callback_id}/attempts"),
        _staff("POST", "/staff/sites/{site_id}/samples"),
        _staff("GET", "/staff/sites/{site_id}/samples/{week}"),
        _staff("POST", "/staff/sites/{site_id}/campaigns"),
        _staff("GET", "/staff/sites/{site_id}/campaigns/{period}"),
        _staff("GET", "/staff/sites/{site_id}/quarterly/{quarter}"),
        _staff("GET", "/staff/sites/{site_id}/quarterly/{quarter}/csv"),
        _staff("POST", "/staff/callbacks/{callback_id}/assignee"),
        _staff("POST", "/staff/sites/{site_id}/top-repairs"),
        _staff("POST", "/staff/sites/{site_id}/activity-samples"),
        _staff("GET", "/staff/sites/{site_id}/draws/{rule}/{month}"),
        _staff("GET", "/staff/sites/{site_id}/emergency-calls"),
        _staff("PUT", "/staff/sites/{site_id}/emergency-calls"),
        _staff("GET", "/staff/sites/{site_id}/apology-template"),
        _staff("GET", "/staff/tickets/{ticket_id}/corrective-action"),
        _staff("PUT", "/staff/sites/{site_id}/apology-template"),
        _staff("GET", "/staff/sites/{site_id}/buildings/{building_id}/units/{unit}/tickets"),
        _staff("GET", "/staff/sites/{site_id}/mailing-lists"),
        _staff("POST", "/staff/sites/{site_id}/mailing-lists/{list_name}/add"),
        _staff("POST", "/staff/sites/{site_id}/mailing-lists/{list_name}/remove"),
        _staff("POST", "/staff/sites/{site_id}/escalation-ladder"),
        # the web pages, served by the public function
        _public("GET", "/"),
        _public("GET", "/track"),
        _public("GET", "/survey"),
        _public("GET", "/staff"),
        _public("GET", "/config.json"),
        _public("GET", "/assets/{name}"),
        # photos, incident reports and evidence packs
        _public("GET", "/public/track/{token}/photos"),
        _public("POST", "/public/track/{token}/photos"),
        _staff("GET", "/staff/tickets/{ticket_id}/photos"),
        _staff("POST", "/staff/incident-reports"),
        _staff("GET", "/staff/incident-reports"),
        _staff("GET", "/staff/incident-reports/{report_id}"),
        _staff("POST", "/staff/incident-reports/{report_id}/{action}"),
        _staff("GET", "/staff/sites/{site_id}/duty-log"),
        _staff("GET", "/staff/sites/{site_id}/duty-pages"),
        _staff("POST", "/staff/duty-entries"),
        _staff("GET", "/staff/duty-pages/{page_id}"),
        _staff("GET", "/staff/duty-pages/{page_id}/{view}"),
        _staff("POST", "/staff/duty-pages/{page_id}/{action}"),
        _staff("GET", "/staff/sites/{site_id}/duty-roster/{month}"),
        _staff("PUT", "/staff/sites/{site_id}/duty-roster/{month}"),
        _staff("POST", "/staff/emergency-keys"),
        _staff("GET", "/staff/sites/{site_id}/emergency-keys"),
        _staff("GET", "/staff/emergency-keys/{key_id}"),
        _staff("POST", "/staff/emergency-keys/{key_id}/{action}"),
        _staff("POST", "/staff/emergency-key-uses/{use_id}/client-told"),
        _staff("GET", "/staff/sites/{site_id}/key-audits/{month}"),
        _staff("POST", "/staff/sites/{site_id}/key-audits/{month}/{action}"),
        _staff("POST", "/staff/parcels"),
        _staff("GET", "/staff/sites/{site_id}/parcels"),
        _staff("GET", "/staff/parcels/{parcel_id}"),
        _staff("POST", "/staff/parcels/{parcel_id}/{action}"),
    }
    staff = [r for r in api_routes(template) if r.requires_cognito_auth]
    assert {(r.authorizer, r.user_pool, r.api) for r in staff} == {("CognitoAuthorizer", "UserPool", "Api")}


def test_route_matching_follows_api_gateway(template: Template) -> None:
    routes = api_routes(template)
    found = match_route(routes, "post", "/staff/tickets/T-20250101-0001/dispatch")
    assert found is not None
    route, params = found
    assert route.event == "TicketAction"
    assert params == {"ticket_id": "T-20250101-0001", "action": "dispatch"}
    found = match_route(routes, "POST", "/public/track/abc/acceptance")
    assert found is not None and found[0].event == "RecordAcceptance" and found[1] == {"token": "abc"}
    assert match_route(routes, "DELETE", "/staff/tickets") is None
    assert match_route(routes, "GET", "/staff/tickets/a/b/c") is None


def test_stream_event_source_is_readable(template: Template) -> None:
    (source,) = event_sources(template, "DynamoDB")
    assert source.function == "StreamRouterFunction"
    assert source.handler.path == "functions/stream_router/app.py"
    assert source.properties["Stream"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert source.properties["BatchSize"] == 25
    assert source.properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_table_is_provisioned_with_indexes_and_stream(stack: Stack, aws: boto3.Session) -> None:
    table = aws.client("dynamodb").describe_table(TableName=stack["Table"]["name"] or "")["Table"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {f"GSI{n}": [f"GSI{n}PK", f"GSI{n}SK"] for n in range(1, 7)}
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"] == stack["Table"]["stream_arn"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_idempotency_table_expires_records(stack: Stack, aws: boto3.Session) -> None:
    name = stack["IdempotencyTable"]["name"] or ""
    ttl = aws.client("dynamodb").describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}


def test_messaging_and_identities_are_provisioned(stack: Stack, aws: boto3.Session) -> None:
    dlq = aws.client("sqs").get_queue_attributes(
        QueueUrl=stack["StreamDeadLetterQueue"]["id"] or "", AttributeNames=["All"]
    )
    assert dlq["Attributes"]["MessageRetentionPeriod"] == "1209600"
    topic = aws.client("sns").get_topic_attributes(TopicArn=stack["EventsTopic"]["arn"] or "")
    assert topic["Attributes"]["KmsMasterKeyId"] == "alias/aws/sns"
    cognito = aws.client("cognito-idp")
    pool_id = stack["UserPool"]["id"] or ""
    groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id)["Groups"]}
    assert groups == {"operator", "engineer", "duty_manager", "manager"}
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=stack["UserPoolClient"]["id"] or "")
    # SRP only: the password never leaves the browser (tests/e2e/test_srp.py)
    assert set(client["UserPoolClient"]["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert "ClientSecret" not in client["UserPoolClient"]
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert "noreply@example.com" in aws.client("ses").list_identities()["Identities"]


def test_stack_environment_is_the_templates(stack: Stack) -> None:
    assert os.environ["TABLE_NAME"] == stack["Table"]["name"]
    assert os.environ["IDEMPOTENCY_TABLE_NAME"] == stack["IdempotencyTable"]["name"]
    assert os.environ["EVENTS_TOPIC_ARN"] == stack["EventsTopic"]["arn"]
    assert os.environ["SENDER_EMAIL"] == "noreply@example.com"
    assert os.environ["POWERTOOLS_SERVICE_NAME"] == "frontdesk"
    assert "EVENTS_TOPIC_ARN" not in stack.function_env["PublicApiFunction"]
    assert stack.function_env["StreamRouterFunction"]["TABLE_NAME"] == stack["Table"]["name"]
    assert stack.outputs["TableName"] == stack["Table"]["name"]
    assert stack.outputs["UserPoolId"] == stack["UserPool"]["id"]
    assert stack.skipped["Api"] == "AWS::Serverless::Api"
    # the local gateway stands for the API by its logical id; the local stack's own address is
    # given as PublicBaseUrl, which mail prefers (see runner.start)
    assert (
        stack.function_env["StreamRouterFunction"]["API_URL"] == "https://api.execute-api.us-east-1.amazonaws.com/prod"
    )


def test_parameters_can_be_overridden(aws: boto3.Session, template: Template) -> None:
    overrides = {"Stage": "dev", "PublicBaseUrl": "http://localhost:8000", "ThreatProtection": "ENFORCED"}
    stack = provision(aws, template, "other", parameters=overrides)
    assert stack["Table"]["name"] == "other-Table"
    pool = aws.client("cognito-idp").describe_user_pool(UserPoolId=stack["UserPool"]["id"] or "")["UserPool"]
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}  # the pool moto made from Fn::If
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert stack["UserPool"]["name"] == "frontdesk-dev"
    assert stack.env["PUBLIC_BASE_URL"] == "http://localhost:8000"


def test_generic_creators_cover_buckets_and_state_machines(aws: boto3.Session, tmp_path: Path) -> None:
    definition = {"StartAt": "Get", "States": {"Get": {"Type": "Pass", "Result": "${TableName}", "End": True}}}
    (tmp_path / "machine.asl.json").write_text(json.dumps(definition))
    template: Template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {
                    "DefinitionUri": "machine.asl.json",
                    "DefinitionSubstitutions": {"TableName": {"Ref": "Data"}},
                    "Policies": [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "Fn"}}}],
                },
            },
            "Data": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}],
                },
            },
            "Evidence": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["*"]}]}
                },
            },
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "x/", "Handler": "app.h"}},
        }
    }
    stack = provision(aws, template, "t", base_dir=tmp_path)
    machine = aws.client("stepfunctions").describe_state_machine(stateMachineArn=stack["Machine"]["arn"] or "")
    assert json.loads(machine["definition"])["States"]["Get"]["Result"] == "t-Data"
    bucket = stack["Evidence"]["name"] or ""
    assert bucket == "t-evidence"
    assert aws.client("s3").get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedMethods"] == ["POST"]


def test_unknown_resource_types_are_not_silently_skipped(aws: boto3.Session) -> None:
    template: Template = {"Resources": {"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {}}}}
    with pytest.raises(TemplateError, match="no local creator for AWS::Kinesis::Stream"):
        provision(aws, template)


def test_resolver_handles_the_intrinsics_in_use() -> None:
    resolver = Resolver(
        parameters={"SenderEmail": "desk@example.org", "Stage": "prod"},
        physical={"Table": {"Ref": "tbl", "Arn": "arn:aws:dynamodb:us-east-1:1:table/tbl"}},
        account_id="1",
    )
    assert resolver.resolve({"Fn::Sub": "${Table.Arn}/index/*"}) == "arn:aws:dynamodb:us-east-1:1:table/tbl/index/*"
    assert resolver.resolve({"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:x"}) == (
        "arn:aws:ses:us-east-1:1:x"
    )
    assert resolver.resolve({"Fn::Sub": ["${A}-${!Literal}", {"A": {"Ref": "Stage"}}]}) == "prod-${Literal}"
    assert resolver.resolve({"a": {"Ref": "AWS::NoValue"}, "b": [{"Ref": "AWS::NoValue"}, 1]}) == {"b": [1]}
    with pytest.raises(UnresolvedReferenceError):
        resolver.resolve({"Fn::GetAtt": ["Table", "StreamArn"]})
    for unused in ("Fn::Join", "Fn::Select", "Fn::Base64"):
        with pytest.raises(TemplateError, match=unused):
            resolver.resolve({unused: ["C", 1, 2]})


def test_the_resources_use_only_the_intrinsics_the_local_resolver_knows(template: Template) -> None:
    """The resolver is kept to what the template uses; a new function must be added there first."""

    def functions(node: object) -> set[str]:
        if isinstance(node, dict):
            own = {key for key in node if key == "Ref" or key.startswith("Fn::")}
            return own.union(*(functions(child) for child in node.values()))
        if isinstance(node, list):
            return set().union(*(functions(child) for child in node))
        return set()

    assert functions(template["Resources"]) == {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If"}
    assert functions(template.get("Conditions", {})) <= {"Ref", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"}


def test_resolver_chooses_a_branch_by_the_templates_conditions() -> None:
    conditions = {
        "HasReserve": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Reserve"}, 0]}]},
        "Both": {"Fn::And": [{"Condition": "HasReserve"}, {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}]},
    }
    value = {"Reserved": {"Fn::If": ["HasReserve", {"Ref": "Reserve"}, {"Ref": "AWS::NoValue"}]}, "Memory": 512}
    for reserve, expected in (("0", {"Memory": 512}), ("5", {"Reserved": "5", "Memory": 512})):
        resolver = Resolver(parameters={"Reserve": reserve, "Stage": "prod"}, conditions=conditions)
        assert resolver.resolve(value) == expected
        assert resolver.condition("Both") is (reserve != "0")
    with pytest.raises(TemplateError, match="Missing"):
        Resolver(parameters={}, conditions=conditions).resolve({"Fn::If": ["Missing", 1, 2]})


def test_the_public_functions_reserved_concurrency_is_none_unless_a_parameter_asks(template: Template) -> None:
    raw = template["Resources"]["PublicApiFunction"]["Properties"]
    for reserve, expected in (("0", {}), ("20", {"ReservedConcurrentExecutions": "20"})):
        values = parameter_values(template, {"PublicReservedConcurrency": reserve})
        resolver = Resolver(parameters=values, conditions=template["Conditions"])
        assert resolver.resolve({k: v for k, v in raw.items() if k == "ReservedConcurrentExecutions"}) == expected


def test_threat_protection_is_off_unless_a_parameter_asks(template: Template) -> None:
    raw = template["Resources"]["UserPool"]["Properties"]
    keys = ("UserPoolTier", "UserPoolAddOns")
    for mode, expected in (
        ("OFF", {}),
        ("AUDIT", {"UserPoolTier": "PLUS", "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}),
    ):
        values = parameter_values(template, {"ThreatProtection": mode})
        resolver = Resolver(parameters=values, conditions=template["Conditions"])
        assert resolver.resolve({k: v for k, v in raw.items() if k in keys}) == expected
