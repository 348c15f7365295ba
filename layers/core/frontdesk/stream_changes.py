"""Ticket changes on the table stream, as (old, new) tickets: the SLA timer and its notifications
react to these (pure; the images are the stream's, nothing is read)."""

from __future__ import annotations

from typing import Any

from frontdesk.adapters.stream_images import from_image
from frontdesk.models.ticket import Ticket

_KEYS = frozenset({"PK", "SK", "type"})


def _ticket(image: dict[str, Any] | None) -> Ticket | None:
    if not image:
        return None
    item = from_image(image)
    if item.get("type") != "ticket":
        return None
    return Ticket.model_validate({k: v for k, v in item.items() if k not in _KEYS and not k.startswith("GSI")})


def ticket_change(
    event_name: str, old_image: dict[str, Any] | None, new_image: dict[str, Any] | None
) -> tuple[Ticket | None, Ticket] | None:
    """A ticket written (INSERT or MODIFY) with what it was before; None for every other record."""
    if event_name not in {"INSERT", "MODIFY"}:
        return None
    new = _ticket(new_image)
    if new is None:
        return None
    return _ticket(old_image), new
