"""How long evidence stays locked in S3 Object Lock (the photo evidence and the duty log's sealed
pages share one setting: `evidence_retention_days` and `evidence_lock_mode`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Retention:
    days: int
    mode: str  # GOVERNANCE or COMPLIANCE

    def until(self, now: datetime) -> datetime:
        """When an object locked ``now`` may be deleted."""
        return now + timedelta(days=self.days)
