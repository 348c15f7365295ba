"""A callback (回访): the centre calls a client back (or visits) after a complaint is handled or a
key repair is completed, records what the client says, and the client confirms it (001 part 11
§4.1-4.4; 000 §3.1d). docs/decisions/0023-callbacks-and-business-calendars.md.

Keys (PK / SK): ``CALLBACK#<id>`` / ``CALLBACK`` and its clock ``CALLBACK#<id>`` / ``CLOCK#<kind>``;
while open it is listed under GSI1 ``CALLBACKS#<site>`` / ``<due>#<id>``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from pydantic import ConfigDict, Field

from frontdesk.models import identifiers as ids
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.frozen import Frozen, Model

MAX_TEXT: Final = 500
# After this many unreachable attempts, each on a different site-local day, the callback is closed
# as unreachable (every attempt stays recorded).
UNREACHABLE_DAYS: Final = 3
# The five marks of the manual's record (001 part 11 §4.1.4 a-c): 1 (poor) to 5 (very good).
MIN_MARK: Final = 1
MAX_MARK: Final = 5


class CallbackState(StrEnum):
    OPEN = "open"
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"  # closed after attempts on UNREACHABLE_DAYS different days
    CANCELLED = "cancelled"  # the ticket was cancelled before the callback


class Method(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    LINK = "link"  # the client answered the survey link themselves


# How the desk calls back (the link is the client's own answer).
DESK_METHODS: Final = (Method.PHONE, Method.VISIT)
# Callback records are kept 2 years (001 part 11 §4.7), then expire by TTL; the ticket's timeline
# keeps a summary of each (the ``callback`` event).
RETENTION_DAYS: Final = 730


class Result(StrEnum):
    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"


class CallbackIn(Model):
    """One attempt at a callback, as the desk records it. Reached (satisfied or unsatisfied), the
    manual's fields are required: the three marks, and the client's confirmation of the record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    method: Literal[Method.PHONE, Method.VISIT]
    result: Result
    quality: int | None = Field(default=None, ge=MIN_MARK, le=MAX_MARK, description="质量评价 (1-5)")
    effect: int | None = Field(default=None, ge=MIN_MARK, le=MAX_MARK, description="服务效果评价 (1-5)")
    satisfaction: int | None = Field(default=None, ge=MIN_MARK, le=MAX_MARK, description="满意程度 (1-5)")
    shortcomings: str = Field(default="", max_length=MAX_TEXT, description="缺点与不足")
    suggestions: str = Field(default="", max_length=MAX_TEXT, description="客户建议")
    defect_remains: bool = Field(default=False, description="The defect is still there: rework at once")
    client_confirmed: bool = Field(default=False, description="The client confirmed the record")
    note: str = Field(default="", max_length=MAX_TEXT)


class Marks(Model):
    """The manual's record of what a client answered (001 part 2), all of it: the three marks and
    their words. A survey's answer, from a callback's link or a campaign's, gives every one."""

    model_config = ConfigDict(frozen=True)

    quality: int = Field(ge=MIN_MARK, le=MAX_MARK)
    effect: int = Field(ge=MIN_MARK, le=MAX_MARK)
    satisfaction: int = Field(ge=MIN_MARK, le=MAX_MARK)
    shortcomings: str = Field(default="", max_length=MAX_TEXT)
    suggestions: str = Field(default="", max_length=MAX_TEXT)


class SurveyIn(Marks):
    """The client's own answer from the survey link (no login: the tracking token opens it). It
    covers the manual's record, and the client giving it is the client's confirmation."""

    model_config = ConfigDict(extra="forbid")

    result: Literal[Result.SATISFIED, Result.UNSATISFIED]
    defect_remains: bool = False


class SurveyView(Model):
    """What the tracking page asks: the callback the ticket has open (no staff names)."""

    ticket_number: str
    reason: CallbackReason
    repair: bool = Field(description="Ask whether the defect remains")
    due: str


