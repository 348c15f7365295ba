"""The template's functions, run in this process the way Lambda runs them.

Each function is a small pool of warm containers, as Lambda scales a function out: up to
``concurrency`` invocations run at once, each in a container of its own, and an invocation that
finds every container busy waits for one (a burst queues; it is never refused here). A container
is the handler module imported once from the file the template names (under a unique module name,
so two functions' ``app.py`` never collide) together with its own copy of the function folder's
modules, because handler modules keep per-request state in module globals exactly as they may on
Lambda (powertools' resolver holds the current event). The layer (``frontdesk``) is shared, as
every container of a real function has the same /opt, but what it builds and keeps for a container
(``frontdesk.wiring``: boto3 clients and resources, stores, use cases) is built per container.
Events and results are passed through JSON as Lambda does, so a handler cannot get or return
anything Lambda could not carry.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from frontdesk import wiring
from local_stack import calls
from local_stack.template import REPO_ROOT, Handler, Template, function_properties, functions

log = logging.getLogger("local_stack")

DEFAULT_TIMEOUT_SECONDS: Final = 3
DEFAULT_MEMORY_MB: Final = 128
# Containers per function (Lambda would scale further; locally every container shares 2 cores).
DEFAULT_CONCURRENCY: Final = 4


class FunctionError(Exception):
    """The handler raised, or returned something Lambda could not serialise (an "Unhandled" error)."""

    def __init__(self, function: str, error_type: str, message: str) -> None:
        super().__init__(f"{function}: {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.message = message


class FunctionMissingError(FunctionError):
    """The template names a handler file that does not exist (yet)."""


@dataclass
class LambdaContext:
    """What Lambda passes as `context` (the attributes powertools and handlers read)."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float = field(repr=False)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


# One warm container: its own import of the handler module, bound to its own copies of the folder's modules.
_Container = ModuleType


