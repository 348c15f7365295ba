"""moto's executions on scheduler threads: the thread count does not grow with the executions, a
wait still ends at its time and never before, and StopExecution still stops a waiting execution."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from unittest import mock

import boto3
import pytest
from jsonpath_ng.ext.parser import ExtendedJsonPathParser
from moto import mock_aws
from moto.stepfunctions.parser.asl.eval.environment import Environment

from local_stack import moto_fixes, moto_scheduler, timescale
from local_stack.timescale import ManualTime

from .waiting import until

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXECUTIONS = 60
WAIT_THEN_RECORD = {
    "StartAt": "UntilDeadline",
    "States": {
        "UntilDeadline": {"Type": "Wait", "TimestampPath": "$.deadline", "Next": "Record"},
        "Record": {
            "Type": "Pass",
            "Parameters": {"entered.$": "$$.State.EnteredTime", "n.$": "$.n"},
            "End": True,
        },
    },
}


@pytest.fixture
def manual(fake_aws_env: None) -> Iterator[tuple[SFNClient, ManualTime]]:
    clock = ManualTime(T0)
    timescale.install_clock(clock)
    moto_fixes.install()
    moto_scheduler.install()
    try:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            yield boto3.client("stepfunctions", region_name="us-east-1"), clock
    finally:
        moto_scheduler.uninstall()
        moto_fixes.uninstall()
        timescale.uninstall()


def _start_all(sfn: SFNClient, deadline: datetime) -> list[str]:
    machine = sfn.create_state_machine(
        name="waits", definition=json.dumps(WAIT_THEN_RECORD), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    moment = deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        sfn.start_execution(stateMachineArn=machine, name=f"e{n}", input=json.dumps({"deadline": moment, "n": n}))[
            "executionArn"
        ]
        for n in range(EXECUTIONS)
    ]


def _status(sfn: SFNClient, arns: list[str]) -> set[str]:
    return {sfn.describe_execution(executionArn=arn)["status"] for arn in arns}


def test_waiting_executions_hold_no_thread_of_their_own_and_end_at_their_time(
    manual: tuple[SFNClient, ManualTime],
) -> None:
    sfn, clock = manual
    threads_before = threading.active_count()
    deadline = T0 + timedelta(minutes=5)
    arns = _start_all(sfn, deadline)
    until(lambda: clock.blocked() == EXECUTIONS, "every execution waits")
    assert threading.active_count() <= threads_before  # moto alone: two more threads per execution
    assert moto_scheduler.running_executions() == EXECUTIONS

    clock.set(deadline - timedelta(milliseconds=1))
    time.sleep(0.2)  # ample for a wrongly woken wait to end; the assertion below would then fail
    assert _status(sfn, arns) == {"RUNNING"}  # never early

    clock.set(deadline)
    until(lambda: _status(sfn, arns) == {"SUCCEEDED"}, "every execution ends")
    outputs = [json.loads(sfn.describe_execution(executionArn=arn)["output"]) for arn in arns]
    assert [output["n"] for output in outputs] == list(range(EXECUTIONS))  # one parsed program, own data
    assert all(datetime.fromisoformat(output["entered"].replace("Z", "+00:00")) >= deadline for output in outputs)
    assert moto_scheduler.running_executions() == 0


def test_stop_execution_stops_a_waiting_execution_at_once(manual: tuple[SFNClient, ManualTime]) -> None:
    sfn, clock = manual
    arns = _start_all(sfn, T0 + timedelta(hours=1))
    until(lambda: clock.blocked() == EXECUTIONS, "every execution waits")
    for arn in arns[::2]:
        sfn.stop_execution(executionArn=arn)
    until(lambda: moto_scheduler.running_executions() == EXECUTIONS // 2, "the stopped executions leave")
    assert _status(sfn, arns[::2]) == {"ABORTED"}
    assert _status(sfn, arns[1::2]) == {"RUNNING"}
    clock.set(T0 + timedelta(hours=1))
    until(lambda: _status(sfn, arns[1::2]) == {"SUCCEEDED"}, "the others end at their time")
    assert _status(sfn, arns[::2]) == {"ABORTED"}


def test_a_stop_that_lands_as_the_program_starts_aborts_the_execution(
    manual: tuple[SFNClient, ManualTime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """StopExecution comes from another thread: it can land between the program's "running?" and its
    first write, which moto then refuses (RuntimeError). The execution must still end, ABORTED."""
    sfn, _ = manual
    checked = Environment.is_running

    def stopped_just_after(env: Environment) -> bool:
        running = checked(env)
        if running and isinstance(env.next_field_name, type(None)):  # the program's first check
            env.set_stop(stop_date=datetime.now(UTC), cause="raced", error=None)
        return running

    monkeypatch.setattr(Environment, "is_running", stopped_just_after)
    arns = _start_all(sfn, T0 + timedelta(hours=1))
    # without the fix they stay RUNNING, with nothing left to run them
    until(lambda: _status(sfn, arns) == {"ABORTED"}, "every execution ends, aborted")
    assert moto_scheduler.running_executions() == 0


def test_a_stop_that_lands_inside_a_state_aborts_the_execution_not_fails_it(
    manual: tuple[SFNClient, ManualTime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a state the refused write is caught by moto's program, which then records an error over
    the stop: FAILED (States.Runtime). On AWS a stopped execution is ABORTED, whatever it was doing."""
    sfn, _ = manual
    field = vars(Environment)["next_field_name"]
    assert isinstance(field, property) and field.fset is not None
    write = field.fset

    def stopped_before(env: Environment, name: str) -> None:
        if name == "StatePass" and env.is_running():  # as the Record state begins
            env.set_stop(stop_date=datetime.now(UTC), cause="raced", error=None)
        write(env, name)

    monkeypatch.setattr(Environment, "next_field_name", property(field.fget, stopped_before))
    arns = _start_all(sfn, T0)  # the wait is over at once
    until(lambda: "RUNNING" not in _status(sfn, arns), "every execution ends")
    assert _status(sfn, arns) == {"ABORTED"}


