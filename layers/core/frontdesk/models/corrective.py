"""The corrective-action report (纠正措施报告, 001 part 2) a major complaint needs: its cause, the action
taken against it, who owns the action and by when, and the verification that it was done (who
verified, when, the result). Its own record, one per complaint (the complaint may be closed long
before the action is done), with its own clock (frontdesk.domain.clocks: ``corrective_action``)."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from frontdesk.models.commands import Name, Text
from frontdesk.models.frozen import Frozen, Model


class Verification(Frozen):
    """A manager's check that the action was done, and what it found."""

    by: str
    at: str
    result: str


class CorrectiveAction(Frozen):
    ticket_id: str = Field(description="The complaint it corrects")
    site_id: str
    number: str = Field(description="The complaint's number")
    version: int = Field(ge=1)
    cause: str
    action: str
    owner: str = Field(description="Who carries the action out")
    due_date: str = Field(description="The site-local day the action is done by")
    due_at: str = Field(description="The end of that day: the clock's due time")
    written_by: str
    written_at: str = Field(description="First written: the clock's anchor")
    updated_at: str
    verification: Verification | None = None


class _Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WriteCorrectiveAction(_Strict):
    """The report written, or rewritten until it is verified (a later due date moves its clock)."""

    version: int = Field(ge=0, description="The report's version read; 0 to write the first")
    cause: Text
    action: Text
    owner: Name
    due_date: date = Field(description="The site-local day the action is to be done by")


class VerifyCorrectiveAction(_Strict):
    version: int = Field(ge=1, description="The report's version read")
    result: Text = Field(description="What the verification found: the action was done, and how it worked")


class CorrectiveActionView(Model):
    """A complaint's report (None until written), and whether the complaint needs one."""

    ticket_id: str
    required: bool
    report: CorrectiveAction | None = None
