"""The quarterly callback analysis (001 p11 §4.6-4.7): the quarter's failed callbacks, the units
with the same complaint twice or more and the units with the same repair three times or more.
docs/decisions/0023-callbacks-and-business-calendars.md."""

from __future__ import annotations

from pydantic import Field

from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.frozen import Model


class FailedCallback(Model):
    callback_id: str
    ticket_id: str
    ticket_number: str
    reason: CallbackReason
    building_id: str
    unit: str
    done_at: str
    defect_remains: bool = Field(description="The repair went back to work (rework)")


class RepeatedIssue(Model):
    building_id: str
    unit: str
    kind: str
    category: str
    count: int
    threshold: int
    tickets: list[str] = Field(description="The tickets' numbers, oldest first")


class QuarterlyAnalysis(Model):
    site_id: str
    quarter: str
    first_day: str = Field(description="Site-local")
    last_day: str = Field(description="Site-local")
    failed_callbacks: list[FailedCallback]
    repeated_complaints: list[RepeatedIssue]
    repeated_repairs: list[RepeatedIssue]
    tickets_read: int = Field(description="Tickets of the quarter read (its days' partitions, nothing else)")
