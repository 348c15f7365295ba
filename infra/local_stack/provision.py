"""Create template.yaml's resources in moto, from the template itself.

Works inside moto's in-process `mock_aws()` (pass a `boto3.Session`) and against a moto server
(pass a client factory, e.g. ``lambda service: boto3.client(service, endpoint_url=url)``).
moto's CloudFormation cannot take a SAM stack, so each resource type has one small creator
here; types with no local meaning are listed in `SKIPPED_TYPES` with the reason, and any other
type is an error, so a new resource in the template cannot be silently missing locally.

Resources are created in dependency order (Ref/GetAtt/Sub/DependsOn). Physical names are
deterministic: an explicit name property when the template sets one, else
``<stack_name>-<LogicalId>``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypedDict, cast

import boto3

from local_stack.template import (
    REPO_ROOT,
    SERVERLESS_FUNCTION,
    Resolver,
    Template,
    TemplateError,
    UnresolvedReferenceError,
    function_environment,
    parameter_values,
    references,
    resources,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient

ClientFactory = Callable[[str], Any]
"""Service name ("dynamodb", "sqs" …) -> a boto3 client for it."""

DEFAULT_ACCOUNT_ID: Final = "123456789012"

LOCAL_GATEWAY_TYPES: Final = frozenset({"AWS::Serverless::Api", "AWS::Serverless::HttpApi"})

SKIPPED_TYPES: Final[Mapping[str, str]] = {
    "AWS::Serverless::Function": "code runs in-process; the local stack delivers its events",
    "AWS::Lambda::Function": "code runs in-process; the local stack delivers its events",
    "AWS::Lambda::Permission": "the local stack calls handlers directly",
    "AWS::Lambda::EventSourceMapping": "the local stack polls and delivers itself",
    "AWS::Lambda::EventInvokeConfig": "the local stack calls handlers directly",
    "AWS::Serverless::LayerVersion": "locally the layer is the installed package",
    "AWS::Lambda::LayerVersion": "locally the layer is the installed package",
    "AWS::Serverless::Api": "the local gateway serves the template's routes",
    "AWS::Serverless::HttpApi": "the local gateway serves the template's routes",
    "AWS::ApiGateway::*": "the local gateway serves the template's routes",
    "AWS::IAM::Role": "moto does not enforce IAM",
    "AWS::IAM::Policy": "moto does not enforce IAM",
    "AWS::IAM::ManagedPolicy": "moto does not enforce IAM",
    "AWS::SQS::QueuePolicy": "resource policies are not enforced locally",
    "AWS::SNS::TopicPolicy": "resource policies are not enforced locally",
    "AWS::SNS::Subscription": "the operators' e-mail subscriptions need a real inbox; the outbox page shows mail",
    "AWS::S3::BucketPolicy": "resource policies are not enforced locally",
    "AWS::KMS::Key": "encryption at rest has no local meaning",
    "AWS::KMS::Alias": "encryption at rest has no local meaning",
    "AWS::Logs::LogGroup": "logs go to the local console",
    "AWS::CloudWatch::Alarm": "no metrics are collected locally",
    "AWS::CloudWatch::Dashboard": "no metrics are collected locally",
    "AWS::Events::Rule": "the local stack fires schedules itself",
    "AWS::Scheduler::Schedule": "the local stack fires schedules itself",
    "AWS::Scheduler::ScheduleGroup": "the local stack fires schedules itself",
    "AWS::WAFv2::WebACL": "the local gateway emulates its rate-based rule (--waf); managed rule groups are AWS's",
    "AWS::WAFv2::WebACLAssociation": "the local gateway applies the web ACL to the API it names",
}


def skip_reason(resource_type: str) -> str | None:
    """Why a resource type is not created locally, or None if it is."""
    if resource_type in SKIPPED_TYPES:
        return SKIPPED_TYPES[resource_type]
    family = resource_type.rsplit("::", 1)[0] + "::*"
    return SKIPPED_TYPES.get(family)


class ResourceInfo(TypedDict):
    """What a created resource is called locally; keys that do not apply are None."""

    type: str
    name: str | None
    arn: str | None
    stream_arn: str | None
    id: str | None


@dataclass(frozen=True)
class Stack:
    """The provisioned template.

    `resources`: logical id -> ResourceInfo for every created resource.
    `function_env`: function logical id -> its environment variables exactly as the template
    gives them on AWS (Globals + its own Environment), resolved to the local resources.
    `env`: the union of all functions' variables (a variable two functions set differently is an error).
    `physical`: logical id -> {"Ref": …, <GetAtt attribute>: …}, to resolve more template values.
    """

    stack_name: str
    region: str
    account_id: str
    parameters: dict[str, str]
    resources: dict[str, ResourceInfo]
    function_env: dict[str, dict[str, str]]
    outputs: dict[str, str]
    physical: dict[str, dict[str, str]]
    skipped: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)  # the template's Conditions, for Fn::If

    def __getitem__(self, logical_id: str) -> ResourceInfo:
        return self.resources[logical_id]

    @property
    def env(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for function, variables in self.function_env.items():
            for name, value in variables.items():
                if merged.setdefault(name, value) != value:
                    raise TemplateError(f"{name} differs between functions (e.g. {function}); use function_env")
        return merged

    def resolver(self) -> Resolver:
        return Resolver(
            parameters=self.parameters,
            physical=self.physical,
            conditions=self.conditions,
            region=self.region,
            account_id=self.account_id,
            stack_name=self.stack_name,
        )


@dataclass
class _Context:
    clients: ClientFactory
    resolver: Resolver
    stack_name: str
    base_dir: Path

    def name(self, logical_id: str, explicit: Any = None, suffix: str = "") -> str:
        if explicit is not None:
            return str(explicit)
        return f"{self.stack_name}-{logical_id}{suffix}"

    def resolve(self, value: Any) -> Any:
        return self.resolver.resolve(value)

    def props(self, raw: Mapping[str, Any], *keys: str) -> dict[str, Any]:
        """Only the listed properties, resolved (others may refer to things not created locally)."""
        return {key: self.resolve(raw[key]) for key in keys if key in raw}

    def dynamodb(self) -> DynamoDBClient:
        return cast("DynamoDBClient", self.clients("dynamodb"))

    def sqs(self) -> SQSClient:
        return cast("SQSClient", self.clients("sqs"))

    def sns(self) -> SNSClient:
        return cast("SNSClient", self.clients("sns"))

    def cognito(self) -> CognitoIdentityProviderClient:
        return cast("CognitoIdentityProviderClient", self.clients("cognito-idp"))

    def s3(self) -> S3Client:
        return cast("S3Client", self.clients("s3"))

    def sfn(self) -> SFNClient:
        return cast("SFNClient", self.clients("stepfunctions"))

    def ses(self) -> SESClient:
        return cast("SESClient", self.clients("ses"))


Attributes = dict[str, str]
"""What Ref ("Ref" key) and GetAtt (attribute names) return for a created resource."""
Names = dict[str, str | None]
"""The ResourceInfo fields a creator knows: name, arn, stream_arn, id."""
Creator = Callable[[_Context, str, Mapping[str, Any]], tuple[Attributes, Names]]


def _info(**values: str | None) -> Names:
    return dict(values)


# ------------------------------------------------------------------------------------------- creators


def _dynamodb_table(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(
        raw,
        "TableName",
        "AttributeDefinitions",
        "KeySchema",
        "BillingMode",
        "ProvisionedThroughput",
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "StreamSpecification",
        "TimeToLiveSpecification",
        "Tags",
    )
    name = ctx.name(logical_id, p.get("TableName"))
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": p["AttributeDefinitions"],
        "KeySchema": p["KeySchema"],
        "BillingMode": p.get("BillingMode", "PROVISIONED"),
    }
    index_keys = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if key in p:
            kwargs[key] = [{k: v for k, v in index.items() if k in index_keys} for index in p[key]]
    if "ProvisionedThroughput" in p:
        kwargs["ProvisionedThroughput"] = {k: int(v) for k, v in p["ProvisionedThroughput"].items()}
    if "StreamSpecification" in p:
        kwargs["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": p["StreamSpecification"]["StreamViewType"],
        }
    if "Tags" in p:
        kwargs["Tags"] = p["Tags"]
    # SSE and point-in-time recovery have no local meaning (moto would create KMS keys for SSE).
    client = ctx.dynamodb()
    table = client.create_table(**kwargs)["TableDescription"]
    ttl = p.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled", True):
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
        )
    arn, stream_arn = table["TableArn"], table.get("LatestStreamArn")
    attributes = {"Ref": name, "Arn": arn}
    if stream_arn:
        attributes["StreamArn"] = stream_arn
    return attributes, _info(name=name, arn=arn, stream_arn=stream_arn, id=name)


_SQS_ATTRIBUTES: Final = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


def _attribute_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _sqs_queue(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(raw, "QueueName", *_SQS_ATTRIBUTES)
    fifo = _attribute_string(p.get("FifoQueue", False)) == "true"
    name = ctx.name(logical_id, p.get("QueueName"), ".fifo" if fifo else "")
    attributes = {key: _attribute_string(p[key]) for key in _SQS_ATTRIBUTES if key in p}
    client = ctx.sqs()
    url = client.create_queue(QueueName=name, Attributes=cast(Any, attributes))["QueueUrl"]
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return (
        {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url},
        _info(name=name, arn=arn, id=url),
    )


_SNS_ATTRIBUTES: Final = (
    "ArchivePolicy",
    "ContentBasedDeduplication",
    "DisplayName",
    "FifoTopic",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
)


def _sns_topic(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(raw, "TopicName", "Subscription", "Tags", *_SNS_ATTRIBUTES)
    fifo = _attribute_string(p.get("FifoTopic", False)) == "true"
    name = ctx.name(logical_id, p.get("TopicName"), ".fifo" if fifo else "")
    attributes: dict[str, str] = {key: _attribute_string(p[key]) for key in _SNS_ATTRIBUTES if key in p}
    client = ctx.sns()
    arn = client.create_topic(Name=name, Attributes=attributes, Tags=p.get("Tags", []))["TopicArn"]
    for subscription in p.get("Subscription", []):
        client.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
    return (
        {"Ref": arn, "TopicArn": arn, "TopicName": name},
        _info(name=name, arn=arn, id=arn),
    )


def _user_pool(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    # CloudFormation's properties are the API's parameters, except the pool name.
    p = ctx.resolve(dict(raw))
    name = ctx.name(logical_id, p.pop("UserPoolName", None))
    enabled_mfas = p.pop("EnabledMfas", [])  # CloudFormation's; the API sets it with SetUserPoolMfaConfig
    pool = ctx.cognito().create_user_pool(PoolName=name, **p)["UserPool"]
    pool_id, arn = pool["Id"], pool["Arn"]
    if "SOFTWARE_TOKEN_MFA" in enabled_mfas:
        ctx.cognito().set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration=p.get("MfaConfiguration", "OFF"),
        )
    provider = f"cognito-idp.{ctx.resolver.region}.amazonaws.com/{pool_id}"
    return (
        {
            "Ref": pool_id,
            "Arn": arn,
            "UserPoolId": pool_id,
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
        },
        _info(name=name, arn=arn, id=pool_id),
    )


def _user_pool_client(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.resolve(dict(raw))
    name = ctx.name(logical_id, p.pop("ClientName", None))
    client = ctx.cognito().create_user_pool_client(ClientName=name, **p)["UserPoolClient"]
    client_id = client["ClientId"]
    attributes = {"Ref": client_id, "ClientId": client_id, "Name": name}
    if "ClientSecret" in client:
        attributes["ClientSecret"] = client["ClientSecret"]
    return attributes, _info(name=name, id=client_id)


def _user_pool_group(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(raw, "GroupName", "UserPoolId", "Description", "Precedence")
    name = ctx.name(logical_id, p.pop("GroupName", None))
    if "Precedence" in p:
        p["Precedence"] = int(p["Precedence"])
    ctx.cognito().create_group(GroupName=name, **p)
    return {"Ref": name}, _info(name=name, id=name)


def _s3_bucket(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(
        raw,
        "BucketName",
        "CorsConfiguration",
        "VersioningConfiguration",
        "PublicAccessBlockConfiguration",
        "ObjectLockEnabled",
    )
    name = ctx.name(logical_id, p.get("BucketName")).lower()
    client = ctx.s3()
    region = ctx.resolver.region
    # Object Lock can only be switched on when the bucket is created (evidence photos are locked per version).
    lock = str(p.get("ObjectLockEnabled", "")).lower() == "true"
    if region == "us-east-1":
        client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=lock)
    else:
        client.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": cast(Any, region)},
            ObjectLockEnabledForBucket=lock,
        )
    if "CorsConfiguration" in p:
        renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
        rules = [{renamed.get(k, k): v for k, v in rule.items()} for rule in p["CorsConfiguration"]["CorsRules"]]
        client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cast(Any, rules)})
    if "VersioningConfiguration" in p:
        client.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": p["VersioningConfiguration"]["Status"]}
        )
    if "PublicAccessBlockConfiguration" in p:
        client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"])
    arn = f"arn:{ctx.resolver.partition}:s3:::{name}"
    return (
        {
            "Ref": name,
            "Arn": arn,
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        },
        _info(name=name, arn=arn, id=name),
    )


def _substitute(definition: str, substitutions: Mapping[str, Any]) -> str:
    for key, value in substitutions.items():
        definition = definition.replace("${" + key + "}", str(value))
    return definition


def _state_machine_definition(ctx: _Context, p: Mapping[str, Any], logical_id: str) -> str:
    if "Definition" in p:
        text = json.dumps(p["Definition"])
    elif "DefinitionString" in p:
        text = str(p["DefinitionString"])
    elif isinstance(p.get("DefinitionUri"), str):
        text = (ctx.base_dir / p["DefinitionUri"]).read_text(encoding="utf-8")
    else:
        raise TemplateError(f"{logical_id}: needs Definition, DefinitionString or a local DefinitionUri")
    return _substitute(text, p.get("DefinitionSubstitutions", {}))


def _state_machine(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(
        raw,
        "Name",
        "StateMachineName",
        "Definition",
        "DefinitionString",
        "DefinitionUri",
        "DefinitionSubstitutions",
        "Type",
        "StateMachineType",
    )
    name = ctx.name(logical_id, p.get("Name", p.get("StateMachineName")))
    role_arn = f"arn:{ctx.resolver.partition}:iam::{ctx.resolver.account_id}:role/{ctx.stack_name}-{logical_id}Role"
    for role_key in ("Role", "RoleArn"):
        if role_key in raw:
            # a role that is not created locally keeps the placeholder ARN
            with suppress(UnresolvedReferenceError):
                role_arn = str(ctx.resolve(raw[role_key]))
    arn = ctx.sfn().create_state_machine(
        name=name,
        definition=_state_machine_definition(ctx, p, logical_id),
        roleArn=role_arn,
        type=p.get("Type", p.get("StateMachineType", "STANDARD")),
    )["stateMachineArn"]
    return {"Ref": arn, "Arn": arn, "Name": name}, _info(name=name, arn=arn, id=arn)


def _ses_configuration_set(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(raw, "Name")
    name = ctx.name(logical_id, p.get("Name"))
    ctx.ses().create_configuration_set(ConfigurationSet={"Name": name})
    return {"Ref": name}, _info(name=name, id=name)


def _ses_email_identity(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    """The sender. On AWS the owner confirms it from a mail (README); moto, like SES in the sandbox,
    refuses mail from an identity it has not verified, so here it is verified at once."""
    identity = str(ctx.props(raw, "EmailIdentity")["EmailIdentity"])
    if "@" in identity:
        ctx.ses().verify_email_identity(EmailAddress=identity)
    else:
        ctx.ses().verify_domain_identity(Domain=identity)
    return {"Ref": identity}, _info(name=identity, id=identity)


def _ses_event_destination(ctx: _Context, logical_id: str, raw: Mapping[str, Any]) -> tuple[Attributes, Names]:
    p = ctx.props(raw, "ConfigurationSetName", "EventDestination")
    destination = {k: v for k, v in p["EventDestination"].items() if k in ("Name", "Enabled", "MatchingEventTypes")}
    destination.setdefault("Name", logical_id)
    if "SnsDestination" in p["EventDestination"]:
        destination["SNSDestination"] = p["EventDestination"]["SnsDestination"]
    ctx.ses().create_configuration_set_event_destination(
        ConfigurationSetName=p["ConfigurationSetName"], EventDestination=cast(Any, destination)
    )
    return {"Ref": destination["Name"]}, _info(name=destination["Name"], id=destination["Name"])


CREATORS: Final[Mapping[str, Creator]] = {
    "AWS::DynamoDB::Table": _dynamodb_table,
    "AWS::SQS::Queue": _sqs_queue,
    "AWS::SNS::Topic": _sns_topic,
    "AWS::Cognito::UserPool": _user_pool,
    "AWS::Cognito::UserPoolClient": _user_pool_client,
    "AWS::Cognito::UserPoolGroup": _user_pool_group,
    "AWS::S3::Bucket": _s3_bucket,
    "AWS::Serverless::StateMachine": _state_machine,
    "AWS::StepFunctions::StateMachine": _state_machine,
    "AWS::SES::ConfigurationSet": _ses_configuration_set,
    "AWS::SES::ConfigurationSetEventDestination": _ses_event_destination,
    "AWS::SES::EmailIdentity": _ses_email_identity,
}


# ------------------------------------------------------------------------------------------- provision


def _client_factory(session_or_client_factory: boto3.session.Session | ClientFactory) -> ClientFactory:
    if isinstance(session_or_client_factory, boto3.session.Session):
        session = cast(Any, session_or_client_factory)
    else:
        factory = session_or_client_factory
        return cache(factory)

    @cache
    def from_session(service: str) -> Any:
        return session.client(service)

    return from_session


def _creation_order(template: Template) -> list[str]:
    creatable = {lid for lid, res in resources(template).items() if res["Type"] in CREATORS}
    graph: dict[str, set[str]] = {}
    for logical_id in creatable:
        resource = resources(template)[logical_id]
        depends_on = resource.get("DependsOn", [])
        depends = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        graph[logical_id] = (references(resource.get("Properties", {})) | depends) & creatable
    position = {lid: index for index, lid in enumerate(resources(template))}
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)  # template order among equals
        order.extend(ready)
        sorter.done(*ready)
    return order


def provision(
    session_or_client_factory: boto3.session.Session | ClientFactory,
    template: Template,
    stack_name: str = "frontdesk",
    *,
    parameters: Mapping[str, str] | None = None,
    known: Mapping[str, Mapping[str, str]] | None = None,
    base_dir: Path = REPO_ROOT,
) -> Stack:
    """Create every resource of `template` that moto can hold; return what was created.

    `parameters` override the template's parameter defaults. `known` gives local values for
    resources that are not created here but are referred to (e.g. {"Api": {"Ref": "local"}}).
    `base_dir` is the template's folder (for DefinitionUri files).
    """
    clients = _client_factory(session_or_client_factory)
    sts = clients("sts")
    region: str = sts.meta.region_name
    account_id = str(sts.get_caller_identity().get("Account", DEFAULT_ACCOUNT_ID))
    values = parameter_values(template, parameters)
    physical: dict[str, dict[str, str]] = {lid: dict(attrs) for lid, attrs in (known or {}).items()}
    resolver = Resolver(
        parameters=values,
        physical=physical,
        conditions=dict(template.get("Conditions", {})),
        region=region,
        account_id=account_id,
        stack_name=stack_name,
    )
    ctx = _Context(clients=clients, resolver=resolver, stack_name=stack_name, base_dir=base_dir)

    skipped: dict[str, str] = {}
    for logical_id, resource in resources(template).items():
        resource_type = resource["Type"]
        if resource_type not in CREATORS:
            if skip_reason(resource_type) is None:
                raise TemplateError(
                    f"{logical_id}: no local creator for {resource_type}; add one to CREATORS "
                    "or, if it has no local meaning, to SKIPPED_TYPES"
                )
            skipped[logical_id] = resource_type
            if resource_type in LOCAL_GATEWAY_TYPES:
                # The local gateway stands for the API: its id is the logical id (the URL built from it
                # is not reachable locally; the local stack gives PublicBaseUrl its own address).
                physical.setdefault(logical_id, {"Ref": logical_id.lower()})

    created: dict[str, ResourceInfo] = {}
    for logical_id in _creation_order(template):
        resource = resources(template)[logical_id]
        attributes, names = CREATORS[resource["Type"]](ctx, logical_id, resource.get("Properties", {}))
        physical[logical_id] = attributes
        created[logical_id] = ResourceInfo(
            type=resource["Type"],
            name=names.get("name"),
            arn=names.get("arn"),
            stream_arn=names.get("stream_arn"),
            id=names.get("id"),
        )

    function_env = {
        lid: function_environment(template, lid, resolver) for lid in resources(template, SERVERLESS_FUNCTION)
    }
    outputs: dict[str, str] = {}
    for name, output in template.get("Outputs", {}).items():
        try:
            outputs[name] = str(resolver.resolve(output["Value"]))
        except UnresolvedReferenceError:
            continue  # refers to something that only exists on AWS (e.g. the API's URL)
    return Stack(
        stack_name=stack_name,
        region=region,
        account_id=account_id,
        parameters=values,
        resources=created,
        function_env=function_env,
        outputs=outputs,
        physical=physical,
        skipped=skipped,
        conditions=dict(template.get("Conditions", {})),
    )
