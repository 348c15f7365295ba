"""A unit's tickets, open and closed, with the repeats found among them."""

from __future__ import annotations

from pydantic import BaseModel

from frontdesk.models.frozen import Frozen
from frontdesk.models.ticket import Kind, Ticket


class Repeat(Frozen):
    kind: Kind
    category: str
    count: int
    threshold: int


class UnitHistory(BaseModel):
    site_id: str
    building_id: str
    unit: str
    tickets: list[Ticket]
    repeats: list[Repeat]
