"""What the service needs from storage; adapters/dynamodb.py provides it on AWS and on moto alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.lifecycle import Change
from frontdesk.models.site import Site
from frontdesk.models.ticket import Ticket, TimelineEvent


class Tickets(Protocol):
    def next_seq(self, site_id: str, day: str) -> int: ...
    def create(self, change: Change, token_hash: str, clocks: Sequence[ClockWrite] = ()) -> None: ...
    def save(self, change: Change, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None: ...
    def get(self, ticket_id: str) -> Ticket | None: ...
    def timeline(self, ticket_id: str) -> list[TimelineEvent]: ...
    def ticket_id_for(self, token_hash: str) -> str | None: ...
    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]: ...


class Sites(Protocol):
    def get(self, site_id: str) -> Site | None: ...
    def all(self) -> list[Site]: ...


class MailRefused(Exception):
    """The mail service refused a message for good (a malformed or rejected address): a retry
    cannot help, so the notification is recorded as failed instead (frontdesk.notifications)."""
