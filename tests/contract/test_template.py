"""template.yaml is valid CloudFormation/SAM and says what the design says: lint, translate offline, check."""

from __future__ import annotations

import ast
import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint_file
from samtranslator.translator.transform import transform

from local_stack.filters import event_filter
from local_stack.template import REPO_ROOT, TEMPLATE_PATH, Template, functions, load_template

PARTITION_POLICY = "arn:aws:iam::aws:policy/"
ALLOWED_MANAGED_POLICIES = {
    PARTITION_POLICY + "service-role/AWSLambdaBasicExecutionRole",  # logs: every function
    PARTITION_POLICY + "AWSXrayWriteOnlyAccess",  # Tracing: Active
    # SAM attaches it to every DynamoDB-stream function; only an explicit Role would avoid it
    PARTITION_POLICY + "service-role/AWSLambdaDynamoDBExecutionRole",
}


# What CloudWatch Logs needs for a state machine's logs; none of these takes a resource-level permission.
LOG_DELIVERY_ACTIONS = frozenset(
    {
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)


class _NoManagedPolicies:
    """The template names no managed policies by name, so SAM never needs to look one up (no AWS)."""

    def load(self) -> dict[str, str]:
        return {}


def _as_packaged(template: Template) -> Template:
    """What `cloudformation package` hands to the SAM transform: code in S3, definitions inline."""
    packaged = copy.deepcopy(template)
    for logical_id, resource in packaged["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = f"s3://artifacts/{logical_id}.zip"
        if resource["Type"] == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((REPO_ROOT / props.pop("DefinitionUri")).read_text("utf-8"))
    return packaged


@pytest.fixture(scope="module")
def translated(template: Template) -> dict[str, Any]:
    # samtranslator reads a region from a boto3 session: give it one, and no credentials at all.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.delenv(name, raising=False)
        result: dict[str, Any] = transform(_as_packaged(template), {}, _NoManagedPolicies())
    return result


def _of_type(cfn: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in cfn["Resources"].items() if r["Type"] == resource_type}


def test_cfn_lint_reports_no_errors_or_warnings() -> None:
    matches = lint_file(TEMPLATE_PATH, ManualArgs(include_checks=["I"]))
    problems = [str(m) for m in matches if m.rule.id[:1] in ("E", "W")]
    assert problems == []


def test_sam_translates_to_the_expected_resources(translated: dict[str, Any]) -> None:
    types = {r["Type"] for r in translated["Resources"].values()}
    assert {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::Deployment",
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
        "AWS::IAM::Role",
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
    } <= types
    assert not any(t.startswith("AWS::Serverless::") for t in types)
    groups = {r["Properties"]["GroupName"] for r in _of_type(translated, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"operator", "engineer", "duty_manager", "manager"}


def test_functions_share_globals(translated: dict[str, Any]) -> None:
    lambdas = _of_type(translated, "AWS::Lambda::Function")
    assert set(lambdas) == {
        "PublicApiFunction",
        "StaffApiFunction",
        "StreamRouterFunction",
        "ReconcilerFunction",
        "PhotoIngestFunction",
        "EndOfDayFunction",
        "QuarterlyMailFunction",
        "RosterReminderFunction",
        "ParcelNoticeFunction",
        "DutySummaryFunction",
    }
    for function in lambdas.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert len(props["Layers"]) == 1
        assert {"POWERTOOLS_SERVICE_NAME", "LOG_LEVEL", "TABLE_NAME"} <= set(props["Environment"]["Variables"])
        assert props["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "Table"}


def test_cognito_authorizer_guards_staff_routes_only(translated: dict[str, Any]) -> None:
    (api,) = _of_type(translated, "AWS::ApiGateway::RestApi").values()
    body = api["Properties"]["Body"]
    scheme = body["components"]["securitySchemes"]["CognitoAuthorizer"]
    assert scheme["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [{"Fn::GetAtt": ["UserPool", "Arn"]}]
    for path, methods in body["paths"].items():
        for method, operation in methods.items():
            if method == "options":
                assert "security" not in operation, f"CORS preflight {path} must stay open"
            elif path.startswith("/staff/"):
                assert operation["security"] == [{"CognitoAuthorizer": []}], f"{method} {path}"
            else:
                assert "security" not in operation, f"{method} {path} must be public"
    responses = body["x-amazon-apigateway-gateway-responses"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert "application/json" in responses[kind]["responseTemplates"]


def test_api_stage_throttles_and_traces(translated: dict[str, Any]) -> None:
    (stage,) = _of_type(translated, "AWS::ApiGateway::Stage").values()
    props = stage["Properties"]
    assert props["TracingEnabled"] is True
    (setting,) = props["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert setting["ThrottlingBurstLimit"] == 50 and setting["ThrottlingRateLimit"] == 20


def test_stream_mapping_is_partial_failure_aware(translated: dict[str, Any]) -> None:
    (mapping,) = _of_type(translated, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert props["FunctionName"] == {"Ref": "StreamRouterFunction"}
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["BatchSize"] == 25
    assert props["ParallelizationFactor"] == 10  # per partition key (a ticket with its clocks) in order
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == 3
    assert props["MaximumRecordAgeInSeconds"] == 3600
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}


def _image_record(event_name: str, item_type: str | None) -> dict[str, Any]:
    image = {"PK": {"S": "TICKET#t"}, "SK": {"S": "X"}, **({"type": {"S": item_type}} if item_type else {})}
    dynamodb: dict[str, Any] = {"Keys": {"PK": image["PK"], "SK": image["SK"]}}
    if event_name != "REMOVE":
        dynamodb["NewImage"] = image
    return {"eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": dynamodb}


def test_the_stream_router_is_not_invoked_for_its_own_marker_writes(translated: dict[str, Any]) -> None:
    """The deployed mapping's FilterCriteria, applied by the local stack's matcher (one pattern, both places)."""
    (mapping,) = _of_type(translated, "AWS::Lambda::EventSourceMapping").values()
    keeps = event_filter(mapping["Properties"]["FilterCriteria"]).keeps
    for marker in ("routed", "marker", "notified"):
        assert not keeps(_image_record("INSERT", marker))
    # what the router acts on: timeline events, clocks, incident reports (and tickets pass too)
    for acted_on in ("event", "clock", "incident_report", "ticket"):
        assert keeps(_image_record("INSERT", acted_on)) and keeps(_image_record("MODIFY", acted_on))
    assert not keeps(_image_record("REMOVE", None))  # the router ignores removals


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        statement = policy["PolicyDocument"]["Statement"]
        found.extend(statement if isinstance(statement, list) else [statement])
    return found


def test_roles_are_least_privilege(translated: dict[str, Any]) -> None:
    roles = _of_type(translated, "AWS::IAM::Role")
    assert roles
    for logical_id, role in roles.items():
        assert set(role["Properties"].get("ManagedPolicyArns", [])) <= ALLOWED_MANAGED_POLICIES, logical_id
        for statement in _statements(role):
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            if statement.get("Sid") != "ClockLogDelivery":  # vended-log delivery takes no resource: "*" it must be
                assert "*" not in resources, f"{logical_id}: {statement}"
            else:
                assert set(statement["Action"]) <= LOG_DELIVERY_ACTIONS, statement
            actions = statement["Action"]
            actions = actions if isinstance(actions, list) else [actions]
            assert not any(a == "*" or a.endswith(":*") for a in actions), f"{logical_id}: {statement}"
    router = _statements(roles["StreamRouterFunctionRole"])
    dlq = [s for s in router if s["Action"] == "sqs:SendMessage"]
    assert dlq and dlq[0]["Resource"] == {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}
    mail = [s for s in router if "ses:SendEmail" in s["Action"]]
    assert mail and mail[0]["Condition"]["StringEquals"]["ses:FromAddress"] == {"Ref": "SenderEmail"}


def test_table_is_protected_and_streams_both_images(template: Template) -> None:
    table = template["Resources"]["Table"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == [f"GSI{n}" for n in range(1, 7)]


def _defines(source: Path, name: str) -> bool:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return True
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


HANDLERS = functions(load_template())


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_every_function_has_its_handler(function: str) -> None:
    handler = HANDLERS[function]
    code_dir = REPO_ROOT / handler.code_uri
    assert code_dir.is_dir(), f"{function} is declared in template.yaml but {handler.code_uri}/ does not exist"
    source = handler.file()
    assert source.is_file(), f"{function}: template.yaml points at {handler.path}, which is missing"
    assert _defines(source, handler.name), f"{handler.path} defines no top-level {handler.name}"


def test_every_dead_letter_queue_has_an_alarm(template: Template) -> None:
    """A record set aside after its retries must page someone, never wait silently in a queue."""
    resources = template["Resources"]
    queues = {name for name, r in resources.items() if r["Type"] == "AWS::SQS::Queue" and "DeadLetter" in name}
    alarmed = {
        dimension["Value"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "AWS/SQS"
        for dimension in r["Properties"].get("Dimensions", [])
        if isinstance(dimension.get("Value"), dict) and "Fn::GetAtt" in dimension["Value"]
    }
    assert queues, "expected the stream and photo_ingest dead-letter queues"
    assert queues <= alarmed, f"dead-letter queues without an alarm: {sorted(queues - alarmed)}"


def test_every_alarm_notifies_the_ops_topic(template: Template) -> None:
    """An alarm nobody hears is no alarm: each one names OpsTopic, which OpsEmail (when given) receives."""
    resources = template["Resources"]
    alarms = {name: r for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert len(alarms) >= 5
    for name, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == [{"Ref": "OpsTopic"}], name
    subscribed = {
        r["Properties"]["TopicArn"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Endpoint"] == {"Ref": "OpsEmail"}
    }
    assert subscribed == {"OpsTopic", "MailEventsTopic"}  # alarms, and SES's bounces and complaints


def test_slow_answers_and_a_throttled_table_page_someone(template: Template) -> None:
    resources = template["Resources"]
    latency = resources["ApiLatencyAlarm"]["Properties"]
    assert (latency["Namespace"], latency["MetricName"], latency["ExtendedStatistic"]) == (
        "AWS/ApiGateway",
        "Latency",
        "p99",
    )
    throttled = {
        stat["MetricStat"]["Metric"]["MetricName"]: stat["MetricStat"]["Metric"]["Dimensions"][0]["Value"]
        for stat in resources["TableThrottlesAlarm"]["Properties"]["Metrics"]
        if "MetricStat" in stat
    }
    assert throttled == {"ReadThrottleEvents": {"Ref": "Table"}, "WriteThrottleEvents": {"Ref": "Table"}}


def test_every_function_has_an_errors_and_throttles_alarm(template: Template) -> None:
    resources = template["Resources"]
    pairs = {
        (stat["MetricStat"]["Metric"]["MetricName"], stat["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"])
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        for stat in r["Properties"].get("Metrics", [])
        if "MetricStat" in stat
    }
    for name in functions(template):
        assert {("Errors", name), ("Throttles", name)} <= pairs, name


def test_every_function_and_the_clock_engine_log_with_retention(template: Template) -> None:
    resources = template["Resources"]
    groups = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Logs::LogGroup"}
    for name in functions(template):
        group = groups[f"{name}LogGroup"]
        assert group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{name}}}"}
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 90
    machine = resources["ClockStateMachine"]["Properties"]
    assert machine["Tracing"] == {"Enabled": True}
    assert machine["Logging"]["Level"] == "ERROR" and machine["Logging"]["IncludeExecutionData"] is False
    (destination,) = machine["Logging"]["Destinations"]
    assert destination["CloudWatchLogsLogGroup"]["LogGroupArn"] == {"Fn::GetAtt": ["ClockStateMachineLogGroup", "Arn"]}
    assert groups["ClockStateMachineLogGroup"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_function_that_mails_knows_the_apis_address(template: dict[str, Any]) -> None:
    """Mail links must be absolute; the stream router may name the API (the API does not name it)."""
    variables = template["Resources"]["StreamRouterFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["API_URL"] == {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"}


def test_the_dashboard_is_valid_json_and_shows_metrics_the_code_emits(template: dict[str, Any]) -> None:
    """A dashboard line for a metric nobody emits is an empty graph an operator trusts."""
    body = template["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert titles == [
        "Intake",
        "Clocks and escalations",
        "Stream lag (ms)",
        "Errors",
        "Mail: bounce and complaint rates",
    ]
    ours = {m[1] for w in widgets for m in w["properties"]["metrics"] if m[0] == "frontdesk"}
    repo = Path(__file__).resolve().parents[2]
    sources = [*(repo / "functions").rglob("*.py"), *(repo / "layers/core").rglob("*.py")]
    code = "\n".join(p.read_text("utf-8") for p in sources)
    emitted = set(re.findall(r'add_metric\(name="([A-Za-z]+)"', code))
    assert ours and ours <= emitted, sorted(ours - emitted)


def test_sam_build_says_plainly_that_make_build_builds_the_layer(template: dict[str, Any], tmp_path: Path) -> None:
    """`sam build` would ship the layer without its dependencies (every function failing on import):
    SAM's makefile build method sends it to a target that stops with the way to build it."""
    layer = template["Resources"]["CoreLayer"]
    assert layer["Metadata"] == {"BuildMethod": "makefile"}
    repo = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        ["make", "-s", "-C", str(repo / "layers/core"), "build-CoreLayer", f"ARTIFACTS_DIR={tmp_path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        ran.returncode != 0
        and "make build" in ran.stderr
        and "sam deploy --template-file build/template.yaml" in ran.stderr
    )
    assert list(tmp_path.iterdir()) == []  # nothing half-built for sam to package


def test_public_intake_has_a_rate_limit_per_ip_on_the_api_stage(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]
    acl = resources["PublicWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    (rate,) = [r for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    statement = rate["Statement"]["RateBasedStatement"]
    assert rate["Action"] == {"Block": {}}  # no custom response: API Gateway answers WAF_FILTERED
    assert statement["Limit"] == {"Ref": "PublicRateLimit"} and statement["AggregateKeyType"] == "IP"
    assert statement["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/public/"
    association = resources["PublicWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["PublicWebAcl", "Arn"]}
    assert "/restapis/${Api}/stages/${ApiStage}" in association["ResourceArn"]["Fn::Sub"]
    assert resources["ApiStage"]["Type"] == "AWS::ApiGateway::Stage"


def test_the_public_function_reserves_concurrency_only_when_asked(translated: dict[str, Any]) -> None:
    reserved = translated["Resources"]["PublicApiFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved == {
        "Fn::If": ["HasPublicReservedConcurrency", {"Ref": "PublicReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    assert translated["Parameters"]["PublicReservedConcurrency"]["Default"] == 0


def test_api_access_logs_are_a_choice_and_hold_no_token_or_address(translated: dict[str, Any]) -> None:
    resources = translated["Resources"]
    condition, chosen, otherwise = resources["ApiStage"]["Properties"]["AccessLogSetting"]["Fn::If"]
    assert condition == "HasApiAccessLogs" and otherwise == {"Ref": "AWS::NoValue"}
    assert chosen["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    line = json.loads(chosen["Format"])  # one JSON object per request
    assert {"requestId", "status", "resource", "waf"} <= set(line)
    # the path holds a tracking token (/public/track/{token}); the address is the tenant's
    for personal in ("$context.path", "$context.identity.sourceIp", "$context.identity.userAgent"):
        assert personal not in chosen["Format"]
    group = resources["ApiAccessLogGroup"]
    assert group["Condition"] == "HasApiAccessLogs"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert translated["Parameters"]["ApiAccessLogs"]["Default"] == "false"
