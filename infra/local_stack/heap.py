"""The cyclic garbage collector of the local stack's process: long-lived objects are frozen.

Nearly all of the stack's heap lives as long as the process: the modules and models loaded at
start, then moto's tables, stream records and execution histories, which only grow. CPython's full
(generation 2) collection scans every tracked object each time, with the GIL held, so every
function, poller and execution of the stack stops while it runs. Measured with 1,000 tickets
(`bench/clocks.py --tickets 1000 --mode spread`, a gc callback timing each collection): a full
collection every 10-40 s, each 0.7-0.8 s, two of them inside the minute the clocks fell due - the
tail of the lag from due time to mail (docs/decisions/0031).

`FrozenSurvivors` freezes (`gc.freeze`) what survives each full collection, so the next one scans
only what came after. Frozen objects are still freed by reference counting; only a reference cycle
that becomes garbage after it was frozen stays. To keep that bounded, the first full collection
after the process's peak resident size has grown `thorough_growth` times since the last thorough
one unfreezes everything first and scans it all (one long pause each time memory grows that much).
The peak size is one system call; the frozen count (`gc.get_freeze_count()`) walks every frozen
object, 150-200 ms at 1,000 tickets in the stack's fragmented heap - it was read at every full
collection at first, and the collections took that long.
"""

from __future__ import annotations

import gc
import resource
from dataclasses import dataclass
from typing import Any, Final

FULL: Final = 2  # the oldest generation: a full collection


@dataclass
class FrozenSurvivors:
    thorough_growth: float = 4.0
    full: int = 0  # full collections seen
    thorough: int = 0  # of them, those that scanned everything
    _thorough_above: int = 0
    _thorough_now: bool = False

    def install(self) -> None:
        """Collect and freeze what is alive now (what the stack loaded to start), then freeze after
        every full collection."""
        gc.collect()
        gc.freeze()
        self._thorough_above = int(_peak_size() * self.thorough_growth)
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)

    def uninstall(self) -> None:
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)
        gc.unfreeze()

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != FULL:
            return
        # One collection at a time (the collector holds the GIL and is not re-entered), so a
        # "start" is always followed by its "stop" before the next "start".
        if phase == "start":
            self._thorough_now = _peak_size() > self._thorough_above
            if self._thorough_now:
                gc.unfreeze()  # this collection scans everything, frozen cycles included
            return
        self.full += 1
        gc.freeze()
        if self._thorough_now:
            self.thorough += 1
            self._thorough_above = int(_peak_size() * self.thorough_growth)
            self._thorough_now = False

    def snapshot(self) -> dict[str, int]:
        """For /local/stats.json: the frozen count walks every frozen object, so only when asked."""
        return {"full": self.full, "thorough": self.thorough, "frozen": gc.get_freeze_count()}


def _peak_size() -> int:
    """The process's peak resident size (kB on Linux, bytes on macOS: only its growth is used)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
