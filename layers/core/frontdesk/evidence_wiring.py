"""Builds the photo, incident-report and evidence services from settings, once per container.

Imports of the services sit inside the builders: the public API only ever needs the photo desk,
and importing incident and evidence-pack code at cold start would cost it for nothing.
Tests replace ``SystemClock`` and call ``cache_clear()``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.clock import Clock, SystemClock
from frontdesk.settings import settings

if TYPE_CHECKING:
    from frontdesk.adapters.incidents import ReportStore
    from frontdesk.adapters.photos import PhotoStore
    from frontdesk.adapters.s3 import EvidenceBucket
    from frontdesk.app.evidence import EvidenceDesk
    from frontdesk.app.incidents import IncidentDesk, IncidentNotices
    from frontdesk.app.photos import PhotoDesk, PhotoIngest
    from frontdesk.models.photo import OwnerKind


@cache
def clock() -> Clock:
    return SystemClock()


@cache
def photo_store() -> PhotoStore:
    from frontdesk.adapters.photos import PhotoStore

    return PhotoStore(table(settings().table_name))


@cache
def report_store() -> ReportStore:
    from frontdesk.adapters.incidents import ReportStore

    return ReportStore(table(settings().table_name))


@cache
def ticket_store() -> TicketStore:
    return TicketStore(table(settings().table_name))


@cache
def site_store() -> SiteStore:
    return SiteStore(table(settings().table_name))


@cache
def bucket(name: str | None = None) -> EvidenceBucket:
    from frontdesk.adapters.s3 import EvidenceBucket

    return EvidenceBucket(name or settings().evidence_bucket)


@cache
def photo_desk() -> PhotoDesk:
    from frontdesk.app.photos import PhotoDesk

    return PhotoDesk(photo_store(), bucket(), ticket_store(), report_store(), clock())


@cache
def incident_desk() -> IncidentDesk:
    from frontdesk import sla_wiring
    from frontdesk.app.incidents import IncidentDesk

    return IncidentDesk(report_store(), ticket_store(), site_store(), photo_desk(), sla_wiring.planner(), clock())


@cache
def evidence_desk() -> EvidenceDesk:
    from frontdesk.app.evidence import EvidenceDesk

    return EvidenceDesk(report_store(), ticket_store(), photo_store(), site_store(), bucket(), clock())


@cache
def photo_ingest() -> PhotoIngest:
    from frontdesk.app.photos import PhotoIngest, Retention

    config = settings()
    return PhotoIngest(
        photo_store(), site_store(), clock(), Retention(config.evidence_retention_days, config.evidence_lock_mode)
    )


def stored_photos(owner_kind: OwnerKind, owner_id: str) -> int:
    from frontdesk.models.photo import PhotoState

    return sum(1 for p in photo_store().of(owner_kind, owner_id) if p.state is PhotoState.STORED)


@cache
def incident_notices() -> IncidentNotices:
    """The stream router's side of incident reports: rungs their clocks reach, the notices they owe."""
    from frontdesk.adapters.alerts import SnsAlerts
    from frontdesk.adapters.ses import SesMailer
    from frontdesk.adapters.sla_store import SlaStore
    from frontdesk.app.incidents import IncidentNotices

    config = settings()
    return IncidentNotices(
        reports=report_store(),
        sites=site_store(),
        lists=SlaStore(table(config.table_name)),
        mailer=SesMailer(config.sender_email, config.mail_configuration_set),
        alerts=SnsAlerts(config.escalation_topic_arn),
        photo_count=stored_photos,
        clock=clock(),
        base_url=config.public_base_url,
    )


def cache_clear() -> None:
    """Forget every service built here (tests change the environment between cases)."""
    for built in (
        clock,
        photo_store,
        report_store,
        ticket_store,
        site_store,
        bucket,
        photo_desk,
        incident_desk,
        evidence_desk,
        photo_ingest,
        incident_notices,
    ):
        built.cache_clear()
