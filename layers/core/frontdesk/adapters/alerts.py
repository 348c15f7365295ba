"""The escalation topic: short alerts for on-call subscribers (SMS, push). Ids and numbers only."""

from __future__ import annotations

import json
from typing import Any

from frontdesk.adapters.sns import SnsTopic


class SnsAlerts(SnsTopic):
    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None:
        """Attributes (site_id, phase, level) let each site's subscribers filter their own alerts."""
        self._publish(json.dumps(body, ensure_ascii=False, sort_keys=True), attributes)
