"""Application service: load, check, apply the domain rule, save. Storage comes in through the constructor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from frontdesk.app.clocks import ClockPlanner
from frontdesk.app.ports import EngineerRoster, NewTicketWrite, Sites, Tickets, require_site, require_ticket
from frontdesk.app.tokens import could_be_token, new_token, token_hash
from frontdesk.clock import Clock
from frontdesk.domain import apology, conversation, history, intake, lifecycle, linked, routing, search
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, Forbidden, NotFound
from frontdesk.domain.permissions import ASSIGNING, may
from frontdesk.models import commands as cmd
from frontdesk.models.clock import SubjectType
from frontdesk.models.history import UnitHistory
from frontdesk.models.identifiers import new_hex_id
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, ActorKind, Ticket, TimelineEvent
from frontdesk.models.views import LinkedTicket
from frontdesk.models.views import linked as linked_view

CLIENT = Actor(kind=ActorKind.CLIENT, id="client")
# A unit's page shows this many of its newest tickets (a quarter's repeats need far fewer).
UNIT_HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    tracking_token: str


def staff_actions(ticket: Ticket, actor: Actor) -> list[str]:
    """What the console offers this user on the ticket: its transitions, and raising a complaint's repair."""
    return [*lifecycle.allowed_actions(ticket, actor), *linked.offered(ticket, actor), *apology.offered(ticket, actor)]


