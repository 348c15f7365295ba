"""moto's server finds a request's backend once per host, not once per request.

moto 5.2.5's `DomainDispatcherApplication.get_backend_for_host` lists moto's package directory
(`os.listdir` and an `isdir` for each of some 200 services) and then tries every backend's URL
pattern, on every request: 0.15 ms a request, a dozen requests a ticket. What it answers depends
on the host alone (the directory and the patterns do not change while the server runs), so each
host's answer is kept.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from local_stack.method_patch import MethodPatch

KEPT_HOSTS = 1024  # bounds the memory should hosts keep coming (an S3 bucket's virtual host each)
_lock = threading.Lock()


def _dispatcher() -> type:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    return DomainDispatcherApplication


_patch = MethodPatch(_dispatcher, "get_backend_for_host")


def _kept(original: Callable[..., Any]) -> Callable[..., Any]:
    found: dict[str | None, Any] = {}

    @functools.wraps(original)
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        try:
            return found[host]
        except KeyError:
            backend = original(self, host)
            with _lock:
                if len(found) < KEPT_HOSTS:
                    found[host] = backend
            return backend

    return get_backend_for_host


def install() -> None:
    _patch.install(_kept)


def uninstall() -> None:
    _patch.uninstall()
