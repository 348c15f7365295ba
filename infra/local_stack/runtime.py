"""The template's functions, run in this process the way Lambda runs them.

Each function is one warm container: its handler module is imported once from the file the
template names (under a unique module name, so two functions' ``app.py`` never collide) and it
serves one invocation at a time (a lock per function), because handler modules keep per-request
state in module globals exactly as they may on Lambda. Events and results are passed through JSON
as Lambda does, so a handler cannot get or return anything Lambda could not carry.
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

from local_stack import calls
from local_stack.template import REPO_ROOT, Handler, Template, function_properties, functions

log = logging.getLogger("local_stack")

DEFAULT_TIMEOUT_SECONDS: Final = 3
DEFAULT_MEMORY_MB: Final = 128


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
    _module: ModuleType | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    invocations: int = 0
    errors: int = 0
    billed_ms: int = 0  # Lambda bills each invocation's duration rounded up to the millisecond

    @property
    def file(self) -> Path:
        return self.handler.file(self.root)

    def exists(self) -> bool:
        return self.file.is_file()

    def _load(self) -> Callable[[Any, Any], Any]:
        if self._module is None:
            if not self.exists():
                raise FunctionMissingError(self.logical_id, "HandlerNotFound", f"{self.handler.path} does not exist")
            module_name = f"local_stack_functions.{self.logical_id}"
            spec = importlib.util.spec_from_file_location(module_name, self.file)
            if spec is None or spec.loader is None:
                raise FunctionMissingError(self.logical_id, "HandlerNotFound", f"cannot load {self.handler.path}")
            module = importlib.util.module_from_spec(spec)
            with _code_dir_on_path(self.file.parent):
                sys.modules[module_name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules[module_name]
                    raise
            self._module = module
        handler = getattr(self._module, self.handler.name, None)
        if not callable(handler):
            raise FunctionMissingError(
                self.logical_id, "HandlerNotFound", f"{self.handler.path} has no {self.handler.name}()"
            )
        return handler  # type: ignore[no-any-return]

    def warm(self) -> None:
        """Import the handler now (a cold start at launch rather than on the first request)."""
        with self._lock:
            self._load()

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

    def invoke(self, event: Mapping[str, Any]) -> Any:
        """Call the handler with a JSON copy of `event`; its JSON-serialisable result, or FunctionError."""
        payload = json.loads(json.dumps(event))
        with self._lock:
            self.invocations += 1
            started = time.monotonic()
            try:
                handler = self._load()
                with calls.inside(self.logical_id):
                    result = handler(payload, self.context())
            except FunctionError:
                self.errors += 1
                raise
            except Exception as error:  # a handler error is data here, as it is for Lambda
                self.errors += 1
                log.error("%s failed:\n%s", self.logical_id, traceback.format_exc().rstrip())
                raise FunctionError(self.logical_id, type(error).__name__, str(error)) from error
            elapsed = time.monotonic() - started
            self.billed_ms += math.ceil(elapsed * 1000)
            if elapsed > self.timeout:
                # A thread cannot be stopped, but the caller gets what Lambda would have answered.
                self.errors += 1
                message = f"Task timed out after {self.timeout:.2f} seconds (took {elapsed:.2f} s locally)"
                log.error("%s: %s", self.logical_id, message)
                raise FunctionError(self.logical_id, "Sandbox.Timedout", message)
        try:
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as error:
            self.errors += 1
            raise FunctionError(self.logical_id, "Runtime.MarshalError", str(error)) from error


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
    template: Template, stack_name: str, region: str, account_id: str, root: Path = REPO_ROOT
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
        )
    return found
