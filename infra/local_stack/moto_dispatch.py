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
from typing import Any

KEPT_HOSTS = 1024  # bounds the memory should hosts keep coming (an S3 bucket's virtual host each)
_original: Any = None
_lock = threading.Lock()


def install() -> None:
    global _original
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if _original is not None:
        return
    original = DomainDispatcherApplication.get_backend_for_host
    _original = original
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

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


def uninstall() -> None:
    global _original
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if _original is not None:
        DomainDispatcherApplication.get_backend_for_host = _original  # type: ignore[method-assign]
        _original = None