class Desk:
    def __init__(
        self,
        tickets: Tickets,
        sites: Sites,
        clock: Clock,
        clocks: ClockPlanner,
        roster: EngineerRoster,
        new_id: Callable[[], str] = new_hex_id,
        new_token: Callable[[], str] = new_token,
    ) -> None:
        self._tickets = tickets
        self._sites = sites
        self._clock = clock
        self._clocks = clocks
        self._roster = roster
        self._new_id = new_id
        self._new_token = new_token

    def sites(self) -> list[Site]:
        return self._sites.all()

    def site(self, site_id: str) -> Site:
        return require_site(self._sites, site_id)

    def open(self, request: cmd.NewTicket | cmd.StaffNewTicket, actor: Actor, ticket_id: str | None = None) -> Opened:
        """A new ticket; with ``ticket_id`` (a keyed intake's), the one an earlier attempt of the same
        request already opened, if it did (with a fresh token: the store keeps only hashes)."""
        if actor.kind is ActorKind.STAFF and not may(actor, "intake"):
            raise Forbidden(field="action", action="intake")
        if ticket_id is not None and (earlier := self._tickets.get(ticket_id)) is not None:
            return Opened(earlier, self.reissue_token(ticket_id))
        site = self.site(request.site_id)
        now = self._clock.now()
        # Validate before taking a number, so refused input does not burn one.
        checked = intake.open_ticket(request, site, actor, now, "check", 0)
        seq = self._tickets.next_seq(site.site_id, checked.ticket.local_day)
        change = intake.open_ticket(request, site, actor, now, ticket_id or self._new_id(), seq)
        change = history.flag_repeat(change, self._repeat_of(change.ticket, now))
        token = self._new_token()
        acknowledge = intake.acknowledged(change.ticket)
        route = routing.routed(change.ticket)
        self._tickets.create(
            NewTicketWrite(change, token_hash(token), self._first_clock_writes(change.ticket, now), acknowledge, route)
        )
        return Opened(change.ticket, token)

    def _repeat_of(self, ticket: Ticket, now: datetime) -> int:
        """Counted through the unit-history index (GSI2) only for the kinds a repeat is counted for:
        a count of the quarter's tickets, not the unit's history (which grows with every ticket)."""
        if not history.counted(ticket):
            return 0
        earlier = self._tickets.count_at_unit(
            ticket.site_id, ticket.building_id, ticket.unit, ticket.kind, ticket.category, history.window_start(now)
        )
        return history.repeat_number(earlier, ticket.kind)

    def spawn_repair(self, complaint_id: str, command: cmd.LinkedRepair, actor: Actor) -> Ticket:
        """A repair the complaint needs, written with the complaint listing it (one transaction): the
        complaint as it is afterwards. The repair is dispatched like any other."""
        complaint = self._load(complaint_id)
        linked.check_may_link(complaint, command, actor)
        site = self.site(complaint.site_id)
        now = self._clock.now()
        linked.spawn_repair(complaint, command, site, actor, now, "check", 0)  # refused before a number is taken
        seq = self._tickets.next_seq(site.site_id, intake.site_day(site, now))
        repair, parent = linked.spawn_repair(complaint, command, site, actor, now, self._new_id(), seq)
        # A client who left an address gets the repair's number and its own tracking link (to accept it).
        token = self._new_token()
        writes = self._first_clock_writes(repair.ticket, now)
        new = NewTicketWrite(repair, token_hash(token), writes, intake.acknowledged(repair.ticket))
        self._tickets.create_linked(new, parent, complaint.version)
        return parent.ticket

    def linked_repairs(self, ticket: Ticket) -> list[LinkedTicket]:
        """Each repair a complaint spawned, as it stands now (at most linked.MAX_LINKED reads)."""
        found = (self._tickets.get(ticket_id) for ticket_id in ticket.linked_repairs)
        return [linked_view(repair) for repair in found if repair is not None]

    def reissue_token(self, ticket_id: str) -> str:
        """Another tracking token for an existing ticket (an intake replay); the earlier ones keep working."""
        self._load(ticket_id)
        token = self._new_token()
        self._tickets.add_token(ticket_id, token_hash(token))
        return token

    def act(self, ticket_id: str, action: str, command: cmd.Versioned, actor: Actor) -> Ticket:
        return self._apply(self._load(ticket_id), action, command, actor)

    def act_by_token(self, token: str, action: str, command: cmd.Versioned) -> Ticket:
        return self._apply(self._by_token(token), action, command, CLIENT)

    def say(self, ticket_id: str, action: str, command: cmd.Said, actor: Actor) -> Ticket:
        """A note or a reply to the tenant (frontdesk.domain.conversation): the ticket one version
        on, its status and clocks untouched; a reply to a tenant with an address is owed by mail."""
        return self._say(self._load(ticket_id), action, command, actor)

    def answer_by_token(self, token: str, command: cmd.Said) -> Ticket:
        """The tenant's answer from the tracking page."""
        return self._say(self._by_token(token), "answer", command, CLIENT)

    def _say(self, ticket: Ticket, action: str, command: cmd.Said, actor: Actor) -> Ticket:
        now = self._clock.now()
        change = conversation.write(ticket, action, command, actor, now)
        notice = conversation.REPLY if conversation.mailed(ticket, change) else ""
        # a reply on the thread may meet the reply clock: written with it, as any milestone is; a
        # note's or a reply's words find the ticket: its term items are written with the event
        writes = self._clock_writes(change.ticket, now) if conversation.meets_reply_clock(ticket, action) else []
        terms = tuple(search.text_terms(action, command.text))
        self._tickets.save(replace(change, notice=notice, terms=terms), ticket.version, writes)
        return change.ticket

    def read(self, ticket_id: str, actor: Actor) -> tuple[Ticket, list[TimelineEvent], list[str]]:
        if not may(actor, "read"):
            raise Forbidden(field="action", action="read")
        ticket = self._load(ticket_id)
        return ticket, self._tickets.timeline(ticket_id), staff_actions(ticket, actor)

    def read_by_token(self, token: str) -> tuple[Ticket, list[TimelineEvent], list[str]]:
        ticket = self._by_token(token)
        return ticket, self._tickets.timeline(ticket.ticket_id), lifecycle.allowed_actions(ticket, CLIENT)

    def queue(self, site_id: str, actor: Actor, limit: int) -> list[Ticket]:
        if not may(actor, "list"):
            raise Forbidden(field="action", action="list")
        self.site(site_id)
        return self._tickets.open_by_deadline(site_id, limit)

    def unit_history(self, site_id: str, building_id: str, unit: str, actor: Actor) -> UnitHistory:
        """Every ticket of one unit, newest first, open and closed, with the repeats among them."""
        if not may(actor, "list"):
            raise Forbidden(field="action", action="list")
        if self.site(site_id).building(building_id) is None:
            raise NotFound(field="building_id", code=ErrorCode.UNKNOWN_BUILDING)
        tickets = self._tickets.by_unit(site_id, building_id, unit, UNIT_HISTORY_LIMIT)
        return UnitHistory(
            site_id=site_id,
            building_id=building_id,
            unit=unit,
            tickets=tickets,
            repeats=history.repeats(tickets, self._clock.now()),
        )

    def _apply(self, ticket: Ticket, action: str, command: cmd.Versioned, actor: Actor) -> Ticket:
        now = self._clock.now()
        # Work is given only to the site's engineers: their list is read for the actions that name one.
        engineers = self._roster.engineers(ticket.site_id) if action in ASSIGNING else None
        change = lifecycle.apply(ticket, action, command, actor, self.site(ticket.site_id), now, engineers)
        self._tickets.save(change, ticket.version, self._clock_writes(change.ticket, now))
        return change.ticket

    def _clock_writes(self, ticket: Ticket, now: datetime) -> list[ClockWrite]:
        return self._clocks.writes(SubjectType.TICKET, ticket.ticket_id, ticket.site_id, ticket, now)

    def _first_clock_writes(self, ticket: Ticket, now: datetime) -> list[ClockWrite]:
        return self._clocks.first_writes(SubjectType.TICKET, ticket.ticket_id, ticket.site_id, ticket, now)

    def _load(self, ticket_id: str) -> Ticket:
        return require_ticket(self._tickets, ticket_id)

    def _by_token(self, token: str) -> Ticket:
        ticket_id = self._tickets.ticket_id_for(token_hash(token)) if could_be_token(token) else None
        if ticket_id is None:
            raise NotFound(field="token", code=ErrorCode.TICKET_NOT_FOUND)
        return self._load(ticket_id)