PUT_ITEM = {
    "StartAt": "Put",
    "States": {
        "Put": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "t", "Item": {"PK": {"S.$": "$.key"}}},
            "End": True,
        }
    },
}


def _five_puts(sfn: SFNClient) -> set[str]:
    """Five executions of PUT_ITEM into a new table "t", run to the end: the keys they wrote."""
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    machine = sfn.create_state_machine(
        name="puts", definition=json.dumps(PUT_ITEM), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    arns = [
        sfn.start_execution(stateMachineArn=machine, name=f"p{n}", input=json.dumps({"key": f"k{n}"}))["executionArn"]
        for n in range(5)
    ]
    until(lambda: _status(sfn, arns) == {"SUCCEEDED"}, "every put")
    return {item["PK"]["S"] for item in dynamodb.scan(TableName="t")["Items"]}


def test_task_calls_share_one_client_and_still_write(
    manual: tuple[SFNClient, ManualTime], monkeypatch: pytest.MonkeyPatch
) -> None:
    sfn, _ = manual
    made = mock.Mock(wraps=boto3.client)
    monkeypatch.setattr(boto3, "client", made)
    assert _five_puts(sfn) == {f"k{n}" for n in range(5)}
    by_moto = [c for c in made.call_args_list if c.kwargs.get("aws_access_key_id") == "ak"]  # its interpreter's
    assert [c.kwargs.get("service_name") for c in by_moto].count("dynamodb") <= 1  # moto makes one per task call


def test_a_json_path_is_parsed_once_however_many_executions_use_it(manual: tuple[SFNClient, ManualTime]) -> None:
    sfn, _ = manual
    with mock.patch.object(
        ExtendedJsonPathParser, "parse", autospec=True, side_effect=ExtendedJsonPathParser.parse
    ) as parse:
        assert _five_puts(sfn) == {f"k{n}" for n in range(5)}
    assert [c.args[1] for c in parse.call_args_list].count("$.key") == 1  # moto parses it at every use: 5 times
