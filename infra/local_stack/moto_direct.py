"""The stack's own AWS calls reach moto's application in this process, not through a socket.

The functions, the stream pollers and the Step Functions executions run in the process that serves
moto. Each call went through urllib3 to 127.0.0.1:<moto port>, where a werkzeug server thread parsed
the HTTP and ran moto's WSGI application. botocore does everything it does on AWS (parameters,
serialisation, signing, retries, parsing) up to its `before-send` event, where moto's own in-process
mock also takes over; here the prepared request is handed, as the server would hand it, to the same
application object the server runs. Measured (PutItem + GetItem in a loop, one client): 2.4-3.3 ms
of CPU a call over the socket, 1.3-1.4 ms handed over here (docs/decisions/0030).

Only requests for moto's own address are taken; anything else goes out as before. Clients outside
this process (a browser's upload, the bench's PutItem floor) still use the server.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from io import BytesIO
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSResponse

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost")
_INTERNAL_ERROR = b"Internal Server Error"


class _Body(BytesIO):
    """What botocore reads an answer from: `stream()` for a whole body, `read()` for a streamed one."""

    def stream(self, **_: Any) -> Iterable[bytes]:
        chunk = self.read()
        if chunk:
            yield chunk


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body.read())  # a file-like body (an upload)


def _environ(method: str, url: str, headers: Any, body: bytes, port: int) -> dict[str, Any]:
    """What werkzeug's server (moto's MotoRequestHandler) makes of the same request."""
    from moto.core.request import (
        PRESERVED_HEADER_NAMES_ENVIRON_KEY,
        environ_key_for_header,
        should_preserve_original_header_name,
    )

    parts = urlsplit(url)
    raw_path = parts.path or "/"
    request_uri = f"{raw_path}?{parts.query}" if parts.query else raw_path
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        # the server unquotes the path and hands it on in WSGI's latin-1 form
        "PATH_INFO": unquote(raw_path).encode("utf-8").decode("latin-1"),
        "QUERY_STRING": parts.query.encode("utf-8").decode("latin-1"),
        "REQUEST_URI": request_uri,
        "RAW_URI": request_uri,
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    preserved: dict[str, str] = {}
    for name, raw_value in headers.items():
        value = raw_value.decode("latin-1") if isinstance(raw_value, bytes) else str(raw_value)
        if "_" in name:  # the server drops these, and moto puts back only S3 metadata's
            if not should_preserve_original_header_name(name):
                continue
            preserved.setdefault(environ_key_for_header(name), name)
        environ[environ_key_for_header(name)] = value.replace("\r\n", "")
    environ.setdefault("HTTP_HOST", parts.netloc)
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = preserved
    environ["CONTENT_LENGTH"] = str(len(body))  # the whole body is here (botocore always knows its length)
    return environ


class InProcessMoto:
    """A `before-send` handler: a request for moto's address is answered by moto's application."""

    def __init__(self, app: Any, port: int) -> None:
        self._app = app
        self._port = port
        self._netlocs = frozenset(f"{name}:{port}" for name in LOOPBACK_NAMES)

    def takes(self, url: str) -> bool:
        return urlsplit(url).netloc in self._netlocs

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if not self.takes(request.url):
            return None
        environ = _environ(request.method, request.url, request.headers, _body_bytes(request.body), self._port)
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return written.append

        written: list[bytes] = []
        try:
            result = self._app(environ, start_response)
            try:
                written.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:  # the server answers 500 and logs it; botocore retries a 500 as over the wire
            log.exception("moto failed on %s %s", request.method, request.url)
            return _response(
                request.url, "500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")], _INTERNAL_ERROR
            )
        status, headers = started
        return _response(request.url, status, headers, b"".join(written))


def _response(url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> AWSResponse:
    # botocore keeps the headers in its case-insensitive HeadersDict, whatever mapping it is given
    return AWSResponse(url, int(status.split(" ", 1)[0]), cast(Any, headers), _Body(body))


def install(events: Any, app: Any, port: int) -> InProcessMoto:
    """`events`: a session's event hooks, before its clients are made (a client copies them then)."""
    handler = InProcessMoto(app, port)
    events.register_first("before-send", handler)
    return handler
