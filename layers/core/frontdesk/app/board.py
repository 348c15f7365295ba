"""The live board and "find anything": searches through the store's indexes, and what changed since
the last poll. Never a table scan (docs/decisions/0020)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from datetime import timedelta

from frontdesk.app.ports import SiteLookup, TicketSearch, require_site
from frontdesk.clock import Clock, parse_iso, to_iso
from frontdesk.domain.errors import Forbidden, InvalidInput
from frontdesk.domain.intake import site_day
from frontdesk.domain.permissions import may
from frontdesk.domain.search import Filters, board_order, matches, plan, unproven_terms
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor, Ticket
from frontdesk.models.views import Changes, SearchResults

# An index is eventually consistent, and a ticket's time is taken before its write commits: a poll
# reads again the last seconds before the time it was given, so a late-arriving change is not lost
# (the board keeps the newest version of each ticket, so reading one twice changes nothing).
POLL_OVERLAP = timedelta(seconds=5)
CHANGES_READ = 500


def encode_cursor(after: dict[str, str] | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(after, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, str] | None:
    """The key a cursor carries; a cursor that is not one of ours is refused as the field it is."""
    if not cursor:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(field="cursor") from error
    if not isinstance(after, dict) or not all(isinstance(v, str) for v in after.values()) or len(after) != 4:
        raise InvalidInput(field="cursor")
    return after


class Board:
    def __init__(self, tickets: TicketSearch, sites: SiteLookup, clock: Clock) -> None:
        self._tickets = tickets
        self._sites = sites
        self._clock = clock

    def search(
        self, site_id: str, filters: Filters, actor: Actor, limit: int, cursor: str = "", follow_up: bool = False
    ) -> SearchResults:
        """``follow_up``: only the work to follow up today, the site's today (frontdesk.domain.search)."""
        site = self._may_list(actor, site_id)
        after = decode_cursor(cursor)
        now = self._clock.now()
        if follow_up:
            filters = replace(filters, follow_up_by=site_day(site, now))

        def accept(ticket: Ticket) -> bool:
            return matches(ticket, filters, now) and self._tickets.has_terms(
                ticket.ticket_id, unproven_terms(ticket, filters)
            )

        found = self._tickets.search(site_id, plan(filters), accept, limit, after)
        return SearchResults(
            site_id=site_id, tickets=found.tickets, cursor=encode_cursor(found.after), items_read=found.read
        )

    def changes(self, site_id: str, since: str, actor: Actor) -> Changes:
        """Tickets written since ``since`` (a little before, see POLL_OVERLAP), open and closed, in
        the board's order; ``until`` is what to ask from next time."""
        self._may_list(actor, site_id)
        try:
            start = parse_iso(since) - POLL_OVERLAP
        except (ValueError, OverflowError) as error:  # not a date, or the year 1 (nothing before it)
            raise InvalidInput(field="since") from error
        written = self._tickets.changed_since(site_id, to_iso(start), CHANGES_READ)
        until = max([since, *(at for at, _ in written)])
        return Changes(site_id=site_id, tickets=board_order([ticket for _, ticket in written]), until=until)

    def now(self) -> str:
        """Where a board that has just read the queue polls from."""
        return to_iso(self._clock.now())

    def _may_list(self, actor: Actor, site_id: str) -> Site:
        if not may(actor, "list"):
            raise Forbidden(field="action", action="list")
        return require_site(self._sites, site_id)
