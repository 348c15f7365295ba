"""The Desk service over in-memory ports: load, check, apply, save; nothing written when refused."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from datetime import timedelta

import pytest

from frontdesk.app.clocks import ClockPlanner
from frontdesk.app.ports import NewTicketWrite
from frontdesk.app.tickets import CLIENT, Desk
from frontdesk.app.tokens import could_be_token, new_token, token_hash
from frontdesk.clock import FixedClock
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput, NotFound, VersionConflict
from frontdesk.domain.lifecycle import Change
from frontdesk.models import commands as cmd
from frontdesk.models.clock import Clock, ClockKind, ClockState, SubjectType
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Kind, Status, Ticket, TimelineEvent

from .builders import (
    ENGINEER,
    NOBODY,
    OPERATOR,
    SITE,
    T0,
    FixedRoster,
    command,
    make_site,
    public_request,
    staff_request,
)


class MemoryTickets:
    """The Tickets port in memory, with the adapter's conditional-version save."""

    def __init__(self, clocks: MemoryClocks) -> None:
        self.clocks = clocks
        self.counters: dict[tuple[str, str], int] = {}
        self.tickets: dict[str, Ticket] = {}
        self.events: dict[str, list[TimelineEvent]] = {}
        self.tokens: dict[str, str] = {}
        self.acknowledgements: set[str] = set()  # the tickets whose tenant is owed an acknowledgement
        self.routed: set[str] = set()  # the tickets whose staff are owed a mail at intake (domain.routing)
        self.notices: list[tuple[str, str, int]] = []  # (ticket, notice, event seq) owed with a change

    def next_seq(self, site_id: str, day: str) -> int:
        self.counters[(site_id, day)] = self.counters.get((site_id, day), 0) + 1
        return self.counters[(site_id, day)]

    def create(self, new: NewTicketWrite) -> None:
        ticket = new.change.ticket
        assert ticket.ticket_id not in self.tickets and new.token_hash not in self.tokens
        if new.acknowledge:
            self.acknowledgements.add(ticket.ticket_id)
        if new.route:
            self.routed.add(ticket.ticket_id)
        self.tickets[ticket.ticket_id] = ticket
        self.events[ticket.ticket_id] = [new.change.event]
        self.tokens[new.token_hash] = ticket.ticket_id
        self.clocks.write(new.clocks)

    def create_linked(self, new: NewTicketWrite, parent: Change, parent_version: int) -> None:
        if self.tickets[parent.ticket.ticket_id].version != parent_version:
            raise VersionConflict(field="version", expected=parent_version)
        self.create(new)
        self.tickets[parent.ticket.ticket_id] = parent.ticket
        self.events[parent.ticket.ticket_id].append(parent.event)

    def save(self, change: Change, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None:
        if self.tickets[change.ticket.ticket_id].version != expected_version:
            raise VersionConflict(field="version", expected=expected_version)
        self.tickets[change.ticket.ticket_id] = change.ticket
        self.events[change.ticket.ticket_id].append(change.event)
        self.clocks.write(clocks)
        if change.notice:
            self.notices.append((change.ticket.ticket_id, change.notice, change.event.seq))

    def get(self, ticket_id: str) -> Ticket | None:
        return self.tickets.get(ticket_id)

    def timeline(self, ticket_id: str) -> list[TimelineEvent]:
        return list(self.events.get(ticket_id, []))

    def ticket_id_for(self, token_hash: str) -> str | None:
        return self.tokens.get(token_hash)

    def add_token(self, ticket_id: str, token_hash: str) -> None:
        assert token_hash not in self.tokens
        self.tokens[token_hash] = ticket_id

    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]:
        return [t for t in self.tickets.values() if t.site_id == site_id][:limit]

    def by_unit(self, site_id: str, building_id: str, unit: str, limit: int = 100) -> list[Ticket]:
        found = [t for t in self.tickets.values() if (t.site_id, t.building_id, t.unit) == (site_id, building_id, unit)]
        return sorted(found, key=lambda t: t.created_at, reverse=True)[:limit]

    def count_at_unit(self, site_id: str, building_id: str, unit: str, kind: str, category: str, since: str) -> int:
        place = (site_id, building_id, unit, kind, category)
        return sum(
            1
            for t in self.tickets.values()
            if (t.site_id, t.building_id, t.unit, t.kind, t.category) == place and t.created_at >= since
        )


