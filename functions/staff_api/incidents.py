"""Staff API: incident reports (事故报告) — opened by duty managers, numbered per site and year,
due 24 h / 12 h after the occurrence, submitted to the managers; the register; evidence packs for an
insurer and their verification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query

from frontdesk.api import intake
from frontdesk.api.callers import Language, StaffActor
from frontdesk.domain.evidence import PHOTO_RULE
from frontdesk.models.incident import (
    ApproveIncidentReport,
    EvidencePackOut,
    IncidentReportView,
    NewIncidentReport,
    Register,
    SendBackIncidentReport,
    SubmitIncidentReport,
    UpdateIncidentReport,
    Verification,
    VerifyRequest,
    VerifyUploadSlot,
)
from frontdesk.models.photo import UploadRequest, UploadSlot
from frontdesk.models.ticket import Actor
from frontdesk.settings import settings
from frontdesk.wiring import evidence_desk, incident_desk, photo_desk

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves Router.__init__ unannotated

ReportId = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}-\d{4}-\d{4,6}$")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _view(report_id: str, actor: Actor) -> IncidentReportView:
    return incident_desk().read(report_id, actor)


@router.post(
    "/staff/incident-reports",
    summary="Open an incident report, from a ticket or on its own (duty managers); numbered per site and year",
    responses={201: {"description": "Created"}},
)
def create_report(
    actor: StaffActor, body: Annotated[NewIncidentReport, Body()], idempotency_key: IdempotencyKey = None
) -> tuple[dict[str, Any], int]:

    def action() -> dict[str, Any]:
        report = incident_desk().create(body, actor)
        return _view(report.report_id, actor).model_dump(mode="json")

    scope = f"incident:{actor.id}"
    payload = body.model_dump(mode="json")
    return intake.open_once(settings().idempotency_table_name, scope, idempotency_key, payload, action), 201


@router.get("/staff/incident-reports", summary="The register: every report of a site's year, in number order")
def register(
    actor: StaffActor,
    site_id: Annotated[str, Query(pattern=r"^[a-z0-9-]{1,40}$")],
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
) -> Register:
    return incident_desk().register(site_id, year, actor)


@router.get("/staff/incident-reports/<report_id>", summary="A report with its timeline, photos and your actions")
def read_report(actor: StaffActor, report_id: ReportId) -> IncidentReportView:
    return _view(report_id, actor)


@router.post("/staff/incident-reports/<report_id>/update", summary="Complete or correct a draft report")
def update_report(
    actor: StaffActor, report_id: ReportId, body: Annotated[UpdateIncidentReport, Body()]
) -> IncidentReportView:
    return _changed(incident_desk().update, report_id, body, actor)


@router.post(
    "/staff/incident-reports/<report_id>/submit",
    summary="Submit the report: it is closed to changes and mailed to the managers and department heads",
)
def submit_report(
    actor: StaffActor, report_id: ReportId, body: Annotated[SubmitIncidentReport, Body()]
) -> IncidentReportView:
    return _changed(incident_desk().submit, report_id, body, actor)


@router.post(
    "/staff/incident-reports/<report_id>/approve",
    summary="Approve a submitted report (managers): archived, closed to every change (000 §3.5.2c)",
)
def approve_report(
    actor: StaffActor, report_id: ReportId, body: Annotated[ApproveIncidentReport, Body()]
) -> IncidentReportView:
    return _changed(incident_desk().approve, report_id, body, actor)


@router.post(
    "/staff/incident-reports/<report_id>/send-back",
    summary="Send a submitted report back to its writer as a draft, with a reason (managers)",
)
def send_back_report(
    actor: StaffActor, report_id: ReportId, body: Annotated[SendBackIncidentReport, Body()]
) -> IncidentReportView:
    return _changed(incident_desk().send_back, report_id, body, actor)


@router.post(
    "/staff/incident-reports/<report_id>/photos",
    summary=f"Upload a photo of the damage: a presigned POST straight to storage ({PHOTO_RULE})",
)
def upload_photo(actor: StaffActor, report_id: ReportId, body: Annotated[UploadRequest, Body()]) -> UploadSlot:
    return photo_desk().slot_for_report(report_id, body, actor)


@router.post(
    "/staff/incident-reports/<report_id>/evidence-pack",
    summary="Make the insurer's evidence pack (ZIP: report, original photos, timelines, SHA-256 manifest)",
)
def evidence_pack(actor: StaffActor, language: Language, report_id: ReportId) -> EvidencePackOut:
    return evidence_desk().build(report_id, actor, language)


@router.post(
    "/staff/incident-reports/<report_id>/verify-upload",
    summary="Bring a pack back to be checked: a presigned POST for the ZIP",
)
def verify_upload(actor: StaffActor, report_id: ReportId) -> VerifyUploadSlot:
    return evidence_desk().verify_slot(report_id, actor)


@router.post(
    "/staff/incident-reports/<report_id>/verify",
    summary="Re-check a pack (made here or brought back) or, with an empty body, the stored originals",
)
def verify(actor: StaffActor, report_id: ReportId, body: Annotated[VerifyRequest, Body()]) -> Verification:
    return evidence_desk().verify(report_id, body, actor)


def _changed(
    change: Callable[[str, Any, Actor], object], report_id: str, body: Any, actor: Actor
) -> IncidentReportView:
    """One change to the report, then the report as the caller now sees it."""
    change(report_id, body, actor)
    return _view(report_id, actor)