@dataclass
class Function:
    """One function of the template, loadable and invocable in-process."""

    logical_id: str
    name: str
    arn: str
    handler: Handler
    timeout: int
    memory: int
    root: Path = REPO_ROOT
    concurrency: int = DEFAULT_CONCURRENCY
    _idle: list[_Container] = field(default_factory=list, repr=False)
    _containers: int = field(default=0, repr=False)
    _starting: int = field(default=0, repr=False)  # containers being imported
    _loading: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _free: threading.Condition = field(default_factory=threading.Condition, repr=False)
    invocations: int = 0
    errors: int = 0
    billed_ms: int = 0  # Lambda bills each invocation's duration rounded up to the millisecond
    busy_peak: int = 0  # the most invocations that ran at once

    @property
    def file(self) -> Path:
        return self.handler.file(self.root)

    def exists(self) -> bool:
        return self.file.is_file()

    @property
    def containers(self) -> int:
        return self._containers

    def _import(self, number: int) -> _Container:
        """A new container: the handler module and fresh copies of its folder's modules.

        The folder's modules already imported (by an earlier container) are set aside while this
        one imports, so ``import pages`` in its app.py binds a copy of its own; afterwards the
        first container's modules are put back under their names."""
        if not self.exists():
            raise FunctionMissingError(self.logical_id, "HandlerNotFound", f"{self.handler.path} does not exist")
        suffix = "" if number == 0 else f"#{number}"
        module_name = f"local_stack_functions.{self.logical_id}{suffix}"
        spec = importlib.util.spec_from_file_location(module_name, self.file)
        if spec is None or spec.loader is None:
            raise FunctionMissingError(self.logical_id, "HandlerNotFound", f"cannot load {self.handler.path}")
        module = importlib.util.module_from_spec(spec)
        siblings = [path.stem for path in self.file.parent.glob("*.py") if path != self.file]
        set_aside = {name: sys.modules.pop(name) for name in siblings if name in sys.modules} if number else {}
        with _code_dir_on_path(self.file.parent):
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
            finally:
                if number:
                    for name in siblings:
                        sys.modules.pop(name, None)
                    sys.modules.update(set_aside)
        return module

    def _handler(self, container: _Container) -> Callable[[Any, Any], Any]:
        handler = getattr(container, self.handler.name, None)
        if not callable(handler):
            raise FunctionMissingError(
                self.logical_id, "HandlerNotFound", f"{self.handler.path} has no {self.handler.name}()"
            )
        return handler  # type: ignore[no-any-return]

    def _new_container(self) -> _Container:
        # One import at a time: imports of one folder's modules set sys.modules entries aside.
        with self._loading:
            try:
                container = self._import(self._containers)
            except FunctionError:
                raise
            except Exception as error:  # an import error is the invocation's error, as on Lambda
                log.error("%s failed to import:\n%s", self.logical_id, traceback.format_exc().rstrip())
                raise FunctionError(self.logical_id, type(error).__name__, str(error)) from error
            self._containers += 1
            return container

    def _acquire(self) -> _Container:
        """An idle container, a new one while the pool is below ``concurrency``, else the next freed."""
        with self._free:
            while not self._idle and self._containers + self._starting >= self.concurrency:
                self._free.wait()
            busy = self._containers + self._starting - len(self._idle) + 1
            self.busy_peak = max(self.busy_peak, busy)
            if self._idle:
                return self._idle.pop()
            self._starting += 1
        try:
            return self._new_container()
        finally:
            with self._free:
                self._starting -= 1
                self._free.notify()

    def _release(self, container: _Container) -> None:
        with self._free:
            self._idle.append(container)
            self._free.notify()

    def warm(self) -> None:
        """Import the handler now (a cold start at launch rather than on the first request)."""
        container = self._acquire()
        try:
            self._handler(container)
        finally:
            self._release(container)

    def context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self.name,
            function_version="$LATEST",
            invoked_function_arn=self.arn,
            memory_limit_in_mb=self.memory,
            aws_request_id=str(uuid.uuid4()),
            log_group_name=f"/aws/lambda/{self.name}",
            log_stream_name=f"local/[$LATEST]{uuid.uuid4().hex}",
            deadline=time.monotonic() + self.timeout,
        )

    def _count(self, *, error: bool = False, billed_ms: int = 0) -> None:
        with self._free:
            self.errors += int(error)
            self.billed_ms += billed_ms

    def invoke(self, event: Mapping[str, Any]) -> Any:
        """Call the handler with a JSON copy of `event`; its JSON-serialisable result, or FunctionError."""
        payload = json.loads(json.dumps(event))
        with self._free:
            self.invocations += 1
        try:
            container = self._acquire()
        except FunctionError:
            self._count(error=True)
            raise
        try:
            result = self._run(container, payload)
        finally:
            self._release(container)
        try:
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as error:
            self._count(error=True)
            raise FunctionError(self.logical_id, "Runtime.MarshalError", str(error)) from error

    def _run(self, container: _Container, payload: Any) -> Any:
        started = time.monotonic()
        try:
            handler = self._handler(container)
            # The layer's services are built per container, as on Lambda (frontdesk.wiring.CONTAINER)
            scope = wiring.CONTAINER.set(container)
            try:
                with calls.inside(self.logical_id):
                    result = handler(payload, self.context())
            finally:
                wiring.CONTAINER.reset(scope)
        except FunctionError:
            self._count(error=True)
            raise
        except Exception as error:  # a handler error is data here, as it is for Lambda
            self._count(error=True)
            log.error("%s failed:\n%s", self.logical_id, traceback.format_exc().rstrip())
            raise FunctionError(self.logical_id, type(error).__name__, str(error)) from error
        elapsed = time.monotonic() - started
        timed_out = elapsed > self.timeout
        self._count(error=timed_out, billed_ms=math.ceil(elapsed * 1000))
        if timed_out:
            # A thread cannot be stopped, but the caller gets what Lambda would have answered.
            message = f"Task timed out after {self.timeout:.2f} seconds (took {elapsed:.2f} s locally)"
            log.error("%s: %s", self.logical_id, message)
            raise FunctionError(self.logical_id, "Sandbox.Timedout", message)
        return result


@contextmanager
def _code_dir_on_path(directory: Path) -> Iterator[None]:
    """Like /var/task on Lambda: the function's own folder is importable while its module loads."""
    entry = str(directory)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with suppress(ValueError):
            sys.path.remove(entry)


def load_functions(
    template: Template,
    stack_name: str,
    region: str,
    account_id: str,
    root: Path = REPO_ROOT,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> dict[str, Function]:
    """Every serverless function of the template, by logical id (modules are imported on first use)."""
    found: dict[str, Function] = {}
    for logical_id, handler in functions(template).items():
        props = function_properties(template, logical_id)
        name = props.get("FunctionName")
        physical = name if isinstance(name, str) else f"{stack_name}-{logical_id}"
        found[logical_id] = Function(
            logical_id=logical_id,
            name=physical,
            arn=f"arn:aws:lambda:{region}:{account_id}:function:{physical}",
            handler=handler,
            timeout=int(props.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
            memory=int(props.get("MemorySize", DEFAULT_MEMORY_MB)),
            root=root,
            concurrency=_reserved(props.get("ReservedConcurrentExecutions"), concurrency),
        )
    return found


def _reserved(reserved: Any, concurrency: int) -> int:
    """The pool's size: ``concurrency``, or fewer when the template reserves fewer for the function."""
    if isinstance(reserved, int) and reserved > 0:
        return min(reserved, concurrency)
    return concurrency
