"""infra/statemachines/sla_timer.asl.json checked against what it may use and what it is given.

The timer runs for real in tests/integration/test_sla_timer.py; these checks catch, without
running it, what AWS would refuse or what moto would silently evaluate differently."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain.escalation import timer_input
from frontdesk.models.escalation import DEFAULT_LADDER

from .builders import Walk

ASL_PATH = Path(__file__).resolve().parents[2] / "infra" / "statemachines" / "sla_timer.asl.json"
ASL: dict[str, Any] = json.loads(ASL_PATH.read_text("utf-8"))
STATES: dict[str, dict[str, Any]] = ASL["States"]
GET, UPDATE = "arn:aws:states:::dynamodb:getItem", "arn:aws:states:::dynamodb:updateItem"
ENDS = {"Gone", "Superseded", "Closed", "Completed", "LadderDone"}


def _targets(state: dict[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    if "Default" in state:
        yield state["Default"]
    for choice in state.get("Choices", []):
        yield choice["Next"]
    for catch in state.get("Catch", []):
        yield catch["Next"]


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield key, child
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def _tasks(resource: str) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in STATES.items() if s.get("Resource") == resource}


def test_every_transition_lands_on_a_state_and_every_state_is_reachable() -> None:
    assert ASL["StartAt"] in STATES
    for name, state in STATES.items():
        for target in _targets(state):
            assert target in STATES, f"{name} → {target}"
    seen, todo = set(), [ASL["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_targets(STATES[name]))
    assert seen == set(STATES)
    assert {n for n, s in STATES.items() if s["Type"] == "Succeed"} == ENDS
    assert not any(s.get("End") for s in STATES.values())  # every end is a named outcome


def test_only_direct_dynamodb_reads_and_updates_of_the_table() -> None:
    tasks = {name: s for name, s in STATES.items() if s["Type"] == "Task"}
    assert {s["Resource"] for s in tasks.values()} == {GET, UPDATE}
    assert {s["Parameters"]["TableName"] for s in tasks.values()} == {"${TableName}"}
    for state in tasks.values():
        assert state["Parameters"]["Key"]["SK"] == {"S": "TICKET"}
        assert state["Retry"] and "States.ALL" not in json.dumps(state["Retry"])
    assert all(s["Parameters"]["ConsistentRead"] is True for s in _tasks(GET).values())


@pytest.mark.parametrize("name", sorted(_tasks(UPDATE)))
def test_an_escalation_is_conditional_never_early_and_retried_after_a_failed_condition(name: str) -> None:
    state = STATES[name]
    params = state["Parameters"]
    condition = params["ConditionExpression"]
    for clause in ("#v = :read", "#da = :mine", "attribute_not_exists(#ms)", "#due <= :entered"):
        assert clause in condition
    assert params["UpdateExpression"] == "SET #esc = :esc, #v = #v + :one"
    values = params["ExpressionAttributeValues"]
    assert values[":entered"] == {"S.$": "$$.State.EnteredTime"}
    assert values[":esc"]["M"]["at"] == {"S.$": "$$.State.EnteredTime"}
    assert set(values[":esc"]["M"]) == {"phase", "level", "at"}  # exactly the ticket's Escalation model
    # AWS refuses names and values an expression does not use
    expressions = params["UpdateExpression"] + " " + condition
    assert set(re.findall(r"#\w+", expressions)) == set(params["ExpressionAttributeNames"])
    assert set(re.findall(r":\w+", expressions)) == set(values)
    (catch,) = state["Catch"]
    assert catch["ErrorEquals"] == ["DynamoDB.ConditionalCheckFailedException"]
    retry = STATES[catch["Next"]]
    assert retry["Type"] == "Wait" and retry["SecondsPath"] == "$.retry_seconds"
    assert STATES[retry["Next"]]["Resource"] == GET


def test_reads_project_what_the_decisions_use() -> None:
    for state in _tasks(GET).values():
        params = state["Parameters"]
        names = params["ExpressionAttributeNames"]
        projected = {names.get(p.strip(), p.strip()) for p in params["ProjectionExpression"].split(",")}
        used = {
            m.group(1) for _, v in _walk(ASL) if isinstance(v, str) for m in re.finditer(r"\$\.read\.Item\.(\w+)", v)
        }
        assert used <= projected
        assert set(re.findall(r"#\w+", params["ProjectionExpression"])) == set(names)


def test_waits_use_paths_and_choices_compare_strings_not_timestamps() -> None:
    for state in STATES.values():
        if state["Type"] == "Wait":
            assert set(state) & {"TimestampPath", "SecondsPath"}, state
    # moto's timestamp operators parse only …:SSZ; stored deadlines are …:SS.000Z and sort as strings
    assert not any("Timestamp" in key for key, _ in _walk([s.get("Choices", []) for s in STATES.values()]))


def test_the_input_has_everything_the_definition_reads() -> None:
    payload = timer_input(Walk().run("dispatch"), DEFAULT_LADDER)
    paths = {
        m.group(1) for _, v in _walk(ASL) if isinstance(v, str) for m in re.finditer(r"(?<![$])\$\.((?:\w+\.?)+)", v)
    }
    own = {"read", "sync", "failed"}  # written by the definition itself
    rung_keys = set(payload["arrival"][0])
    for path in sorted(paths):
        head, *rest = path.rstrip(".").split(".")
        if head in own:
            continue
        assert head in payload, path
        if head == "step" and len(rest) > 1 and rest[0] == "rung":
            assert rest[1] in rung_keys, path
    for rungs in (payload["arrival"], payload["completion"]):
        assert all(isinstance(r["level"], str) and isinstance(r["prev"], str) for r in rungs)  # DynamoDB N
        assert all(r["after_seconds"] >= 1 for r in rungs[1:])  # a Wait of SecondsPath is never 0


def test_both_phases_have_the_same_shape() -> None:
    arrival = {n.removeprefix("Arrival") for n in STATES if n.startswith("Arrival")}
    completion = {n.removeprefix("Completion") for n in STATES if n.startswith("Completion")}
    assert arrival == completion
