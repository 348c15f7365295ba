"""What callers may send. Public bodies forbid unknown fields: the form cannot set status or assignee."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from frontdesk.models.frozen import Model
from frontdesk.models.identifiers import NAME_ID, HexIdField
from frontdesk.models.mailing import Email as MailingEmail
from frontdesk.models.ticket import Department, DisabledOccupants, Kind, Severity

MAX_TEXT = 2000


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timezone_required")
    return value


# Characters that reorder or hide what a person reads: bidi embeddings, overrides and isolates (a file
# name "photo\u202egpj.exe" reads "photoexe.jpg"), marks, and invisible separators. Joiners (U+200C,
# U+200D) stay: emoji and several scripts need them.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\u200b\u2028\u2029\u2060\ufeff\ufff9\ufffa\ufffb")


def _printable(value: str) -> str:
    """The one check of text people read on screens and in mail: no control characters (NUL, escape
    sequences …), no bidi controls, no invisible separators. Line breaks and tabs are text."""
    for ch in value:
        if ch in _BIDI:
            raise ValueError("bidi_control")
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in _INVISIBLE:
            raise ValueError("control_characters")
    return value


Printable = AfterValidator(_printable)
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT), Printable]
MAX_SHORT = 200
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT), Printable]
MAX_NAME = 60
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME), Printable]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT), Printable]
PHONE_PATTERN = r"^\+?[0-9][0-9 -]{5,19}$"  # also the pages' check (served in the catalogue)
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
# One rule for every address frontdesk mails: what SES accepts (a typo such as "a,b@x.cn" is refused here,
# not by SES at the first escalation).
Email = MailingEmail
Identifier = Annotated[str, StringConstraints(pattern=NAME_ID)]
MAX_UNIT = 20
Unit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_UNIT), Printable]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Language = Literal["zh-CN", "en"]


class _Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewTicket(_Strict):
    """The tenant form: repair, complaint or inquiry."""

    site_id: Identifier
    building_id: Identifier
    unit: Unit = ""
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT), Printable] = ""
    kind: Literal["repair", "complaint", "inquiry"]
    category: Identifier
    description: Text
    contact_name: Name
    contact_phone: Phone
    contact_email: Email | None = None
    language: Language = "zh-CN"


class StaffNewTicket(_Strict):
    """Phone, walk-in and letter intake by the desk: every kind, with a severity."""

    site_id: Identifier
    building_id: Identifier
    unit: Unit = ""
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT), Printable] = ""
    kind: Kind
    category: Identifier
    severity: Severity = Severity.NORMAL
    channel: Literal["phone", "walk_in", "letter"]
    description: Text
    contact_name: Name
    contact_phone: Phone | None = None
    contact_email: Email | None = None
    language: Language = "zh-CN"
    reply_by: AwareDatetime | None = Field(
        default=None,
        description="Complaints and inquiries: the reply time agreed with the client (default: end of the local day)",
    )
    department_concerned: Department | None = Field(
        default=None, description="Complaints: the department the complaint is about (004 QW21-04 §4.1.3)"
    )
    concerning: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT), Printable] = Field(
        default="", description="Complaints: the staff member or the equipment the complaint is about"
    )
    disabled_occupants: DisabledOccupants | None = Field(
        default=None, description="Fire emergencies (required): occupants with disabilities in the unit (000 §3.8)"
    )


class Versioned(_Strict):
    version: int = Field(ge=1, description="The version read; a stale one is refused (409)")


class Decline(Versioned):
    """Decline politely, with a reason."""

    reason: Text


class Dispatch(Versioned):
    """Dispatch to a department and an assignee."""

    department: Department = Department.ENGINEERING
    assignee: Name


class Take(Versioned):
    """An engineer takes an unassigned repair: it is dispatched to them."""

    department: Department = Department.ENGINEERING


class Reassign(Versioned):
    """Give work in hand to another engineer; the deadlines promised to the client stand."""

    assignee: Name
    department: Department | None = Field(default=None, description="Default: the current assignment's")
    reason: Text


class Redispatch(Versioned):
    """Dispatch an unarrived visit again: a new arrival deadline from now."""

    department: Department = Department.ENGINEERING
    assignee: Name
    reason: Text


class Cancel(Versioned):
    """Cancel an open ticket, with a reason (duty managers)."""

    reason: Text


class Arrive(Versioned):
    """The assigned engineer checks in at the unit."""


class QuoteLineIn(_Strict):
    item: ShortText
    amount_cents: int = Field(ge=0, le=100_000_000)


class QuoteIn(Versioned):
    """Quote paid work: items, tax, labour."""

    lines: list[QuoteLineIn] = Field(min_length=1, max_length=30)
    tax_cents: int = Field(ge=0, le=100_000_000)
    labour_cents: int = Field(ge=0, le=100_000_000)


class Complete(Versioned):
    """Report the work complete."""

    summary: Text


class Unfinished(Versioned):
    """Mark unfinished at the end of the day."""

    reason: Text


class AgreedWithClient(Versioned):
    """A time agreed with the client: who agreed, how they were reached, and a note."""

    agreed_with: Name = Field(description="Who on the client's side agreed to the time")
    contact_method: Literal["phone", "in_person", "sms", "email"]
    note: OptionalText = ""


class Reschedule(AgreedWithClient):
    """Move the arrival later, agreed with the client."""

    new_arrival: AwareDatetime


class Handle(Versioned):
    """Record how a complaint was handled."""

    department: Department
    action_taken: Text
    severity: Severity | None = None


class Validity(Versioned):
    """Judge whether a complaint is valid (有效投诉), with a reason (managers)."""

    valid: bool
    reason: Text
    our_fault: bool = Field(default=False, description="A valid complaint caused by our error: owes an apology letter")


class DraftReply(Versioned):
    """Draft a written complaint's written reply, for a manager to approve before it is sent."""

    text: Text


