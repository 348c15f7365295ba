"""One bounded poll for the embedded tests: the bound only catches a hang, never the machine's speed."""

from __future__ import annotations

import time
from collections.abc import Callable

HANG_SECONDS = 60.0


def until(condition: Callable[[], bool], what: str, seconds: float = HANG_SECONDS) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, f"not within {seconds:.0f} s: {what}"
        time.sleep(0.01)
