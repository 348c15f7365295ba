"""A site's duty roster (值班表) for one month: for each day and shift, the duty manager on duty and the
desk staff with them. Managers edit it; an escalation rung naming "the duty manager on shift" mails
the person it names for the moment the rung fires (docs/decisions/0024).

The shifts are the duty log's (frontdesk.models.duty.Shift: day 08:00–17:30, night 17:30–08:00,
site-local); a night belongs to the day it began, as its duty-log page does.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models import identifiers as ids
from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.on_duty import Shift

MAX_DESK: Final = 10
# Two shifts a day, at most 31 days.
MAX_SLOTS: Final = 62

Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ids.MAX_USERNAME)]
Month = Annotated[str, StringConstraints(pattern=ids.MONTH)]


class RosterSlotIn(Model):
    """One shift of the month as a manager enters it: user names of the site's staff."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: date = Field(description="The site-local day the shift begins (a night runs to 08:00 the next day)")
    shift: Shift
    duty_manager: Username = Field(description="The user name of the duty manager on duty (a duty manager or manager)")
    desk: tuple[Username, ...] = Field(default=(), max_length=MAX_DESK, description="The desk staff on duty")


class RosterIn(Model):
    """The whole month, replacing what was stored at ``version``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=0, description="The version read (0: the month has no roster yet)")
    slots: tuple[RosterSlotIn, ...] = Field(max_length=MAX_SLOTS)


class PersonOnDuty(Model):
    """A person on the roster as the console shows them: no address."""

    username: str
    name: str


class OnDuty(PersonOnDuty, Frozen):
    """A person on the roster, as the user pool knew them when the roster was saved."""

    email: str = Field(default="", description="Where a rung naming the duty manager on shift mails them")


class RosterSlot(Frozen):
    day: date
    shift: Shift
    duty_manager: OnDuty
    desk: tuple[OnDuty, ...] = ()


class DutyRoster(Frozen):
    """As stored: one item per site and month."""

    site_id: str
    month: str
    slots: tuple[RosterSlot, ...] = ()
    version: int = 0
    updated_by: str = ""
    updated_at: str = ""


class RosterSlotView(Model):
    day: date
    shift: Shift
    duty_manager: PersonOnDuty
    desk: list[PersonOnDuty]


class ShiftHours(Model):
    shift: Shift
    starts: str = Field(description="Site-local HH:MM")
    ends: str = Field(description="Site-local HH:MM (a night ends the next morning)")


class RosterGap(Model):
    day: date
    shift: Shift


class RosterView(Model):
    """The month as the console shows it: every slot filled, what is still missing, by when."""

    site_id: str
    month: str
    timezone: str
    shifts: list[ShiftHours]
    slots: list[RosterSlotView]
    missing: list[RosterGap] = Field(description="Shifts of the month with no duty manager yet")
    complete: bool
    complete_by: date = Field(description="The roster must be complete by this day: the last of the month before")
    version: int
    updated_by: str
    updated_at: str
