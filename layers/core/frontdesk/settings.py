"""The environment, read once into a typed model. Nothing else reads os.environ."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator


def _env(name: str) -> AliasChoices:
    """The environment variable a field is read from (by its Python name too, for tests)."""
    return AliasChoices(name, name.lower())


class Settings(BaseModel):
    """Read with ``Settings.model_validate(os.environ)``: each field from its variable, validated;
    an empty variable counts as unset (SAM writes ``""`` for an empty parameter)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    table_name: str = Field(validation_alias=_env("TABLE_NAME"))
    idempotency_table_name: str = Field(default="", validation_alias=_env("IDEMPOTENCY_TABLE_NAME"))
    events_topic_arn: str = Field(default="", validation_alias=_env("EVENTS_TOPIC_ARN"))
    sender_email: str = Field(default="", validation_alias=_env("SENDER_EMAIL"))
    public_base_url: str = Field(default="", validation_alias=_env("PUBLIC_BASE_URL"))
    # The API's own address (the stream router's, which mails): links in mail are absolute even
    # when PublicBaseUrl is left empty, because a mail client has no page to be relative to.
    api_url: str = Field(default="", validation_alias=_env("API_URL"))
    clock_machine_arn: str = Field(default="", validation_alias=_env("CLOCK_MACHINE_ARN"))
    escalation_topic_arn: str = Field(default="", validation_alias=_env("ESCALATION_TOPIC_ARN"))
    mail_configuration_set: str = Field(default="", validation_alias=_env("MAIL_CONFIGURATION_SET"))

    @property
    def mail_base_url(self) -> str:
        return (self.public_base_url or self.api_url).rstrip("/")

    # The staff console signs in against Cognito with the public app client.
    user_pool_client_id: str = Field(default="", validation_alias=_env("USER_POOL_CLIENT_ID"))
    # The staff directory reads the pool's users and groups.
    user_pool_id: str = Field(default="", validation_alias=_env("USER_POOL_ID"))
    cognito_endpoint: str = Field(default="", validation_alias=_env("COGNITO_ENDPOINT"))
    # Whether a manager's requests need TOTP set up (the template's ManagerMfa, "required" on AWS).
    manager_mfa: Literal["required", "optional"] = Field(default="optional", validation_alias=_env("MANAGER_MFA"))
    aws_region: str = Field(default="us-east-1", validation_alias=_env("AWS_REGION"))
    # powertools' rule for tracing (frontdesk.tracing): in Lambda, not in SAM local or Chalice, and
    # not switched off.
    trace_disabled: str = Field(default="false", validation_alias=_env("POWERTOOLS_TRACE_DISABLED"))
    lambda_task_root: str = Field(default="", validation_alias=_env("LAMBDA_TASK_ROOT"))
    emulated_lambda: str = Field(default="", validation_alias=AliasChoices("AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"))
    # Local demo only: how many times faster the SLA clocks run (stated on the staff page).
    time_scale: float = Field(default=1.0, gt=0, validation_alias=_env("TIME_SCALE"))
    # API Gateway caps payloads at 10 MB; the desk needs far less and refuses more.
    max_body_bytes: int = 16_384
    # The evidence bucket, and the S3 endpoint boto3 is pointed at (locally moto; empty on AWS).
    evidence_bucket: str = Field(default="", validation_alias=_env("EVIDENCE_BUCKET"))
    s3_endpoint_url: str = Field(
        default="", validation_alias=AliasChoices("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "s3_endpoint_url")
    )
    # Object Lock on each verified photo version: how long, and whether anyone may shorten it.
    evidence_retention_days: int = Field(default=1095, ge=1, le=36500, validation_alias=_env("EVIDENCE_RETENTION_DAYS"))
    evidence_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(
        default="COMPLIANCE", validation_alias=_env("EVIDENCE_LOCK_MODE")
    )

    @model_validator(mode="before")
    @classmethod
    def _unset_when_empty(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if value != ""}
        return data

    @property
    def tracing_on(self) -> bool:
        disabled = resolve_truthy_env_var_choice(env=self.trace_disabled)
        return bool(self.lambda_task_root) and not self.emulated_lambda and not disabled

    @property
    def cognito_url(self) -> str:
        """Where the staff console signs in: the local stack's endpoint, or the region's Cognito."""
        return self.cognito_endpoint or f"https://cognito-idp.{self.aws_region}.amazonaws.com/"

    @property
    def s3_public_origins(self) -> tuple[str, ...]:
        """Where browsers reach the evidence bucket (presigned POSTs and GET links), for the pages' CSP.

        The same addressing as frontdesk.adapters.s3 (virtual-hosted, SigV4): on AWS
        ``https://<bucket>.s3.<region>.amazonaws.com``, and in us-east-1 also the legacy global name
        boto3 signs for there; with an endpoint (moto) that endpoint's origin.
        """
        return s3_origins(self.evidence_bucket, self.s3_endpoint_url, self.aws_region)


def _origin(scheme: str, host: str, port: int | None) -> str:
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def s3_origins(bucket: str, endpoint_url: str, region: str) -> tuple[str, ...]:
    if not bucket:
        return ()
    virtual = "." not in bucket  # a dotted name cannot be a TLS host name: boto3 falls back to paths
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return ()
        path_style = _origin(parts.scheme, parts.hostname, parts.port)
        if virtual and _is_ip(parts.hostname):  # moto at 127.0.0.1: boto3 addresses the bucket by path
            return (path_style,)
        # otherwise boto3 picks the sub-domain or (dotted names over TLS) the path: allow both
        return (_origin(parts.scheme, f"{bucket}.{parts.hostname}", parts.port), path_style)
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    hosts = [f"s3.{region}.{domain}"] + (["s3.amazonaws.com"] if region == "us-east-1" else [])
    return tuple(f"https://{bucket}.{host}" if virtual else f"https://{host}" for host in hosts)


@cache
def settings() -> Settings:
    return Settings.model_validate(os.environ)