class ApproveReply(Versioned):
    """Approve the written reply before it is sent (managers)."""


class AgreeReply(AgreedWithClient):
    """Record a reply time agreed with the client, before the one due passed: the reply clock follows it
    (000 §3.3f; 004 QW21-04 §4.1.1.2 约定时间给客户回复)."""

    reply_by: AwareDatetime


class LinkedRepair(Versioned):
    """A repair the complaint needs, at the complaint's place, for the complaint's client."""

    category: Identifier = Field(description="A repair category (GET /public/catalogue)")
    description: Text


class Reply(Versioned):
    """Report back to the client."""

    reply: Text
    method: Literal["phone", "in_person", "letter", "email", "sms"]


class Close(Versioned):
    """Close a replied complaint or inquiry, or completed work."""

    note: OptionalText = ""


class Acceptance(Versioned):
    satisfied: bool
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: OptionalText = ""


class QuoteDecision(Versioned):
    confirm: bool


class Said(Versioned):
    """A note, a reply to the tenant or the tenant's answer (frontdesk.domain.conversation)."""

    text: Text


# One bulk request names at most this many tickets: each is its own transaction, all within one call.
MAX_BULK = 50


class TicketRef(_Strict):
    """A ticket as the desk saw it: a stale version is refused for that ticket alone."""

    ticket_id: HexIdField
    version: int = Field(ge=1)


def _distinct(refs: list[TicketRef]) -> list[TicketRef]:
    if len({ref.ticket_id for ref in refs}) != len(refs):
        raise ValueError("tickets_repeated")
    return refs


TicketRefs = Annotated[list[TicketRef], Field(min_length=1, max_length=MAX_BULK), AfterValidator(_distinct)]


class BulkAssign(_Strict):
    """Several tickets to one engineer: each waiting ticket is dispatched, each in hand reassigned."""

    tickets: TicketRefs
    assignee: Name
    department: Department = Department.ENGINEERING
    reason: OptionalText = Field(default="", description="Why work in hand changes hands (needed to reassign)")


class MarkDuplicates(_Strict):
    """Close tickets as duplicates of the one in the path (one matter reported by many)."""

    duplicates: TicketRefs
    note: OptionalText = ""