class MemoryClocks:
    """Clocks and the site's ladder in memory: written only together with their ticket."""

    def __init__(self) -> None:
        self.clocks: dict[tuple[str, ClockKind], Clock] = {}

    def write(self, writes: Sequence[ClockWrite]) -> None:
        for w in writes:
            assert self.clocks.get((w.clock.subject_id, w.clock.kind)) == w.previous
            self.clocks[(w.clock.subject_id, w.clock.kind)] = w.clock

    def of_subject(self, subject_type: SubjectType, subject_id: str) -> dict[ClockKind, Clock]:
        return {kind: clock for (owner, kind), clock in self.clocks.items() if owner == subject_id}

    def open_clocks(self, site_id: str) -> list[Clock]:
        return [c for c in self.clocks.values() if c.is_open and c.site_id == site_id]

    def put(self, writes: list[ClockWrite]) -> list[Clock]:
        self.write(writes)
        return []

    def ladder(self, site_id: str) -> Ladder:
        return DEFAULT_LADDER


class MemorySites:
    def __init__(self, *sites: Site) -> None:
        self.sites = {site.site_id: site for site in sites}

    def get(self, site_id: str) -> Site | None:
        return self.sites.get(site_id)

    def all(self) -> list[Site]:
        return list(self.sites.values())


class Fixture:
    def __init__(self) -> None:
        self.clocks = MemoryClocks()
        self.tickets = MemoryTickets(self.clocks)
        self.sites = MemorySites(SITE)
        self.clock = FixedClock(T0)
        ids = (f"{n:032x}" for n in itertools.count(1))
        tokens = (f"token-{n:0>20}" for n in itertools.count(1))
        planner = ClockPlanner(self.clocks, self.clocks)
        self.desk = Desk(
            self.tickets,
            self.sites,
            self.clock,
            planner,
            FixedRoster(),
            new_id=lambda: next(ids),
            new_token=lambda: next(tokens),
        )


@pytest.fixture
def f() -> Fixture:
    return Fixture()


def test_open_numbers_tickets_per_site_local_day(f: Fixture) -> None:
    first = f.desk.open(public_request(), CLIENT)
    second = f.desk.open(staff_request(Kind.EMERGENCY), OPERATOR)
    f.clock.advance(hours=14)  # 02:00 UTC → 16:00 UTC = midnight in Shanghai
    third = f.desk.open(public_request(), CLIENT)

    assert [first.ticket.number, second.ticket.number, third.ticket.number] == [
        "QL-1122-001",
        "QL-1122-002",
        "QL-1123-001",
    ]
    assert f.tickets.counters == {("ql", "2026-11-22"): 2, ("ql", "2026-11-23"): 1}


def test_open_stores_only_the_hash_of_the_tracking_token(f: Fixture) -> None:
    opened = f.desk.open(public_request(), CLIENT)
    assert opened.tracking_token == "token-00000000000000000001"
    assert list(f.tickets.tokens) == [hashlib.sha256(opened.tracking_token.encode()).hexdigest()]
    assert token_hash(opened.tracking_token) in f.tickets.tokens
    assert f.desk.read_by_token(opened.tracking_token)[0] == opened.ticket


def test_a_tenant_with_an_address_is_owed_an_acknowledgement_in_the_same_write(f: Fixture) -> None:
    with_address = f.desk.open(public_request(contact_email="li@example.com"), CLIENT)
    without = f.desk.open(public_request(), CLIENT)
    assert f.tickets.acknowledgements == {with_address.ticket.ticket_id}
    assert without.ticket.ticket_id not in f.tickets.acknowledgements


@pytest.mark.parametrize(
    ("request_overrides", "code"),
    [
        ({"building_id": "nope"}, "unknown_building"),
        ({"unit": "999"}, "unknown_unit"),
        ({"category": "fees"}, "unknown_category"),
    ],
)
def test_refused_intake_takes_no_number_and_writes_nothing(
    f: Fixture, request_overrides: dict[str, str], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        f.desk.open(public_request(**request_overrides), CLIENT)
    assert refused.value.code == code
    assert f.tickets.counters == {} and f.tickets.tickets == {}


def test_intake_on_an_unknown_site_is_not_found(f: Fixture) -> None:
    with pytest.raises(NotFound) as refused:
        f.desk.open(public_request(site_id="nowhere"), CLIENT)
    assert refused.value.code == "site_not_found"
    assert f.tickets.counters == {}


@pytest.mark.parametrize("actor", [ENGINEER, NOBODY])
def test_staff_without_a_desk_role_may_not_take_intake(f: Fixture, actor: Actor) -> None:
    with pytest.raises(Forbidden):
        f.desk.open(staff_request(), actor)
    assert f.tickets.counters == {}


def test_act_applies_and_saves(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    f.clock.advance(minutes=1)
    dispatched = f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1), OPERATOR)

    assert dispatched.status is Status.DISPATCHED
    assert f.tickets.get(ticket.ticket_id) == dispatched
    assert [e.seq for e in f.tickets.timeline(ticket.ticket_id)] == [1, 2]
    assert dispatched.arrival_due == "2026-11-22T02:06:00.000Z"


