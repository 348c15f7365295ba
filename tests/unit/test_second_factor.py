"""The gate a manager's request passes when the deployment requires a second factor."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from frontdesk.app.second_factor import REMEMBER_SECONDS, SecondFactorGate
from frontdesk.domain.errors import SecondFactorRequired
from frontdesk.models.ticket import Actor, ActorKind, Role


@dataclass
class Directory:
    with_totp: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def has_totp(self, username: str) -> bool:
        self.asked.append(username)
        return username in self.with_totp


def _staff(username: str, *roles: Role) -> Actor:
    return Actor(kind=ActorKind.STAFF, id=username, roles=frozenset(roles))


def test_only_managers_are_asked_for_it_and_only_when_required() -> None:
    directory = Directory()
    SecondFactorGate(directory, required=False).check(_staff("m", Role.MANAGER))
    SecondFactorGate(directory, required=True).check(_staff("o", Role.OPERATOR, Role.DUTY_MANAGER))
    assert directory.asked == []
    with pytest.raises(SecondFactorRequired):
        SecondFactorGate(directory, required=True).check(_staff("m", Role.MANAGER, Role.OPERATOR))


def test_a_yes_is_remembered_for_a_tokens_life_and_a_no_never() -> None:
    now = [0.0]
    directory = Directory()
    gate = SecondFactorGate(directory, required=True, monotonic=lambda: now[0])
    manager = _staff("m", Role.MANAGER)
    for _ in range(2):
        with pytest.raises(SecondFactorRequired):
            gate.check(manager)
    assert directory.asked == ["m", "m"]
    directory.with_totp.add("m")
    gate.check(manager)
    gate.check(manager)
    assert directory.asked == ["m", "m", "m"]
    now[0] = REMEMBER_SECONDS + 1
    directory.with_totp.clear()  # turned off by an administrator: noticed once the token has expired
    with pytest.raises(SecondFactorRequired):
        gate.check(manager)
