"""The demo's time scale: Step Functions waits pass N times faster, deadlines stay true.

moto runs state machines for real and its Wait states wait in real time, so a 5-minute arrival
SLA takes 5 minutes to escalate. With a scale N, each execution gets its own clock that runs at
real speed, except that a Wait state fast-forwards it: waiting W seconds of that clock takes
W/N real seconds, and afterwards the clock reads exactly the wait's end. Everything the state
machine reads as "now" - the Wait state's own comparison and ``$$.State.EnteredTime`` - comes
from that clock, so a conditional escalation written as ``deadline <= $$.State.EnteredTime``
holds after a scaled wait just as it does after a real one. Deadlines written by the API (a real
clock) are never touched; only times the state machine itself records come from its clock.

The same patch fixes two things moto gets wrong even at scale 1: it compares the (UTC) wait
timestamp with the *local* naive time, and it floors the remaining seconds, so it may wake up to
a second early. Here a wait never ends before its target on the execution's clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from local_stack import moto_scheduler

MAX_TRACKED_EXECUTIONS: Final = 10_000
# Longest single sleep: bounds how late a wait notices that it was woken for nothing.
_MAX_SLICE_SECONDS: Final = 1.0
# How often a wait on the manual clock looks at it again.
_MANUAL_POLL_SECONDS: Final = 0.05


def real_seconds(virtual_seconds: float, scale: float) -> float:
    """Real seconds to sleep for `virtual_seconds` to pass on a clock `scale` times faster.

    Rounded up to the millisecond: never short, so a scaled wait never wakes early.
    """
    if scale <= 0:
        raise ValueError("the time scale must be positive")
    if virtual_seconds <= 0:
        return 0.0
    return math.ceil(virtual_seconds * 1000 / scale) / 1000


def describe(scale: float) -> str:
    """One line for the start banner."""
    if scale == 1:
        return "time scale x1: Step Functions waits take real time."
    five_minutes = real_seconds(300, scale)
    return (
        f"time scale x{scale:g}: Step Functions waits run {scale:g} times faster "
        f"(a 5-minute SLA escalates after {five_minutes:g} s); deadlines stored on tickets are real times."
    )


class ScaledClock:
    """Per-execution clocks: real time plus whatever that execution's waits skipped."""

    def __init__(
        self,
        scale: float,
        real_time: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        """`real_time` and `sleep` stand in for the machine's clock in tests (a fake whose sleep moves
        its time); without `sleep`, a wait sleeps as its caller says (moto's, which a stop interrupts)."""
        if scale <= 0:
            raise ValueError("the time scale must be positive")
        self.scale = scale
        self._real_time = real_time
        self._sleep = sleep
        self._skipped: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def now(self, key: str) -> datetime:
        with self._lock:
            skipped = self._skipped.get(key, 0.0)
        return datetime.fromtimestamp(self._real_time() + skipped, UTC)

    def skip_to(self, key: str, target: datetime) -> None:
        """Move the execution's clock forward to `target` (never backward)."""
        with self._lock:
            needed = target.timestamp() - self._real_time()
            current = self._skipped.get(key, 0.0)
            if needed > current:
                self._skipped[key] = needed
                self._skipped.move_to_end(key)
                while len(self._skipped) > MAX_TRACKED_EXECUTIONS:
                    self._skipped.popitem(last=False)

    def wait_until(
        self,
        key: str,
        target: datetime,
        sleep: Callable[[float], Any],
        running: Callable[[], bool] = lambda: True,
    ) -> bool:
        """Sleep until the execution's clock reaches `target`, `scale` times faster than real time.

        `sleep(seconds)` may return early (an interrupt): the wait then goes on until its real
        end, unless `running()` turns false, in which case the wait is abandoned (False).
        On success the execution's clock reads at least `target` (True).
        """
        sleep = self._sleep or sleep
        virtual_remaining = (target - self.now(key)).total_seconds()
        real_end = self._real_time() + real_seconds(virtual_remaining, self.scale)
        while (left := real_end - self._real_time()) > 0:
            if not running():
                return False
            sleep(min(left, _MAX_SLICE_SECONDS))
        if not running():
            return False
        self.skip_to(key, target)
        return True


class ManualTime:
    """One virtual clock for the whole process that moves only when told (``advance``, ``set``):
    tests run the real state machine against it, so nothing depends on the machine's speed. A Wait
    ends when the clock reaches its target, and ``$$.State.EnteredTime`` reads this clock. It is
    also a ``frontdesk.clock.Clock`` for the services under test."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._changed = threading.Condition()
        self._targets: list[datetime] = []  # of the waits in progress

    def now(self, key: str = "") -> datetime:
        with self._changed:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._changed:
            self._now = max(self._now, moment.astimezone(UTC))
            self._changed.notify_all()

    def advance(self, **delta: float) -> datetime:
        self.set(self.now() + timedelta(**delta))
        return self.now()

    def wait_until(
        self, key: str, target: datetime, sleep: Callable[[float], Any], running: Callable[[], bool] = lambda: True
    ) -> bool:
        with self._changed:
            self._targets.append(target)
        try:
            while self.now() < target:
                if not running():
                    return False
                sleep(_MANUAL_POLL_SECONDS)  # moto's stop event, or the scheduler's park
        finally:
            with self._changed:
                self._targets.remove(target)
        return running()

    def blocked(self) -> int:
        """How many waits cannot end until the clock moves again: a wait whose target the clock has
        reached counts as running, even before its thread wakes up. Tests use it to know that every
        execution is parked, instead of guessing from a quiet moment."""
        with self._changed:
            return sum(1 for target in self._targets if target > self._now)


# ------------------------------------------------------------------------------------------- moto

_current: ScaledClock | ManualTime | None = None
_originals: dict[str, Any] = {}


def _execution_key(env: Any) -> str:
    try:
        return str(env.states.context_object.context_object_data["Execution"]["Id"])
    except (AttributeError, KeyError, TypeError):
        return f"env-{id(env)}"


def _clock() -> ScaledClock | ManualTime:
    if _current is None:
        raise RuntimeError("local_stack.timescale is not installed")
    return _current


def install(scale: float) -> ScaledClock:
    """Make moto's Step Functions (in this process) wait and read time on scaled per-execution clocks.

    Idempotent: calling it again replaces the scale. `uninstall` restores moto.
    """
    clock = ScaledClock(scale)
    install_clock(clock)
    return clock


def install_clock(clock: ScaledClock | ManualTime) -> None:
    """Make moto's Step Functions (in this process) wait and read time on `clock`."""
    global _current
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEventException
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

    _current = clock
    if _originals:
        return
    _originals["wait"] = WaitFunction._eval_body
    _originals["state_input"] = CommonStateField._eval_state_input

    def wait(self: Any, env: Any) -> None:
        clock, key = _clock(), _execution_key(env)
        if isinstance(self, Timestamp):
            self.string.eval(env=env)
            text = env.stack.pop()
            moment = self._from_timestamp_string(text)  # like AWS: whole seconds, `Z` required
            if moment is None:
                raise FailureEventException(self._create_failure_event(env, text))
            target = moment.replace(tzinfo=UTC)
        else:
            target = clock.now(key) + timedelta(seconds=self._get_wait_seconds(env=env))
        # On a scheduler thread the wait parks the execution; on moto's own thread it sleeps there.
        sleep = moto_scheduler.current_sleep() or env.program_state_event.wait
        clock.wait_until(key, target, sleep, env.is_running)

    def state_input(self: Any, env: Any) -> None:
        state = env.states.context_object.context_object_data.get("State")
        if state is not None:
            # As AWS writes it (milliseconds, `Z`), so string comparisons with stored times hold.
            moment = _clock().now(_execution_key(env))
            state["EnteredTime"] = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        _originals["state_input"](self, env)

    WaitFunction._eval_body = wait  # type: ignore[method-assign]
    CommonStateField._eval_state_input = state_input  # type: ignore[method-assign]


def uninstall() -> None:
    global _current
    if not _originals:
        return
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

    WaitFunction._eval_body = _originals.pop("wait")  # type: ignore[method-assign]
    CommonStateField._eval_state_input = _originals.pop("state_input")  # type: ignore[method-assign]
    _current = None