class Attempt(Frozen):
    at: str
    local_day: str
    by: str  # who called (or visited)
    method: Method
    result: Result
    quality: int | None = None
    effect: int | None = None
    satisfaction: int | None = None
    shortcomings: str = ""
    suggestions: str = ""
    defect_remains: bool = False
    client_confirmed: bool = False
    note: str = ""


class Reassignment(Frozen):
    at: str
    by: str
    before: str  # "" when nobody had it
    after: str


class Callback(Frozen):
    callback_id: str
    site_id: str
    ticket_id: str
    ticket_number: str
    ticket_kind: str
    reason: CallbackReason
    state: CallbackState = CallbackState.OPEN
    created_at: str
    earliest: str | None = None  # a key repair's window opens then (the next business morning)
    due: str
    assignee: str
    unit: str = ""
    building_id: str = ""
    attempts: tuple[Attempt, ...] = ()
    done_at: str | None = None
    rework_ticket_id: str | None = None  # the repair a failed callback sent back to work
    follows: str | None = None  # a special callback: the callback that failed
    joint: str = Field(default="", description="Who calls back with the assignee (the top 3: the engineering head)")
    reassigned: tuple[Reassignment, ...] = Field(default=(), description="Each change of who calls back")
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.state is CallbackState.OPEN


class SeededDraw(Model):
    """A sample drawn by a seed, so that it can be drawn again and checked; without one, a random
    seed is drawn and stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class SampleIn(SeededDraw):
    """Draw a week's sample of ordinary repairs."""

    week: str = Field(pattern=ids.ISO_WEEK, examples=["2026-W48"], description="ISO week, site-local days")


class Sample(Frozen):
    """A week's sample as drawn: everything needed to draw it again and check it."""

    site_id: str
    week: str
    seed: str
    percent: int
    population: tuple[str, ...]  # the eligible tickets of the week (ids, sorted)
    chosen: tuple[str, ...]
    drawn_at: str
    drawn_by: str


class ReassignIn(Model):
    """Give a callback to another staff member of the site's desk (an operator or a manager)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    assignee: str = Field(min_length=1, max_length=ids.MAX_USERNAME, description="The user name of who calls back now")


class DrawRule(StrEnum):
    TOP_REPAIRS = "top_repairs"  # the month's 3 most significant repairs (frontdesk.domain.monthly_callbacks)
    ACTIVITIES = "activities"  # 10 % of the month's activity sign-ups


class TopRepairsIn(Model):
    """Draw a month's 3 most significant repairs, called back by the deputy manager and the engineering head."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: str = Field(pattern=ids.MONTH, examples=["2026-11"], description="Calendar month, site-local days")
    deputy_manager: str = Field(
        min_length=1, max_length=ids.MAX_USERNAME, description="A manager of the site: the assignee"
    )
    engineering_head: str = Field(
        min_length=1, max_length=ids.MAX_USERNAME, description="An engineer of the site, who calls too"
    )


class ActivitySampleIn(SeededDraw):
    """Draw a month's sample of activity sign-ups."""

    month: str = Field(pattern=ids.MONTH, examples=["2026-11"], description="Calendar month, site-local days")


class MonthlyDraw(Frozen):
    """A month's drawn callbacks as drawn: the population, the rule's choice, and for a sample its seed."""

    site_id: str
    month: str
    rule: DrawRule
    seed: str = ""
    percent: int = 0
    population: tuple[str, ...]  # the eligible tickets of the month (ids, sorted)
    chosen: tuple[str, ...]  # in the rule's order
    callers: tuple[str, ...] = ()  # the top 3: the deputy manager, the engineering head
    drawn_at: str
    drawn_by: str


class CallbackList(Model):
    site_id: str
    callbacks: list[Callback]
    concluded: list[Callback] = Field(default_factory=list, description="The latest concluded, newest first")