def test_stale_version_writes_nothing(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1), OPERATOR)
    with pytest.raises(VersionConflict):
        f.desk.act(ticket.ticket_id, "arrive", command("arrive", 1), ENGINEER)
    assert len(f.tickets.timeline(ticket.ticket_id)) == 2


def test_illegal_and_forbidden_actions_write_nothing(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    with pytest.raises(IllegalTransition):
        f.desk.act(ticket.ticket_id, "close", command("close", 1), OPERATOR)
    with pytest.raises(Forbidden):
        f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1), ENGINEER)
    assert f.tickets.get(ticket.ticket_id) == ticket
    assert len(f.tickets.timeline(ticket.ticket_id)) == 1


def test_unknown_ticket_is_not_found(f: Fixture) -> None:
    with pytest.raises(NotFound) as refused:
        f.desk.act("f" * 32, "dispatch", command("dispatch", 1), OPERATOR)
    assert (refused.value.field, refused.value.code) == ("ticket_id", "ticket_not_found")


@pytest.mark.parametrize("token", ["", "short", "x" * 15, "x" * 65, "token-00000000000000000099"])
def test_unknown_or_malformed_token_is_not_found(f: Fixture, token: str) -> None:
    f.desk.open(public_request(), CLIENT)
    with pytest.raises(NotFound) as refused:
        f.desk.read_by_token(token)
    assert (refused.value.field, refused.value.code) == ("token", "ticket_not_found")


def test_one_token_length_for_every_link_tickets_callbacks_photos_campaigns() -> None:
    assert could_be_token(new_token())
    assert [could_be_token("x" * n) for n in (15, 16, 64, 65)] == [False, True, True, False]


def test_client_acts_only_through_the_token(f: Fixture) -> None:
    opened = f.desk.open(public_request(), CLIENT)
    tid = opened.ticket.ticket_id
    f.desk.act(tid, "dispatch", command("dispatch", 1), OPERATOR)
    f.desk.act(tid, "arrive", command("arrive", 2), ENGINEER)
    f.desk.act(tid, "complete", command("complete", 3), ENGINEER)

    ticket, timeline, actions = f.desk.read_by_token(opened.tracking_token)
    assert ticket.status is Status.COMPLETED and actions == ["accept"] and len(timeline) == 4

    reopened = f.desk.act_by_token(opened.tracking_token, "accept", command("accept", 4, satisfied=False))
    assert reopened.status is Status.REOPENED
    assert f.tickets.timeline(tid)[-1].actor == CLIENT


