"""Incident reports (事故报告, 000 §3.6, §3.9): numbered in one series per site and year, due within
24 h (general) or 12 h (major) of the occurrence, mailed to the managers when submitted.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models import identifiers as ids
from frontdesk.models.commands import AwareDatetime, Identifier, Name, OptionalText, Printable, Text, Unit, Versioned
from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.photo import StaffPhotoView
from frontdesk.models.ticket import EMERGENCIES, Actor, Rung

Optional2000 = OptionalText
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), Printable]
PoliceFile = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60), Printable]


class IncidentSeverity(StrEnum):
    GENERAL = "general"  # report within 24 h
    MAJOR = "major"  # report within 12 h, in person


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"  # by a manager, then archived (000 §3.5.2c 经理审批后存档); final


# What happened (000 §3.4-3.8), plus the complaint that harms the company's name or order (000 §3.6).
INCIDENT_CATEGORIES = (
    *EMERGENCIES,
    "property_damage",
    "injury",
    "complaint",
    "other",
)


class NewIncidentReport(Model):
    """A duty manager opens a report: from a ticket (``ticket_id``) or on its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_id: Identifier
    ticket_id: ids.HexIdField | None = None
    severity: IncidentSeverity
    category: Identifier = Field(description="water_leak, power_cut, fire, … property_damage, injury, complaint, other")
    occurred_at: AwareDatetime = Field(description="When it happened (date and time, with the zone)")
    building_id: Identifier | None = None
    unit: Unit = ""
    place: Place = Field(default="", description="Where it happened; taken from the ticket when left empty")
    details: Text = Field(description="What happened, objectively")
    immediate_action: Optional2000 = ""
    police_file_number: PoliceFile = ""
    remarks: Optional2000 = ""
    open_problems: Optional2000 = ""
    reported_by_name: Name | None = Field(default=None, description="The name signed under the report")


class UpdateIncidentReport(Versioned):
    """Complete or correct a draft report, field by field: fields left out keep their value."""

    severity: IncidentSeverity | None = None
    category: Identifier | None = None
    occurred_at: AwareDatetime | None = None
    building_id: Identifier | None = None
    unit: Unit | None = None
    place: Place | None = None
    details: Text | None = None
    immediate_action: Optional2000 | None = None
    police_file_number: PoliceFile | None = None
    remarks: Optional2000 | None = None
    open_problems: Optional2000 | None = None
    reported_by_name: Name | None = None


class SubmitIncidentReport(Versioned):
    """Submit the report: it is closed to changes and mailed to the managers and department heads."""


class ApproveIncidentReport(Versioned):
    """Approve a submitted report (managers): archived, closed to every change (000 §3.5.2c)."""


class SendBackIncidentReport(Versioned):
    """Send a submitted report back to its writer as a draft, saying what is missing (managers)."""

    reason: Text


class ReportEscalation(Rung):
    """A report has one ladder: the overdue report's."""


class IncidentReport(Frozen):
    """The stored report. Submitted reports are not changed again (000 §3.9: nothing is altered)."""

    report_id: str
    site_id: str
    year: int
    seq: int
    number: str
    state: ReportState
    severity: IncidentSeverity
    category: str
    report_date: str = Field(description="The site-local day the report was opened")
    occurred_at: str
    due_at: str
    building_id: str = ""
    unit: str = ""
    place: str = ""
    details: str
    immediate_action: str = ""
    police_file_number: str = ""
    remarks: str = ""
    open_problems: str = ""
    reported_by: str
    reported_by_name: str
    ticket_id: str | None = None
    ticket_number: str | None = None
    created_at: str
    updated_at: str
    submitted_at: str | None = None
    submitted_by: str | None = None
    on_time: bool | None = None
    mailed_at: str | None = None
    approved_at: str | None = None
    approved_by: str | None = None
    returned_reason: str = Field(default="", description="Why a manager last sent the report back to draft")
    escalation: ReportEscalation = ReportEscalation()
    owed: tuple[str, ...] = Field(default=(), description="Notices still to be sent: escalation-<n>, submitted")
    version: int = 1


class ReportEvent(Frozen):
    """One change to a report; append-only, like a ticket's timeline."""

    report_id: str
    seq: int
    at: str
    actor: Actor
    action: str
    from_state: ReportState | None
    to_state: ReportState
    detail: dict[str, str] = Field(default_factory=dict)


class RegisterEntry(Model):
    """One line of the register (登记表)."""

    report_id: str
    number: str
    state: ReportState
    severity: IncidentSeverity
    category: str
    occurred_at: str
    due_at: str
    overdue: bool
    submitted_at: str | None
    on_time: bool | None
    approved_at: str | None = None
    escalation_level: int
    place: str
    reported_by_name: str
    ticket_number: str | None


class Register(Model):
    site_id: str
    year: int
    reports: list[RegisterEntry]


class IncidentReportView(Model):
    report: IncidentReport
    overdue: bool
    actions: list[str]
    timeline: list[ReportEvent]
    photos: list[StaffPhotoView]


class EvidencePackOut(Model):
    pack_id: str
    report_id: str
    url: str
    url_expires_at: str
    size: int
    sha256: str = Field(description="SHA-256 of the ZIP as downloaded")
    manifest_sha256: str
    files: int


class VerifyRequest(Model):
    """What to re-check: a pack made earlier (``pack_id``), a pack uploaded for checking (``upload_id``),
    or, with neither, the stored originals themselves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pack_id: ids.HexIdField | None = None
    upload_id: ids.HexIdField | None = None


class VerifyUploadSlot(Model):
    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


class Verification(Model):
    """The verdict: ``ok`` only when every file was found and every hash matched."""

    ok: bool
    subject: str = Field(description="originals, pack or upload")
    checked: list[str]
    changed: list[str]
    missing: list[str]
    unexpected: list[str]
    problems: list[str] = Field(default_factory=list, description="Why a file could not be checked at all")
