"""Many rungs of one site reached at once (one power cut, many tickets) mail each list once.

The rungs a stream batch brings are gathered per site and mailing list: a group of one is the
ordinary escalation mail, a larger group one digest listing every ticket (at most
`DIGEST_MAX_TICKETS` a mail, so a digest stays readable). A rung named twice (the same ticket,
clock and level) is listed once. Nothing waits for the group: its mail goes out when the batch
that brought its rungs is handled, so no rung is mailed before it was reached
(docs/decisions/0026).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Final, TypeVar

DIGEST_MAX_TICKETS: Final = 100

T = TypeVar("T")


def digests(owed: Sequence[T], audience: Callable[[T], Hashable], rung: Callable[[T], Hashable]) -> list[list[T]]:
    """The mails to send: `owed` grouped by `audience` (site and list) in first-seen order, each rung
    once, cut into mails of at most `DIGEST_MAX_TICKETS`."""
    groups: dict[Hashable, list[T]] = {}
    seen: set[Hashable] = set()
    for item in owed:
        if (key := rung(item)) in seen:
            continue
        seen.add(key)
        groups.setdefault(audience(item), []).append(item)
    return [
        group[start : start + DIGEST_MAX_TICKETS]
        for group in groups.values()
        for start in range(0, len(group), DIGEST_MAX_TICKETS)
    ]
