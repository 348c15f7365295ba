"""Staff API: incident reports (事故报告) — opened by duty managers, numbered per site and year,
due 24 h / 12 h after the occurrence, submitted to the managers; the register; evidence packs for an
insurer and their verification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, get_type_hints

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import BaseModel

from frontdesk.api import intake
from frontdesk.api.callers import Language, StaffActor
from frontdesk.api.params import IdempotencyKey, ReportId, SiteQuery
from frontdesk.api.routes import declare_post, new_router, summary_of
from frontdesk.app.incidents import IncidentDesk
from frontdesk.domain.evidence import PHOTO_RULE
from frontdesk.models.incident import (
    EvidencePackOut,
    IncidentReport,
    IncidentReportView,
    NewIncidentReport,
    Register,
    Verification,
    VerifyRequest,
    VerifyUploadSlot,
)
from frontdesk.models.photo import UploadRequest, UploadSlot
from frontdesk.models.ticket import Actor
from frontdesk.wiring import evidence_desk, idempotency, incident_desk, photo_desk

router = new_router()


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
    return intake.open_once(idempotency, scope, idempotency_key, payload, action), 201


@router.get("/staff/incident-reports", summary="The register: every report of a site's year, in number order")
def register(
    actor: StaffActor,
    site_id: SiteQuery,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
) -> Register:
    return incident_desk().register(site_id, year, actor)


@router.get("/staff/incident-reports/<report_id>", summary="A report with its timeline, photos and your actions")
def read_report(actor: StaffActor, report_id: ReportId) -> IncidentReportView:
    return _view(report_id, actor)


# The four changes of a report's life: the same route shape, declared once (_change_route below).
# A manager's or writer's change to a report: ``POST /staff/incident-reports/<report_id>/<action>``
# with the desk method's command in the body; the summary is what the command's docstring says.
CHANGES: tuple[tuple[str, Callable[[IncidentDesk, str, Any, Actor], IncidentReport]], ...] = (
    ("update", IncidentDesk.update),
    ("submit", IncidentDesk.submit),
    ("approve", IncidentDesk.approve),
    ("send-back", IncidentDesk.send_back),
)


def _change_route(action: str, change: Callable[[IncidentDesk, str, Any, Actor], IncidentReport]) -> None:
    """The change, then the report as the caller now sees it."""
    command = get_type_hints(change)["command"]

    def route(actor: Actor, report_id: str, body: BaseModel) -> IncidentReportView:
        change(incident_desk(), report_id, body, actor)
        return _view(report_id, actor)

    declare_post(
        router,
        f"/staff/incident-reports/<report_id>/{action}",
        summary_of(command),
        route,
        name=f"{change.__name__}_report",
        returns=IncidentReportView,
        actor=StaffActor,
        report_id=ReportId,
        body=Annotated[command, Body()],
    )


for _action, _change in CHANGES:
    _change_route(_action, _change)


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
