"""infra/statemachines/clock.asl.json, checked without running it (it runs for real in
tests/integration/test_clocks.py): one loop for every clock kind, direct DynamoDB calls only,
never early."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from frontdesk.domain import clocks
from frontdesk.models.clock import ClockKind
from frontdesk.models.escalation import DEFAULT_LADDER

from .builders import T0, TICKET_ID, Walk

ASL = json.loads((Path(__file__).resolve().parents[2] / "infra" / "statemachines" / "clock.asl.json").read_text())
STATES: dict[str, dict[str, Any]] = ASL["States"]


def test_only_direct_dynamodb_reads_and_conditional_writes_of_the_clock_item() -> None:
    tasks = {name: s["Resource"] for name, s in STATES.items() if s["Type"] == "Task"}
    assert tasks == {
        "Escalate": "arn:aws:states:::dynamodb:updateItem",
        "Read": "arn:aws:states:::dynamodb:getItem",
    }
    for name in tasks:
        assert STATES[name]["Parameters"]["Key"] == {"PK": {"S.$": "$.key.PK"}, "SK": {"S.$": "$.key.SK"}}


def test_the_escalation_is_never_early_and_only_for_this_generation_and_rung() -> None:
    escalate = STATES["Escalate"]["Parameters"]
    condition = escalate["ConditionExpression"]
    for clause in ("#gen = :gen", "#level = :level", "#state = :running", ":at <= :entered"):
        assert clause in condition
    assert escalate["ExpressionAttributeValues"][":entered"] == {"S.$": "$$.State.EnteredTime"}
    assert escalate["ExpressionAttributeValues"][":at"] == {"S.$": "$.at"}
    assert STATES["Wait"]["TimestampPath"] == "$.at"
    catches = STATES["Escalate"]["Catch"]
    assert catches == [
        {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": None, "Next": "Read"}
    ]


def test_no_state_knows_a_clock_kind() -> None:
    text = json.dumps(ASL)
    for kind in ClockKind:
        assert f'"{kind.value}"' not in text and f"'{kind.value}'" not in text
    assert len(STATES) <= 12


def test_every_next_names_a_state_and_every_path_ends() -> None:
    names = set(STATES)
    for state in STATES.values():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])] + [c["Next"] for c in state.get("Catch", [])]
        assert {t for t in targets if t} <= names
    assert ASL["StartAt"] == "Wait"
    assert {n for n, s in STATES.items() if s["Type"] == "Succeed"} == {"Gone", "Superseded", "Ended", "LadderDone"}


def test_the_input_the_router_gives_is_what_the_states_read() -> None:
    walk = Walk()
    walk.run("dispatch")
    clock = clocks.plan(ClockKind.ARRIVAL, walk.ticket, TICKET_ID, "ql", None, DEFAULT_LADDER, T0)
    assert clock is not None
    payload = clocks.execution_input(clock, {"PK": "TICKET#x", "SK": "CLOCK#arrival"})
    climb = STATES["Climb"]["Parameters"]
    assert {k.removesuffix(".$") for k in climb} == set(payload)
    assert STATES["Resync"]["Parameters"].keys() == climb.keys()
