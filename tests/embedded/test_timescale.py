"""The time scale: waits pass N times faster, never early on the execution's clock; moto obeys it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from local_stack import timescale
from local_stack.timescale import ScaledClock, real_seconds

from .waiting import until

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


class FakeTime:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_real_seconds_round_up_and_never_go_negative() -> None:
    assert real_seconds(300, 60) == 5
    assert real_seconds(1, 3) == 0.334  # rounded up to the millisecond: never short
    assert real_seconds(0.0001, 1) == 0.001
    assert real_seconds(0, 60) == 0
    assert real_seconds(-5, 60) == 0
    with pytest.raises(ValueError):
        real_seconds(1, 0)


def test_a_scaled_wait_takes_a_scaled_time_and_ends_exactly_at_its_target() -> None:
    fake = FakeTime()
    clock = ScaledClock(60, real_time=fake)
    start = clock.now("x")
    target = start + timedelta(minutes=5)
    assert clock.wait_until("x", target, fake.sleep)
    assert sum(fake.slept) == pytest.approx(5, abs=0.002)
    assert clock.now("x") >= target
    assert (clock.now("x") - target).total_seconds() < 0.01
    # another execution's clock did not move
    assert clock.now("y") == datetime.fromtimestamp(fake.now, UTC)


def test_an_interrupted_wait_goes_on_and_a_stopped_one_gives_up() -> None:
    fake = FakeTime()
    clock = ScaledClock(10, real_time=fake)
    target = clock.now("x") + timedelta(seconds=100)
    interruptions = iter([0.5, 0.25])

    def sleep_interrupted(seconds: float) -> None:
        fake.sleep(min(seconds, next(interruptions, seconds)))

    assert clock.wait_until("x", target, sleep_interrupted)
    assert sum(fake.slept) == pytest.approx(10, abs=0.002)
    assert clock.now("x") >= target
    later = clock.now("x") + timedelta(seconds=100)
    assert not clock.wait_until("x", later, fake.sleep, running=lambda: False)
    assert clock.now("x") < later


def test_at_scale_one_the_clock_is_real_time_and_never_early() -> None:
    fake = FakeTime(1_800_000_000.25)
    clock = ScaledClock(1, real_time=fake)
    target = datetime.fromtimestamp(1_800_000_002, UTC)
    assert clock.wait_until("x", target, fake.sleep)
    assert fake.now >= target.timestamp()
    assert clock.now("x") == datetime.fromtimestamp(fake.now, UTC)


def test_clocks_never_go_backward() -> None:
    fake = FakeTime()
    clock = ScaledClock(60, real_time=fake)
    ahead = clock.now("x") + timedelta(hours=1)
    clock.skip_to("x", ahead)
    clock.skip_to("x", ahead - timedelta(minutes=30))
    assert clock.now("x") == ahead


def test_describe_states_the_scale() -> None:
    assert "x60" in timescale.describe(60) and "5 s" in timescale.describe(60)
    assert "real time" in timescale.describe(1)


@pytest.fixture
def sfn(fake_aws_env: None) -> Iterator[SFNClient]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield boto3.client("stepfunctions", region_name="us-east-1")
    timescale.uninstall()


WAIT_THEN_MINUTE = {
    "StartAt": "UntilDeadline",
    "States": {
        "UntilDeadline": {"Type": "Wait", "TimestampPath": "$.deadline", "Next": "Record"},
        "Record": {"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime"}, "Next": "OneMinute"},
        "OneMinute": {"Type": "Wait", "Seconds": 60, "Next": "After"},
        "After": {
            "Type": "Pass",
            "Parameters": {"entered.$": "$$.State.EnteredTime", "first.$": "$.entered"},
            "End": True,
        },
    },
}
WAIT_ONLY = {
    "StartAt": "UntilDeadline",
    "States": {
        "UntilDeadline": {"Type": "Wait", "TimestampPath": "$.deadline", "Next": "Record"},
        "Record": {"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime"}, "End": True},
    },
}


def _run(sfn: SFNClient, definition: dict[str, Any], deadline: datetime) -> dict[str, str]:
    arn = sfn.create_state_machine(
        name=f"t{time.time_ns()}", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    execution = sfn.start_execution(
        stateMachineArn=arn, input=json.dumps({"deadline": deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    )["executionArn"]
    # The waits sleep on the fake clock, so the execution ends at once; the bound only catches a hang.
    until(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING", "the execution ends")
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    output: dict[str, str] = json.loads(described.get("output", "{}"))
    return output


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_moto_waits_run_scaled_and_the_state_machine_sees_the_deadline_reached(sfn: SFNClient) -> None:
    machine = FakeTime()  # moto's waits sleep on it: the machine's speed does not matter
    timescale.install_clock(ScaledClock(60, real_time=machine, sleep=machine.sleep))
    deadline = datetime.fromtimestamp(machine.now, UTC) + timedelta(minutes=3)
    output = _run(sfn, WAIT_THEN_MINUTE, deadline)
    assert sum(machine.slept) == pytest.approx(4, abs=0.01)  # three minutes and one, sixty times faster
    first, after = _parse(output["first"]), _parse(output["entered"])
    assert first >= deadline  # so a `deadline <= $$.State.EnteredTime` guard holds right after the wait
    assert after >= first + timedelta(seconds=60)


def test_at_scale_one_moto_never_wakes_early(sfn: SFNClient) -> None:
    """Through moto's Wait state (whose own wait floors the seconds), on a fake machine clock
    started at several fractions of a second."""
    for start in (1_800_000_000.0, 1_800_000_000.25, 1_800_000_000.999):
        machine = FakeTime(start)
        timescale.install_clock(ScaledClock(1, real_time=machine, sleep=machine.sleep))
        deadline = datetime.fromtimestamp(int(start) + 2, UTC)
        output = _run(sfn, WAIT_ONLY, deadline)
        assert _parse(output["entered"]) >= deadline
        assert machine.now >= deadline.timestamp()
