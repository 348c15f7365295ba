"""The local stack's own clients parse timestamps as botocore does (local_stack.timestamps)."""

from __future__ import annotations

import boto3
from botocore.utils import parse_timestamp

from local_stack import timestamps

VALUES = (1796315431, 1796315431.25, "1796315431", "2026-12-03T16:30:25.411015Z", "Thu, 03 Dec 2026 16:30:25 GMT")


def test_the_datetimes_are_botocores() -> None:
    for value in VALUES:
        ours, theirs = timestamps.parse_timestamp(value), parse_timestamp(value)
        assert (ours, ours.utcoffset()) == (theirs, theirs.utcoffset()), value


def test_only_the_given_sessions_clients_parse_with_it(aws: boto3.Session) -> None:
    stacks = boto3.session.Session(region_name="us-east-1")
    timestamps.install(stacks)
    ours = stacks.client("dynamodbstreams")._endpoint._response_parser_factory.create_parser("json")
    functions = boto3.client("dynamodbstreams")._endpoint._response_parser_factory.create_parser("json")
    assert ours._timestamp_parser is timestamps.parse_timestamp
    assert functions._timestamp_parser is not timestamps.parse_timestamp
