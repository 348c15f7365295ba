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
after the frozen count has grown `thorough_growth` times since the last thorough one unfreezes
everything first and scans it all (one long pause each time the heap grows that much).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any, Final

FULL: Final = 2  # the oldest generation: a full collection


@dataclass
class FrozenSurvivors:
    thorough_growth: float = 4.0
    full: int = 0  # full collections seen
    thorough: int = 0  # of them, those that scanned everything
    _frozen: int = 0  # objects frozen, counted as they are (gc.get_freeze_count() walks them all)
    _thorough_above: int = 0
    _thorough_now: bool = False

    def install(self) -> None:
        """Collect and freeze what is alive now (what the stack loaded to start), then freeze after
        every full collection."""
        gc.collect()
        gc.freeze()
        self._frozen = gc.get_freeze_count()
        self._thorough_above = int(self._frozen * self.thorough_growth)
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
            self._thorough_now = self._frozen > self._thorough_above
            if self._thorough_now:
                gc.unfreeze()  # this collection scans everything, frozen cycles included
            return
        self.full += 1
        # A full collection leaves every tracked object in the oldest generation: its survivors.
        # Their count is added up, an upper bound (reference counting frees frozen objects unseen).
        survivors = len(gc.get_objects(generation=FULL))
        gc.freeze()
        if self._thorough_now:
            self.thorough += 1
            self._frozen = survivors
            self._thorough_above = int(survivors * self.thorough_growth)
            self._thorough_now = False
        else:
            self._frozen += survivors

    def snapshot(self) -> dict[str, int]:
        return {"full": self.full, "thorough": self.thorough, "frozen": gc.get_freeze_count()}  # exact, when asked
