"""moto's Step Functions executions on a few scheduler threads, not two threads per execution.

moto 5.2.5 gives every execution a thread of its own (`ExecutionWorker.start`) and its program a
second one (`Program.eval` joins it to enforce the machine's TimeoutSeconds). A clock execution
spends nearly all its life in a Wait state, so 1,000 running clocks held 2,000 sleeping threads
(bench/clocks.py: 8 → 809 threads for 200 clocks), each with its own stack.

Here each execution runs as a greenlet on one of `HUBS` scheduler threads. A Wait parks its
greenlet on the hub's timer heap (`sleep`) and frees the thread for the others; the hub resumes it
when its time comes, or at once when StopExecution is called. The interpreter itself is moto's,
unchanged: the same states, the same history, the same answers to the same boto3 calls. Only where
an execution waits differs, so what AWS promises about a wait - never before its time - is kept by
the clocks of `local_stack.timescale`, which decide how long each sleep is.

Left on moto's own threads: a program with `TimeoutSeconds` (its timer is a thread's join), the
branches of Parallel and Map states, and a Task's TimeoutSeconds (a short thread per task call).
A state machine's definition is parsed once per text instead of once per execution (the parsed
program holds no execution's state: every value lives in the execution's Environment), and a
Task's service call reuses one boto3 client per region, service and endpoint instead of making a
client per call (~15-30 ms each; a clock's rung makes two calls). botocore clients are thread-safe.
moto also parses every JSONPath (`$.key.PK`, ...) again at each use, building a new jsonpath_ng
parser each time: 14 % of the stack's CPU while 200 clocks reached their rung at once (py-spy,
docs/decisions/0026). A path is parsed once per text here; the parsed path is not changed by `find`.
"""

from __future__ import annotations

import functools
import heapq
import importlib
import itertools
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from greenlet import GreenletExit, greenlet

log = logging.getLogger("local_stack")

HUBS: Final = 4
PARSED_DEFINITIONS: Final = 64  # distinct definition texts kept parsed
PARSED_PATHS: Final = 4096  # distinct JSONPath texts kept parsed
# moto's modules that call jsonpath_ng's `parse` at each evaluation
_PATH_MODULES: Final = (
    "moto.stepfunctions.parser.asl.utils.json_path",
    "moto.stepfunctions.parser.asl.component.common.path.result_path",
)

_Work = Callable[[], Any]


class _Hub(threading.Thread):
    """One scheduler thread: runs executions' greenlets until they wait, then others, until woken."""

    def __init__(self, number: int) -> None:
        super().__init__(name=f"sfn-scheduler-{number}", daemon=True)
        self._inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._timers: list[tuple[float, int, greenlet]] = []
        self._parked: dict[greenlet, int] = {}  # greenlet → token of its current timer
        self._tokens = itertools.count()
        self._main: greenlet | None = None
        self.executions = 0  # in progress on this hub

    # -- from any thread

    def submit(self, work: _Work, started: Callable[[greenlet], None]) -> None:
        self._inbox.put(("start", (work, started)))

    def wake(self, execution: greenlet) -> None:
        self._inbox.put(("wake", execution))

    def close(self) -> None:
        self._inbox.put(("close", None))

    # -- from this hub's greenlets

    def owns_current(self) -> bool:
        return threading.current_thread() is self and greenlet.getcurrent() is not self._main

    def sleep(self, seconds: float) -> bool:
        """Park the calling execution for `seconds` (less if woken). False: keep the signature of
        `threading.Event.wait`, which is what moto's waits are given otherwise."""
        current = greenlet.getcurrent()
        token = next(self._tokens)
        self._parked[current] = token
        heapq.heappush(self._timers, (time.monotonic() + max(0.0, seconds), token, current))
        assert self._main is not None
        self._main.switch()
        return False

    # -- the loop

    def _resume(self, execution: greenlet) -> None:
        self._parked.pop(execution, None)
        execution.switch()

    def _start(self, work: _Work, started: Callable[[greenlet], None]) -> None:
        def body() -> None:
            self.executions += 1
            try:
                work()
            except GreenletExit:
                raise
            except Exception:
                log.exception("a Step Functions execution failed outside its program")
            finally:
                self.executions -= 1

        execution = greenlet(body, parent=self._main)
        started(execution)
        execution.switch()

    def run(self) -> None:
        self._main = greenlet.getcurrent()
        while True:
            timeout = max(0.0, self._timers[0][0] - time.monotonic()) if self._timers else None
            try:
                kind, item = self._inbox.get(timeout=timeout)
            except queue.Empty:
                kind, item = "", None
            if kind == "start":
                self._start(*item)
            elif kind == "wake" and item in self._parked:
                self._resume(item)
            elif kind == "close":
                for execution in list(self._parked):
                    self._parked.pop(execution, None)
                    execution.throw(GreenletExit)
                return
            now = time.monotonic()
            while self._timers and self._timers[0][0] <= now:
                _, token, execution = heapq.heappop(self._timers)
                if self._parked.get(execution) == token:
                    self._resume(execution)


_hubs: list[_Hub] = []
_next_hub = itertools.count()
_originals: dict[str, Any] = {}
_lock = threading.Lock()


