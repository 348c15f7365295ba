"""The environment, read once into a typed model. Nothing else reads os.environ."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel


class Settings(BaseModel):
    table_name: str
    idempotency_table_name: str = ""
    events_topic_arn: str = ""
    sender_email: str = ""
    public_base_url: str = ""
    sla_timer_arn: str = ""
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


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env["TABLE_NAME"],
        idempotency_table_name=env.get("IDEMPOTENCY_TABLE_NAME", ""),
        events_topic_arn=env.get("EVENTS_TOPIC_ARN", ""),
        sender_email=env.get("SENDER_EMAIL", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", ""),
        sla_timer_arn=env.get("SLA_TIMER_ARN", ""),
        escalation_topic_arn=env.get("ESCALATION_TOPIC_ARN", ""),
        mail_configuration_set=env.get("MAIL_CONFIGURATION_SET", ""),
        user_pool_client_id=env.get("USER_POOL_CLIENT_ID", ""),
        cognito_endpoint=env.get("COGNITO_ENDPOINT", ""),
        aws_region=env.get("AWS_REGION", "us-east-1"),
        time_scale=float(env.get("TIME_SCALE") or 1),
    )
