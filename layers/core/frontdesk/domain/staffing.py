"""A site's roster: who is on it, who is an engineer, who is busy. Pure: the people come in as values.

The user pool is the one list of staff (docs/decisions/0016-every-ticket-can-always-move.md): a
person's roles are their groups, their site the ``custom:site_id`` attribute. User names are
compared without case, as the pool signs people in (``CaseSensitive: false``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from frontdesk.models.staff import Person, PersonView
from frontdesk.models.ticket import TERMINAL, Role, Ticket


def on_site(people: Iterable[Person], site_id: str) -> list[Person]:
    return [person for person in people if person.site_id == site_id]


def engineers(people: Iterable[Person], site_id: str) -> frozenset[str]:
    return holding(people, site_id, {Role.ENGINEER})


def holding(people: Iterable[Person], site_id: str, roles: Collection[Role]) -> frozenset[str]:
    """The user names of the site's people who hold any of ``roles``."""
    return frozenset(p.username for p in on_site(people, site_id) if set(p.roles) & set(roles))


def named(roster: Collection[str], name: str) -> str | None:
    """The roster's spelling of `name`, or None when nobody on it is called that."""
    wanted = name.strip().casefold()
    return next((username for username in roster if username.casefold() == wanted), None)


def workload(tickets: Iterable[Ticket]) -> Counter[str]:
    """Open tickets per assignee (user names folded to lower case)."""
    return Counter(
        t.assignment.assignee.casefold() for t in tickets if t.assignment is not None and t.status not in TERMINAL
    )


def _matches(person: Person, role: Role | None, q: str) -> bool:
    if role is not None and role not in person.roles:
        return False
    if not q:
        return True
    text = " ".join((person.username, person.name, person.phone, person.department or "")).casefold()
    return q.strip().casefold() in text


def directory(
    people: Iterable[Person], site_id: str, open_tickets: Iterable[Ticket], role: Role | None = None, q: str = ""
) -> list[PersonView]:
    """The site's people who match, least busy first (the one to dispatch to is on top), then by name."""
    load = workload(open_tickets)
    found = [
        PersonView(**p.model_dump(), open_tickets=load[p.username.casefold()], busy=load[p.username.casefold()] > 0)
        for p in on_site(people, site_id)
        if _matches(p, role, q)
    ]
    return sorted(found, key=lambda view: (view.open_tickets, view.name.casefold(), view.username))
