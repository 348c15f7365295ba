"""A unit's tickets, open and closed, with the repeats found among them."""

from __future__ import annotations

from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.ticket import Kind, Ticket


class Repeat(Frozen):
    kind: Kind
    category: str
    count: int
    threshold: int


class UnitHistory(Model):
    site_id: str
    building_id: str
    unit: str
    tickets: list[Ticket]
    repeats: list[Repeat]
