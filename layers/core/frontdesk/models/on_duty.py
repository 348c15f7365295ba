"""The shifts, and the roles on duty an escalation rung may name instead of a fixed list.

Their own module, without pydantic models: the clock, the ladder and the duty roster name them, and
every function that plans a clock or finds who is on shift imports them; the duty log's models
(frontdesk.models.duty) stay out of its cold start (ADR 0027).
"""

from __future__ import annotations

from enum import StrEnum


class Shift(StrEnum):
    DAY = "day"  # 08:00–17:30 site-local
    NIGHT = "night"  # 17:30–08:00 the next morning; the page carries the date it began


class OnDutyRole(StrEnum):
    """A role on duty an escalation rung may name instead of a fixed list (frontdesk.domain.duty_roster)."""

    DUTY_MANAGER = "duty_manager"  # the duty manager on shift (000 §1.1), from the site's duty roster
