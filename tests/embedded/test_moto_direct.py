"""The stack's own AWS calls are handed to moto's application in this process (local_stack.moto_direct),
with the answers the server gives over its socket, and without the socket."""

from __future__ import annotations

import hashlib
import io
import socket
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from local_stack import moto_direct

NO_RETRIES = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[ThreadedMotoServer, int]]:
    port = _free_port()
    running = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    running.start()
    yield running, port
    if running._server_ready_event.is_set():
        running.stop()


def _session(handed_to: tuple[ThreadedMotoServer, int] | None = None) -> boto3.session.Session:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    if handed_to is not None:
        running, port = handed_to
        assert running._server is not None
        moto_direct.install(session.events, running._server.app, port)
    return session


def _client(session: boto3.session.Session, service: str, port: int, host: str = "127.0.0.1") -> Any:
    return session.client(service, endpoint_url=f"http://{host}:{port}", config=NO_RETRIES)  # type: ignore[call-overload]


def test_calls_are_answered_by_motos_application_without_its_socket(server: tuple[ThreadedMotoServer, int]) -> None:
    running, port = server
    direct = _client(_session(server), "dynamodb", port)
    over_socket = _client(_session(), "dynamodb", port)
    direct.create_table(
        TableName="direct",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    direct.put_item(TableName="direct", Item={"PK": {"S": "a"}, "n": {"N": "1"}})
    assert over_socket.get_item(TableName="direct", Key={"PK": {"S": "a"}})["Item"]["n"] == {"N": "1"}

    running.stop()  # the socket is closed: only the handed-over calls still work
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        over_socket.get_item(TableName="direct", Key={"PK": {"S": "a"}})
    with pytest.raises(direct.exceptions.TransactionCanceledException) as refused:
        direct.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": "direct",
                        "Item": {"PK": {"S": "a"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
            ]
        )
    assert refused.value.response["CancellationReasons"][0]["Code"] == "ConditionalCheckFailed"
    # moto's own Step Functions Tasks name the server "localhost"
    assert _client(_session(server), "dynamodb", port, host="localhost").get_item(
        TableName="direct", Key={"PK": {"S": "a"}}
    )["Item"]["n"] == {"N": "1"}


def test_an_upload_and_its_metadata_read_back_as_over_the_socket(server: tuple[ThreadedMotoServer, int]) -> None:
    _, port = server
    direct = _client(_session(server), "s3", port)
    over_socket = _client(_session(), "s3", port)
    direct.create_bucket(Bucket="direct-evidence")
    photo = bytes(range(256)) * 300
    # a file-like body, a key that must be quoted, metadata with an underscore
    direct.put_object(
        Bucket="direct-evidence", Key="p/照片 1.jpg", Body=io.BytesIO(photo), Metadata={"taken_by": "lee"}
    )
    for client in (direct, over_socket):
        answer = client.get_object(Bucket="direct-evidence", Key="p/照片 1.jpg")
        assert hashlib.sha256(answer["Body"].read()).hexdigest() == hashlib.sha256(photo).hexdigest()
        assert answer["Metadata"] == {"taken_by": "lee"}
    listed = direct.list_objects_v2(Bucket="direct-evidence")["Contents"]
    assert [item["Key"] for item in listed] == ["p/照片 1.jpg"]


def test_requests_for_other_addresses_go_out_as_before(server: tuple[ThreadedMotoServer, int]) -> None:
    running, port = server
    assert running._server is not None
    handler = moto_direct.InProcessMoto(running._server.app, port)
    assert handler.takes(f"http://127.0.0.1:{port}/")
    assert handler.takes(f"http://localhost:{port}/x?y=1")
    assert not handler.takes(f"http://127.0.0.1:{port + 1}/")
    assert not handler.takes("https://dynamodb.us-east-1.amazonaws.com/")


def test_an_application_that_fails_answers_500_like_the_server() -> None:
    def failing(environ: dict[str, Any], start_response: Any) -> Any:
        raise RuntimeError("moto broke")

    headers: Any = {"X-Amz-Target": "DynamoDB_20120810.GetItem"}
    request = AWSPreparedRequest("POST", "http://127.0.0.1:5999/", headers, b"{}", False)
    answer = moto_direct.InProcessMoto(failing, 5999)(request)
    assert answer is not None
    assert answer.status_code == 500