def current_sleep() -> Callable[[float], Any] | None:
    """The sleep of the hub running the calling execution, or None on any other thread."""
    for hub in _hubs:
        if hub.owns_current():
            return hub.sleep
    return None


def running_executions() -> int:
    return sum(hub.executions for hub in _hubs)


def install(hubs: int = HUBS) -> None:
    """Run moto's Step Functions executions (in this process) on `hubs` scheduler threads."""
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
    from moto.stepfunctions.parser.asl.component.program.program import Program
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker, SyncExecutionWorker

    with _lock:
        if _hubs:
            return
        for number in range(hubs):
            hub = _Hub(number)
            hub.start()
            _hubs.append(hub)
    _originals.update(
        start=ExecutionWorker.start,
        stop=ExecutionWorker.stop,
        entrypoint=ExecutionWorker._get_evaluation_entrypoint,
        program_eval=Program.eval,
    )

    def start(self: Any) -> None:
        if isinstance(self, SyncExecutionWorker):
            _originals["start"](self)  # moto's synchronous (EXPRESS sync) path: the caller's thread
            return
        hub = _hubs[next(_next_hub) % len(_hubs)]

        def started(execution: greenlet) -> None:
            self._scheduled = (hub, execution)

        hub.submit(self._execution_logic, started)

    def stop(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = _originals["stop"](self, *args, **kwargs)
        scheduled = getattr(self, "_scheduled", None)
        if scheduled is not None:
            hub, execution = scheduled
            hub.wake(execution)  # a parked wait notices the stop now, not at its next slice
        return result

    @functools.lru_cache(maxsize=PARSED_DEFINITIONS)
    def parsed(definition: str) -> Any:
        return AmazonStateLanguageParser.parse(definition)[0]

    def entrypoint(self: Any) -> Any:
        return parsed(self._evaluation_details.state_machine_details.definition)

    def program_eval(self: Any, env: Any) -> None:
        if self.timeout_seconds is not None or current_sleep() is None:
            _originals["program_eval"](self, env)
            return
        # moto's Program.eval without its joining thread: no machine timeout to enforce
        env.next_state_name = self.start_at.start_at_name
        try:
            EvalComponent.eval(self, env)
        except Exception:
            # In moto an exception here ends only the program's own thread, and the execution still
            # terminates with the state its environment holds. Mostly a StopExecution that landed
            # between the program's "running?" and its first write: the execution is ABORTED, not
            # left RUNNING with nothing to run it.
            if env.is_running():
                log.exception("a Step Functions program failed outside its states")

    _share_task_clients()
    _parse_paths_once()
    ExecutionWorker.start = start  # type: ignore[method-assign]
    ExecutionWorker.stop = stop  # type: ignore[method-assign]
    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]
    Program.eval = program_eval  # type: ignore[method-assign]


def _share_task_clients() -> None:
    """Every module of moto's interpreter that imported `boto_client_for` gets the caching one."""
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = boto_client.boto_client_for
    _originals["boto_client_for"] = original
    clients: dict[tuple[Any, ...], Any] = {}
    made = threading.Lock()

    @functools.wraps(original)
    def shared(region: str, service: str, state_credentials: Any = None) -> Any:
        from moto.core.models import botocore_stubber
        from moto.settings import moto_server_port

        # what moto's own function decides the client by: in-process (stubbed) or this server's port
        key = (region, service, botocore_stubber.enabled, moto_server_port())
        with made:
            if key not in clients:
                clients[key] = original(region, service, state_credentials)
            return clients[key]

    _replace_everywhere(original, shared)


def _parse_paths_once() -> None:
    for name in _PATH_MODULES:
        module = importlib.import_module(name)
        original = module.parse
        _originals[f"parse:{name}"] = original
        module.parse = functools.lru_cache(maxsize=PARSED_PATHS)(original)  # type: ignore[attr-defined]


def _replace_everywhere(old: Any, new: Any) -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.stepfunctions.parser") and getattr(module, "boto_client_for", None) is old:
            module.boto_client_for = new  # type: ignore[attr-defined]


def uninstall() -> None:
    """Put moto's threads back; executions still parked are abandoned (as moto's daemon threads are)."""
    from moto.stepfunctions.parser.asl.component.program.program import Program
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    with _lock:
        hubs = list(_hubs)
        _hubs.clear()
    if not hubs:
        return
    ExecutionWorker.start = _originals.pop("start")  # type: ignore[method-assign]
    ExecutionWorker.stop = _originals.pop("stop")  # type: ignore[method-assign]
    ExecutionWorker._get_evaluation_entrypoint = _originals.pop("entrypoint")  # type: ignore[method-assign]
    Program.eval = _originals.pop("program_eval")  # type: ignore[method-assign]
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = _originals.pop("boto_client_for")
    _replace_everywhere(boto_client.boto_client_for, original)
    for name in _PATH_MODULES:
        importlib.import_module(name).parse = _originals.pop(f"parse:{name}")  # type: ignore[attr-defined]
    for hub in hubs:
        hub.close()
    for hub in hubs:
        hub.join(5)
