"""The weekly duty summary (000 §3.9g-h: the deputy manager and the manager read the log): per site
and site-local week, what was entered by category, what is still open, the emergency keys used, the
handovers late and the parcels not collected (docs/decisions/0024)."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from frontdesk.models.duty import DutyCategory
from frontdesk.models.escalation import MANAGER_LIST
from frontdesk.models.frozen import Frozen

# The lists it is mailed to: a manager fills them like the ladder's (frontdesk.app.mailing).
SUMMARY_LISTS: Final = ("deputy_manager", MANAGER_LIST)


class DutySummary(Frozen):
    site_id: str
    week: str = Field(description="The ISO week, e.g. 2026-W48, site-local Monday to Sunday")
    starts_at: str
    ends_at: str
    entries: int
    by_category: dict[DutyCategory, int]
    open_tickets: int = Field(description="Open when the summary was made (unfinished ones included)")
    unfinished: int
    running_clocks: int
    keys_used: int
    overrides: int = Field(description="Uses under the emergency override (water, fire, smoke, explosion)")
    keys_late: int = Field(description="Keys back after their due time, or still out past it")
    handovers: int
    handovers_late: int
    late_pages: tuple[str, ...] = ()
    parcels_received: int
    parcels_waiting: int = Field(description="Not collected when the summary was made")
