"""What a local event source did with what it read: counts and the last failures, for /local/stats."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Any, Final

KEPT_FAILURES: Final = 100


@dataclass
class DeliveryStats:
    mapping: str
    received: int = 0
    delivered: int = 0
    failed: int = 0
    invocations: int = 0
    retries: int = 0
    failures: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=KEPT_FAILURES))
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> dict[str, Any]:
        """Every counter (fields shown in repr), read under the lock."""
        with self.lock:
            values = {f.name: getattr(self, f.name) for f in fields(self) if f.repr and f.name != "mapping"}
        return {name: list(value) if isinstance(value, deque) else value for name, value in values.items()}
