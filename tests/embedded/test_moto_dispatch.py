"""moto's server finds each host's backend once (local_stack.moto_dispatch), and the same one moto finds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from local_stack import moto_dispatch

HOSTS = [
    "dynamodb.us-east-1.amazonaws.com",
    "streams.dynamodb.us-east-1.amazonaws.com",
    "sns.us-east-1.amazonaws.com",
    "moto_api",
    None,
]


@pytest.fixture
def dispatcher() -> Iterator[DomainDispatcherApplication]:
    yield DomainDispatcherApplication(create_backend_app)
    moto_dispatch.uninstall()


def test_each_host_is_looked_up_once_with_motos_answer(
    dispatcher: DomainDispatcherApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [dispatcher.get_backend_for_host(host) for host in HOSTS]
    assert expected[0] == "dynamodb"
    listed = 0
    original = backends.list_of_moto_modules

    def counted() -> object:
        nonlocal listed
        listed += 1
        return original()

    monkeypatch.setattr(backends, "list_of_moto_modules", counted)
    moto_dispatch.install()
    assert [dispatcher.get_backend_for_host(host) for host in HOSTS * 3] == expected * 3
    assert listed == 3  # the three AWS hosts once each (moto_api and None are answered before the listing)
