"""The duty log (值班记录, 000 §3.9) and the shift handover (交接班, 003; 004 QW21-06).

A page per site and shift (day 08:00–17:30, night 17:30–08:00, site-local). Entries are never
changed: a correction is a new entry pointing at the one it corrects (docs/decisions/0024).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models import identifiers as ids
from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.on_duty import Shift


class DutyCategory(StrEnum):
    """What must always be entered (000 §3.9d), and anything else worth the management's eye (§3.9e)."""

    COMPLAINT_CALL = "complaint_call"  # 投诉电话、投诉人
    THEFT = "theft"  # 失窃
    ACCIDENT = "accident"  # 风、火、水、电之意外
    FIGHT = "fight"  # 打架
    STAFF_VIOLATION = "staff_violation"  # 员工违规
    MOVE_IN_OUT = "move_in_out"  # 重要业主或学生的迁入及迁出
    CONSTRUCTION = "construction"  # 施工情况
    OTHER = "other"  # 其他认为应向管理层反映的事件


class PageState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # its closing hash is in the evidence bucket under Object Lock


MAX_TEXT = 2000
MAX_LINKS = 10
PageId = Annotated[str, StringConstraints(pattern=ids.DUTY_PAGE)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]


class EntryRef(Frozen):
    """An entry of any page: the one a correction corrects."""

    page_id: PageId
    seq: int = Field(ge=1)


class NewDutyEntry(Model):
    """An entry a person writes: it goes on the site's page of the shift now running."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_id: str = Field(pattern=ids.SITE_ID)
    category: DutyCategory
    happened: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)] = Field(
        description="What happened, told objectively (事情情况)"
    )
    handling: Text = Field(default="", description="What was done about it (处理)")
    outcome: Text = Field(default="", description="How it ended (善后处理)")
    occurred_at: str | None = Field(
        default=None,
        pattern=ids.INSTANT,
        description="When it happened (default: now)",
    )
    tickets: tuple[ids.HexIdField, ...] = Field(default=(), max_length=MAX_LINKS)
    reports: tuple[ids.ReportIdField, ...] = Field(default=(), max_length=MAX_LINKS)
    corrects: EntryRef | None = Field(default=None, description="The entry this one corrects (it stays as it was)")


class DutyEntry(Frozen):
    """One line of a page, as stored; ``hash`` chains it to the entry before it (``prev_hash``)."""

    page_id: str
    site_id: str
    seq: int
    written_at: str
    occurred_at: str
    category: DutyCategory
    happened: str
    handling: str = ""
    outcome: str = ""
    tickets: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    corrects: EntryRef | None = None
    author: str
    automatic: bool = False
    source: str | None = Field(default=None, description="ticket:<id> or report:<id> for automatic entries")
    prev_hash: str
    hash: str


class DutyPage(Frozen):
    page_id: str
    site_id: str
    day: str = Field(description="The site-local date the shift began")
    shift: Shift
    starts_at: str
    ends_at: str
    state: PageState = PageState.OPEN
    count: int = 0
    head: str = Field(description="The hash of the last entry (the chain's start when empty)")
    closed_at: str | None = None
    closed_by: str | None = None
    closing_hash: str | None = None
    closing_key: str | None = None
    closing_version: str | None = None
    version: int = 0


class CloseDutyPage(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=0, description="The page's version as read (0: a page nothing was written on)")


class DutyPageView(Frozen):
    page: DutyPage
    entries: tuple[DutyEntry, ...]
    corrected_by: dict[int, tuple[int, ...]] = Field(
        default_factory=dict, description="Entry seq → the seqs on this page that correct it"
    )


class DutyVerification(Frozen):
    page_id: str
    ok: bool
    entries: int
    altered: tuple[int, ...] = Field(default=(), description="Entries whose text is not what was chained")
    broken: tuple[int, ...] = Field(default=(), description="Entries whose link to the one before is broken")
    missing: tuple[int, ...] = Field(default=(), description="Entry numbers absent from the page")
    head_matches: bool
    sealed: bool = Field(description="The page is closed and its closing hash was found in the evidence bucket")
    seal_matches: bool | None = None


class DutyPages(Frozen):
    site_id: str
    pages: tuple[DutyPage, ...]


# ------------------------------------------------------------------------------------------- handover


class HandoverState(StrEnum):
    PENDING = "pending"  # the shift is running: its page is open
    PREPARED = "prepared"  # the page closed; the form pre-filled with what is carried forward
    SIGNED_OUT = "signed_out"  # the outgoing shift counted the cash and signed
    COMPLETED = "completed"  # the incoming shift signed: the open items are theirs


class CarriedTicket(Frozen):
    """An open ticket handed to the next shift (no client details)."""

    ticket_id: str
    number: str
    kind: str
    category: str
    status: str
    building_id: str
    unit: str = ""
    due: str | None = Field(default=None, description="The next deadline on it, if any")


class CarriedClock(Frozen):
    """A deadline still running at the handover."""

    clock_id: str
    kind: str
    subject_type: str
    subject_id: str
    due: str
    level: int


class CarriedKey(Frozen):
    """An emergency key out at the handover (000 §3.10)."""

    use_id: str
    building_id: str
    unit: str
    taken_by: str
    return_due: str


class CarriedParcel(Frozen):
    """A parcel not yet collected at the handover, handed over face to face (004 QW21-06 §4.1.5)."""

    parcel_id: str
    kind: str
    building_id: str
    unit: str
    recipient: str
    received_at: str
    notice: str | None = None


MAX_CASH_CENTS = 100_000_000


class Handover(Frozen):
    """The handover of a shift (the page ``page_id``) to the next one: due 30 min after the shift change."""

    page_id: str
    site_id: str
    next_page_id: str
    shift_change_at: str
    due_at: str
    state: HandoverState = HandoverState.PENDING
    open_tickets: tuple[CarriedTicket, ...] = ()
    unfinished: tuple[CarriedTicket, ...] = ()
    running_clocks: tuple[CarriedClock, ...] = ()
    keys_out: tuple[CarriedKey, ...] = ()
    parcels_waiting: tuple[CarriedParcel, ...] = ()
    prepared_at: str | None = None
    cash_cents: int | None = None
    cash_note: str = ""
    outgoing_by: str | None = None
    outgoing_at: str | None = None
    incoming_by: str | None = None
    incoming_at: str | None = None
    version: int = 1


class SignOut(Model):
    """The outgoing shift counted the cash and signs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, description="The handover's version as read")
    cash_cents: int = Field(ge=0, le=MAX_CASH_CENTS, description="Cash counted at the desk, in fen")
    cash_note: Text = ""


class SignIn(Model):
    """The incoming shift read the page, takes over the open items and signs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, description="The handover's version as read")
