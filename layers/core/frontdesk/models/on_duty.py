"""The roles on duty an escalation rung may name instead of a fixed list.

Its own module, without pydantic models: the clock and the ladder name it, and every function that
plans a clock imports them; the duty log's models (frontdesk.models.duty) stay out of its cold start.
"""

from __future__ import annotations

from enum import StrEnum


class OnDutyRole(StrEnum):
    """A role on duty an escalation rung may name instead of a fixed list (frontdesk.domain.duty_roster)."""

    DUTY_MANAGER = "duty_manager"  # the duty manager on shift (000 §1.1), from the site's duty roster
