"""moto's state as the template provisioned it, kept once and put back for each test.

Provisioning the template through moto's API (tables, indexes, stream, queues, topic, user pool,
groups, state machines) costs 0.3–1 s of CPU; nearly 500 tests need it. A snapshot keeps a deep
copy of every moto backend's state (each account's and region's backend `__dict__`, copied in one
pass so that references between them stay references), and `restore()` copies it again into the
backends of the running `mock_aws`: every test starts from the same freshly provisioned state in
~20 ms, and nothing a test writes reaches the next one. moto's own classes hold the state, so the
code under test sees exactly what provisioning made.

moto's backends hold plain data, except SQS queues, which hold a Condition for their waiting
receivers: each copy gets a new one. A future moto that keeps another lock in its state makes the
copy raise TypeError, in every test that uses it, never a silent share.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend


@dataclass(frozen=True)
class _Place:
    """Where one backend lives: moto's dict of a service, an account, a region."""

    service: BackendDict[Any]
    account_id: str
    region: str
    captured: BaseBackend  # the backend the state was taken from: the copies refer to it


def _copied(states: list[dict[str, Any]], backends: dict[int, BaseBackend]) -> list[dict[str, Any]]:
    """A deep copy of the states in which each captured backend stands for the one given."""
    memo: dict[int, Any] = dict(backends)
    for state in states:
        for queue in state.get("queues", {}).values():
            lock = getattr(queue, "_messages_lock", None)
            if lock is not None:
                memo[id(lock)] = threading.Condition()
    return copy.deepcopy(states, memo)


def _services_in_use() -> list[BackendDict[Any]]:
    instances: list[BackendDict[Any]] = BackendDict._instances  # type: ignore[misc]  # moto keeps no public list
    return list(instances)


class MotoSnapshot:
    """The state of every moto backend in use when it is made (inside `mock_aws`)."""

    def __init__(self) -> None:
        self._places = [
            _Place(service, account_id, region, backend)
            for service in _services_in_use()
            for account_id, regions in service.items()
            for region, backend in regions.items()
        ]
        self._states = _copied(
            [place.captured.__dict__ for place in self._places],
            {id(place.captured): place.captured for place in self._places},
        )

    def restore(self) -> None:
        """Puts the state back into the backends of the `mock_aws` now running."""
        live = [place.service[place.account_id][place.region] for place in self._places]
        states = _copied(
            self._states, {id(place.captured): backend for place, backend in zip(self._places, live, strict=True)}
        )
        for backend, state in zip(live, states, strict=True):
            backend.__dict__ = state
