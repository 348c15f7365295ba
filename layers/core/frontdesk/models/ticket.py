"""The ticket: the single source of truth for one request, and its timeline events."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from frontdesk.models.clock import ClockKind
from frontdesk.models.frozen import Frozen


class Kind(StrEnum):
    REPAIR = "repair"
    COMPLAINT = "complaint"
    INQUIRY = "inquiry"
    PAID_SERVICE = "paid_service"
    EMERGENCY = "emergency"


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"
    WALK_IN = "walk_in"
    LETTER = "letter"


class Status(StrEnum):
    RECEIVED = "received"
    DECLINED = "declined"
    DISPATCHED = "dispatched"
    ARRIVED = "arrived"
    QUOTED = "quoted"
    IN_PROGRESS = "in_progress"
    UNFINISHED = "unfinished"
    COMPLETED = "completed"
    REOPENED = "reopened"
    HANDLED = "handled"
    REPLIED = "replied"
    CLOSED = "closed"


TERMINAL = frozenset({Status.DECLINED, Status.CLOSED})

# The emergencies of the manual's call lists (000 §3.4-3.8): a ticket's categories and an incident report's.
EMERGENCIES = (
    "water_leak",
    "power_cut",
    "fire",
    "explosion_or_suspicious_object",
    "theft_or_robbery",
    "fight",
    "lost_property",
    "death",
)

# The complaint categories the desk counts each month (004 QW21-04 §4.1.3.1): security, cleaning,
# landscaping, engineering repair, letters and newspapers, renovation, staff attitude, other.
COMPLAINT_CATEGORIES = (
    "security",
    "cleaning",
    "landscaping",
    "engineering_repair",
    "mail",
    "renovation",
    "staff_attitude",
    "other",
)

# Categories by kind (DOMAIN.md; 000 §1.4, §3.4-3.8; 004).
CATEGORIES: dict[Kind, tuple[str, ...]] = {
    Kind.REPAIR: (
        "plumbing",
        "electrical",
        "lighting",
        "hvac",
        "doors_windows",
        "furniture",
        "elevator",
        "public_facility",
        "other",
    ),
    Kind.PAID_SERVICE: ("installation", "replacement", "cleaning", "moving", "other"),
    Kind.COMPLAINT: COMPLAINT_CATEGORIES,
    Kind.INQUIRY: ("general", "fees", "move_in_out", "renovation", "other"),
    Kind.EMERGENCY: EMERGENCIES,
}


class Department(StrEnum):
    ENGINEERING = "engineering"
    SECURITY = "security"
    CLEANING = "cleaning"
    LANDSCAPING = "landscaping"
    MAIL = "mail"
    RENOVATION = "renovation"
    CUSTOMER_SERVICE = "customer_service"


class Severity(StrEnum):
    """Complaint severity: ordinary; serious → the manager at once (000 §3.3c); a compensation claim
    or a complaint against the office head → company leadership (001 part 2)."""

    NORMAL = "normal"
    SERIOUS = "serious"
    LEADERSHIP = "leadership"


class DisabledOccupants(StrEnum):
    """Fire: does the unit have occupants with disabilities (000 §3.8)? Asked at intake."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Role(StrEnum):
    OPERATOR = "operator"
    ENGINEER = "engineer"
    DUTY_MANAGER = "duty_manager"
    MANAGER = "manager"


class ActorKind(StrEnum):
    STAFF = "staff"
    CLIENT = "client"
    SYSTEM = "system"


class Actor(Frozen):
    kind: ActorKind
    id: str
    roles: frozenset[Role] = frozenset()


class Contact(Frozen):
    name: str
    phone: str = ""
    email: str = ""


class Assignment(Frozen):
    department: Department
    assignee: str


class QuoteLine(Frozen):
    item: str
    amount_cents: int


class QuoteDecision(StrEnum):
    PENDING = ""
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Resolution(StrEnum):
    """How a closed ticket ended."""

    OPEN = ""
    ACCEPTED = "accepted"  # the client accepted the work
    QUOTE_DECLINED = "quote_declined"  # the client declined the price
    CLOSED_WITHOUT_ACCEPTANCE = "closed_without_acceptance"  # the desk closed completed work
    REPLIED = "replied"  # a complaint or inquiry answered
    CANCELLED = "cancelled"  # a duty manager cancelled it, with a reason
    DUPLICATE = "duplicate"  # the same matter as another ticket (duplicate_of), handled there


