"""A complaint's repairs (000 §3.3c 马上派人处理): spawned by the desk at the complaint's place, for its
client, written with the complaint listing them; dispatched as any repair; the acceptance recorded on
the complaint (frontdesk.domain.linked)."""

from __future__ import annotations

import pytest

from frontdesk.domain import linked
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Channel, Kind, Status

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR, command, staff_request
from .test_service import Fixture


@pytest.fixture
def f() -> Fixture:
    return Fixture()


def _repair(version: int, **fields: object) -> cmd.LinkedRepair:
    return cmd.LinkedRepair.model_validate(
        {"version": version, "category": "lighting", "description": "楼道灯不亮", **fields}
    )


def _complaint(f: Fixture) -> str:
    request = staff_request(Kind.COMPLAINT, channel=Channel.WALK_IN, contact_email="li@example.com")
    return f.desk.open(request, OPERATOR).ticket.ticket_id


def test_a_repair_spawned_from_a_complaint_is_a_repair_at_its_place_for_its_client(f: Fixture) -> None:
    complaint_id = _complaint(f)
    complaint = f.desk.spawn_repair(complaint_id, _repair(1), OPERATOR)

    (repair_id,) = complaint.linked_repairs
    repair = f.tickets.get(repair_id)
    assert repair is not None
    assert (repair.kind, repair.category, repair.status, repair.complaint_id) == (
        Kind.REPAIR,
        "lighting",
        Status.RECEIVED,
        complaint_id,
    )
    assert (repair.unit, repair.contact, repair.channel) == (complaint.unit, complaint.contact, Channel.WALK_IN)
    assert repair.number != complaint.number  # its own number of the day
    assert complaint.version == 2 and complaint.status is Status.RECEIVED
    event = f.tickets.timeline(complaint_id)[-1]
    assert (event.action, event.detail["repair"]) == ("link_repair", repair.number)
    assert f.tickets.timeline(repair_id)[0].detail["complaint"] == complaint.number
    assert repair_id in f.tickets.acknowledgements  # the client gets its number and link to accept it
    # dispatched as any repair
    dispatched = f.desk.act(repair_id, "dispatch", command("dispatch", 1), OPERATOR)
    assert dispatched.status is Status.DISPATCHED
    (view,) = f.desk.linked_repairs(f.desk.read(complaint_id, OPERATOR)[0])
    assert (view.number, view.status, view.assignee) == (repair.number, Status.DISPATCHED, "eng1")


def test_refusals_write_nothing_and_take_no_number(f: Fixture) -> None:
    complaint_id = _complaint(f)
    counters = dict(f.tickets.counters)
    with pytest.raises(Forbidden):
        f.desk.spawn_repair(complaint_id, _repair(1), ENGINEER)
    with pytest.raises(VersionConflict):
        f.desk.spawn_repair(complaint_id, _repair(7), OPERATOR)
    with pytest.raises(InvalidInput) as refused:
        f.desk.spawn_repair(complaint_id, _repair(1, category="fees"), OPERATOR)
    assert refused.value.code == "unknown_category"
    assert f.tickets.counters == counters and len(f.tickets.tickets) == 1


def test_only_an_open_complaint_spawns_repairs_and_at_most_a_few(f: Fixture) -> None:
    complaint_id = _complaint(f)
    for version in range(1, linked.MAX_LINKED + 1):
        f.desk.spawn_repair(complaint_id, _repair(version), OPERATOR)
    with pytest.raises(IllegalTransition) as full:
        f.desk.spawn_repair(complaint_id, _repair(linked.MAX_LINKED + 1), OPERATOR)
    assert full.value.code == "linked_repairs_full"

    closed = f.desk.act(_complaint(f), "cancel", command("cancel", 1), DUTY_MANAGER)
    with pytest.raises(IllegalTransition):
        f.desk.spawn_repair(closed.ticket_id, _repair(closed.version), OPERATOR)
    repair = f.desk.open(staff_request(), OPERATOR).ticket
    with pytest.raises(IllegalTransition):
        f.desk.spawn_repair(repair.ticket_id, _repair(1), OPERATOR)


def test_the_clients_acceptance_is_recorded_on_the_complaint(f: Fixture) -> None:
    complaint_id = _complaint(f)
    complaint = f.desk.spawn_repair(complaint_id, _repair(1), OPERATOR)
    repair = f.tickets.get(complaint.linked_repairs[0])
    assert repair is not None
    accepted = f.tickets.timeline(repair.ticket_id)[0].model_copy(
        update={"action": "accept", "seq": 6, "detail": {"satisfied": "true", "rating": "5"}}
    )
    change = linked.repair_accepted(complaint, repair, accepted)
    assert (change.event.action, change.event.detail) == (
        "repair_accepted",
        {"repair": repair.number, "satisfied": "true"},
    )
    assert change.ticket.version == complaint.version + 1 and change.ticket.status is complaint.status
