"""The local stack's own clients parse timestamps as botocore does (local_stack.timestamps)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.utils import parse_timestamp

from local_stack import timestamps

VALUES = (1796315431, 1796315431.25, "1796315431", "2026-12-03T16:30:25.411015Z", "Thu, 03 Dec 2026 16:30:25 GMT")


def test_the_datetimes_are_botocores() -> None:
    for value in VALUES:
        ours, theirs = timestamps.parse_timestamp(value), parse_timestamp(value)  # type: ignore[arg-type]  # epochs too
        assert (ours, ours.utcoffset()) == (theirs, theirs.utcoffset()), value


def _parser(client: Any) -> Any:
    """What the client's endpoint parses its answers with."""
    return client._endpoint._response_parser_factory.create_parser("json")


def test_only_the_given_sessions_clients_parse_with_it(aws: boto3.Session) -> None:
    stacks = boto3.session.Session(region_name="us-east-1")
    timestamps.install(stacks)
    ours = _parser(stacks.client("dynamodbstreams"))
    functions = _parser(boto3.client("dynamodbstreams"))
    assert ours._timestamp_parser is timestamps.parse_timestamp
    assert functions._timestamp_parser is not timestamps.parse_timestamp
