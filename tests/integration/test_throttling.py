"""DynamoDB throttling during intake (issue 15's reliability scenarios): after the SDK's own retries
the tenant gets a clear 503 in their language, and nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from frontdesk import wiring
from frontdesk.models.routing import DEFAULT_CALLS

from .conftest import Api, counter, public_create, set_header, staff_action, staff_open
from .staff_routes import site_route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _throttle(
    operation: str, code: str = "ProvisionedThroughputExceededException", client: Any = None, **more: Any
) -> list[str]:
    """Every call of ``operation`` on the desk's DynamoDB client answers ``code``; the calls are counted."""
    calls: list[str] = []

    def refuse(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        calls.append(operation)
        error = {"Error": {"Code": code, "Message": "throttled (test)"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
        return AWSResponse("https://dynamodb.test", 400, HTTPHeaders(), None), {**error, **more}

    client = client or wiring.tickets()._table.meta.client
    client.meta.events.register(f"before-call.dynamodb.{operation}", cast("Callable[..., None]", refuse))
    return calls


@pytest.mark.parametrize("operation", ["UpdateItem", "TransactWriteItems"])
def test_throttled_intake_is_a_clear_503_and_nothing_is_written(public: Api, table: Table, operation: str) -> None:
    calls = _throttle(operation)
    event = public_create()
    set_header(event, "Accept-Language", "en")

    reply = public(event)

    assert (reply.status, reply.body["code"]) == (503, "busy")
    assert reply.body["message"] == "The desk is busy: please try again in a moment; nothing was saved."
    assert calls == [operation]
    written = [str(item["PK"]) for item in table.scan()["Items"]]
    assert [pk for pk in written if pk.startswith(("TICKET#", "TRACK#"))] == []  # no ticket, event or token
    # the day's number was taken only if the counter was reached (as with any intake refused later)
    assert counter(table) == (None if operation == "UpdateItem" else 1)


def test_a_change_cancelled_by_throttling_is_503_not_a_version_conflict(staff: Api, table: Table) -> None:
    ticket_id, _ = staff_open(staff)
    _throttle("TransactWriteItems", "TransactionCanceledException", CancellationReasons=[{"Code": "ThrottlingError"}])
    reply = staff(staff_action(ticket_id, "decline", {"version": 1, "reason": "重复登记"}))
    assert (reply.status, reply.body["code"]) == (503, "busy")  # "try again", not "someone changed it"


def test_a_throttled_emergency_call_list_edit_is_a_clear_503(staff: Api) -> None:
    client = wiring.emergency_calls()._table.meta.client
    calls = _throttle("PutItem", client=client)
    edited = {k: list(v) for k, v in DEFAULT_CALLS.items()}
    reply = staff(site_route("PUT", "/staff/sites/{site_id}/emergency-calls", ("mgr1", "manager"), {"calls": edited}))
    assert (reply.status, reply.body["code"]) == (503, "busy")
    assert calls == ["PutItem"]