class Quote(Frozen):
    lines: tuple[QuoteLine, ...]
    tax_cents: int
    labour_cents: int
    total_cents: int
    quoted_at: str
    decision: QuoteDecision = QuoteDecision.PENDING
    decided_at: str = ""


class Acceptance(Frozen):
    satisfied: bool
    rating: int | None = None
    comment: str = ""
    at: str


class Validity(Frozen):
    """Whether a complaint is valid (有效投诉, counted in the valid-complaint rate), decided by a manager."""

    valid: bool
    reason: str
    by: str
    at: str
    # a valid complaint the error of which is ours: it owes the client an apology letter (致歉信)
    our_fault: bool = False


class WrittenReply(Frozen):
    """The written reply a written complaint gets, drafted at the desk and approved by a manager
    before it is sent (DOMAIN.md; 001 part 2)."""

    text: str
    drafted_by: str
    drafted_at: str
    approved_by: str = ""
    approved_at: str = ""


class Rung(Frozen):
    """How far up its ladder a subject has gone (0: not escalated), and when it got there."""

    level: int = 0
    at: str = ""


class Escalation(Rung):
    """Written when a clock reaches a rung: which of the ticket's ladders it went up."""

    phase: ClockKind | Literal[""] = ""


class TicketLink(Frozen):
    """Another ticket, named by its id and the number people read."""

    ticket_id: str
    number: str


class Ticket(Frozen):
    ticket_id: str
    site_id: str
    number: str
    local_day: str
    kind: Kind
    channel: Channel
    category: str
    severity: Severity = Severity.NORMAL
    status: Status
    building_id: str
    unit: str = ""
    location: str = ""
    description: str
    contact: Contact
    language: str = "zh-CN"
    received_by: str
    created_at: str
    updated_at: str
    version: int = 1
    assignment: Assignment | None = None
    dispatched_at: str | None = None
    arrival_due: str | None = None
    completion_due: str | None = None
    reply_due: str | None = None
    replied_at: str | None = None
    arrived_at: str | None = None
    arrived_on_time: bool | None = None
    quote: Quote | None = None
    completed_at: str | None = None
    work_summary: str = ""
    acceptance: Acceptance | None = None
    decline_reason: str = ""
    unfinished_reason: str = ""
    cancel_reason: str = ""
    reschedule_count: int = 0
    answers: int = Field(default=0, description="How many times the client wrote back (bounded)")
    notes: int = Field(default=0, description="Notes and replies the staff wrote (their words find the ticket)")
    closed_at: str | None = None
    resolution: Resolution = Resolution.OPEN
    escalation: Escalation = Escalation()
    # Complaints, for the statistics (004 QW21-04 §4.1.3): the department and the staff member or
    # equipment the complaint is about, and whether a manager judged it valid.
    department_concerned: Department | None = None
    concerning: str = ""
    validity: Validity | None = None
    # Fire (000 §3.8): occupants with disabilities in the unit, asked at intake ("" for other kinds).
    disabled_occupants: DisabledOccupants | Literal[""] = ""
    # At intake: how many times this unit has had this complaint within the quarter, or this repair,
    # counting this one, when that is a repeat (001 p11 §4.6; domain/history.py); 0 otherwise.
    repeat_of: int = 0
    # A complaint's repairs, dispatched as any repair (000 §3.3c 马上派人处理), and the complaint a repair came from.
    linked_repairs: tuple[str, ...] = ()
    complaint_id: str = ""
    written_reply: WrittenReply | None = None
    # When the apology letter was mailed to the client (mailed once; printing may be repeated).
    apology_mailed_at: str | None = None
    # Marked 未完成 by the end-of-day sweep: the site-local day it is followed up (000 §3.1d).
    follow_up_day: str = ""
    duplicate_of: TicketLink | None = Field(
        default=None, description="Closed as a duplicate: the ticket it is handled under"
    )
    duplicates: tuple[TicketLink, ...] = Field(default=(), description="The tickets closed as duplicates of this one")


class TimelineEvent(Frozen):
    """One change to a ticket: who, when, what, from → to. Append-only."""

    ticket_id: str
    seq: int
    at: str
    actor: Actor
    action: str
    from_status: Status | None
    to_status: Status
    detail: dict[str, str] = Field(default_factory=dict)
