"""The environment, read once into a typed model. Nothing else reads os.environ."""

from __future__ import annotations

import ipaddress
import os
from functools import cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str
    idempotency_table_name: str = ""
    events_topic_arn: str = ""
    sender_email: str = ""
    public_base_url: str = ""
    clock_machine_arn: str = ""
    escalation_topic_arn: str = ""
    mail_configuration_set: str = ""
    # The staff console signs in against Cognito with the public app client.
    user_pool_client_id: str = ""
    cognito_endpoint: str = ""
    aws_region: str = "us-east-1"
    # Local demo only: how many times faster the SLA clocks run (stated on the staff page).
    time_scale: float = 1.0
    # API Gateway caps payloads at 10 MB; the desk needs far less and refuses more.
    max_body_bytes: int = 16_384
    # The evidence bucket, and the S3 endpoint boto3 is pointed at (locally moto; empty on AWS).
    evidence_bucket: str = ""
    s3_endpoint_url: str = ""
    # Object Lock on each verified photo version: how long, and whether anyone may shorten it.
    evidence_retention_days: int = Field(default=1095, ge=1, le=36500)
    evidence_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "COMPLIANCE"

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
    env = os.environ
    return Settings(
        table_name=env["TABLE_NAME"],
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", ""),
        events_topic_arn=env.get("EVENTS_TOPIC_ARN", ""),
        sender_email=env.get("SENDER_EMAIL", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", ""),
        clock_machine_arn=env.get("CLOCK_MACHINE_ARN", ""),
        escalation_topic_arn=env.get("ESCALATION_TOPIC_ARN", ""),
        mail_configuration_set=env.get("MAIL_CONFIGURATION_SET", ""),
        user_pool_client_id=env.get("USER_POOL_CLIENT_ID", ""),
        cognito_endpoint=env.get("COGNITO_ENDPOINT", ""),
        aws_region=env.get("AWS_REGION", "us-east-1"),
        time_scale=float(env.get("TIME_SCALE") or 1),
        evidence_bucket=env.get("EVIDENCE_BUCKET", ""),
        s3_endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL", ""),
        **{
            field: value
            for field, value in (
                ("evidence_retention_days", env.get("EVIDENCE_RETENTION_DAYS")),
                ("evidence_lock_mode", env.get("EVIDENCE_LOCK_MODE")),
            )
            if value
        },
    )
