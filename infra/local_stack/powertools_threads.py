"""powertools' request state per thread, as each Lambda container has its own.

powertools keeps the request being resolved on the class ``BaseRouter`` (``BaseRouter.current_event``
and ``.lambda_context``): one per process. On Lambda that is one invocation's, since a container
process runs one invocation at a time. The local stack's containers are threads of one process
(runtime.Function's pool), so two invocations at once read each other's event: a route resolved
with another request's headers, path or Cognito claims (seen as an asset answered 304 with no body,
and possible for a caller's identity). Here both attributes are kept per thread: assigned on the
class (as ``resolve`` does) or read on the class or an instance, each thread sees its own. powertools'
code is not changed; installing twice is harmless.
"""

from __future__ import annotations

import threading
from abc import ABCMeta
from typing import Final

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

NAMES: Final = ("current_event", "lambda_context")
_state = threading.local()


def _per_thread(name: str) -> property:
    return property(lambda _owner: getattr(_state, name, None), lambda _owner, value: setattr(_state, name, value))


class _PerThreadState(ABCMeta):
    """BaseRouter's metaclass, with the two attributes as per-thread data descriptors on the class."""

    current_event = _per_thread("current_event")
    lambda_context = _per_thread("lambda_context")


def install() -> None:
    if type(BaseRouter) is _PerThreadState:
        return
    for name in NAMES:
        # an instance's reads (self.current_event): the same thread's value, from the class's dict
        # (set while the metaclass is still ABCMeta, which stores it there)
        setattr(BaseRouter, name, _per_thread(name))
    BaseRouter.__class__ = _PerThreadState  # type: ignore[method-assign,assignment]  # class-level reads and writes: the metaclass descriptors
