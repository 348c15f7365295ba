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
    )