def test_read_needs_a_staff_role(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    _, timeline, actions = f.desk.read(ticket.ticket_id, ENGINEER)
    assert len(timeline) == 1 and actions == ["take"]  # an unassigned repair: the engineer may take it
    for actor in (NOBODY, CLIENT):
        with pytest.raises(Forbidden):
            f.desk.read(ticket.ticket_id, actor)


def test_queue_needs_a_staff_role_and_a_known_site(f: Fixture) -> None:
    f.desk.open(staff_request(), OPERATOR)
    assert len(f.desk.queue("ql", ENGINEER, 10)) == 1
    with pytest.raises(Forbidden):
        f.desk.queue("ql", CLIENT, 10)
    with pytest.raises(NotFound):
        f.desk.queue("nowhere", OPERATOR, 10)


def test_action_uses_the_site_configuration_at_the_time_of_the_action(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    f.sites.sites["ql"] = make_site(arrival_minutes={"A": 2})
    dispatched = f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1), OPERATOR)
    assert dispatched.arrival_due == (T0 + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_transition_writes_its_clocks_with_the_ticket_and_a_refused_one_writes_none(f: Fixture) -> None:
    opened = f.desk.open(staff_request(Kind.REPAIR), OPERATOR)
    assert f.clocks.clocks == {}
    dispatched = f.desk.act(opened.ticket.ticket_id, "dispatch", command("dispatch", opened.ticket.version), OPERATOR)
    written = f.clocks.of_subject(SubjectType.TICKET, dispatched.ticket_id)
    assert {k: c.state for k, c in written.items()} == {
        ClockKind.ARRIVAL: ClockState.RUNNING,
        ClockKind.COMPLETION: ClockState.RUNNING,
    }
    with pytest.raises(VersionConflict):
        f.desk.act(dispatched.ticket_id, "arrive", command("arrive", dispatched.version - 1), ENGINEER)
    assert f.clocks.of_subject(SubjectType.TICKET, dispatched.ticket_id) == written
    f.clock.advance(minutes=2)
    f.desk.act(dispatched.ticket_id, "arrive", command("arrive", dispatched.version), ENGINEER)
    arrival = f.clocks.of_subject(SubjectType.TICKET, dispatched.ticket_id)[ClockKind.ARRIVAL]
    assert (arrival.state, arrival.early_seconds) == (ClockState.MET, 180)


class CountingRoster(FixedRoster):
    def __init__(self) -> None:
        super().__init__("eng1")
        self.asked: list[str] = []

    def engineers(self, site_id: str) -> frozenset[str]:
        self.asked.append(site_id)
        return super().engineers(site_id)


def test_the_desk_reads_the_sites_engineers_for_the_actions_that_name_one(f: Fixture) -> None:
    roster = CountingRoster()
    f.desk = Desk(f.tickets, f.sites, f.clock, ClockPlanner(f.clocks, f.clocks), roster)
    ticket = f.desk.open(staff_request(), OPERATOR).ticket
    with pytest.raises(InvalidInput) as refused:
        f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1, assignee="eng2"), OPERATOR)
    assert refused.value.field == "assignee"
    assert len(f.tickets.timeline(ticket.ticket_id)) == 1  # nothing written
    f.desk.act(ticket.ticket_id, "dispatch", command("dispatch", 1), OPERATOR)
    f.desk.act(ticket.ticket_id, "arrive", command("arrive", 2), ENGINEER)
    assert roster.asked == ["ql", "ql"]  # the two dispatches, not the arrival


def test_notes_and_replies_write_the_timeline_and_no_clock(f: Fixture) -> None:
    opened = f.desk.open(staff_request(Kind.REPAIR, contact_email="tenant@example.org"), OPERATOR)
    ticket_id = opened.ticket.ticket_id
    dispatched = f.desk.act(ticket_id, "dispatch", command("dispatch", 1), OPERATOR)
    clocks = f.clocks.of_subject(SubjectType.TICKET, ticket_id)
    f.clock.advance(minutes=1)
    noted = f.desk.say(ticket_id, "note", cmd.Said(version=2, text="门禁卡坏了，师傅需从侧门进"), ENGINEER)
    replied = f.desk.say(ticket_id, "message", cmd.Said(version=3, text="师傅十分钟内到。"), OPERATOR)
    answered = f.desk.answer_by_token(opened.tracking_token, cmd.Said(version=4, text="好的"))
    assert [t.version for t in (noted, replied, answered)] == [3, 4, 5]
    assert {t.status for t in (noted, replied, answered)} == {dispatched.status}
    assert (
        answered.arrival_due == dispatched.arrival_due and f.clocks.of_subject(SubjectType.TICKET, ticket_id) == clocks
    )
    assert [e.action for e in f.tickets.timeline(ticket_id)][-3:] == ["note", "message", "answer"]
    assert f.tickets.notices == [(ticket_id, "message", 4)]  # only the reply is mailed


def test_a_refused_note_writes_nothing(f: Fixture) -> None:
    ticket = f.desk.open(staff_request(Kind.INQUIRY), OPERATOR).ticket
    with pytest.raises(VersionConflict):
        f.desk.say(ticket.ticket_id, "note", cmd.Said(version=2, text="x"), OPERATOR)
    with pytest.raises(Forbidden):
        f.desk.say(ticket.ticket_id, "message", cmd.Said(version=1, text="x"), ENGINEER)
    with pytest.raises(NotFound):
        f.desk.answer_by_token("not-a-token-of-anyone", cmd.Said(version=1, text="x"))
    assert len(f.tickets.timeline(ticket.ticket_id)) == 1 and f.tickets.get(ticket.ticket_id) == ticket
    assert f.tickets.notices == []
