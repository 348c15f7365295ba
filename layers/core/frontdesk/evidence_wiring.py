"""Builds the photo, incident-report and evidence services from the environment, once per container.

The evidence settings are read here, once, into a typed model (like frontdesk.settings, which
holds the rest; they can move there). Tests replace ``SystemClock`` and call ``cache_clear()``.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

from frontdesk.adapters.alerts import SnsAlerts
from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.adapters.incidents import ReportStore
from frontdesk.adapters.photos import PhotoStore
from frontdesk.adapters.s3 import EvidenceBucket
from frontdesk.adapters.ses import SesMailer
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.clock import Clock, SystemClock
from frontdesk.evidence.service import EvidenceDesk
from frontdesk.incidents import IncidentDesk, IncidentSweep
from frontdesk.models.photo import OwnerKind, PhotoState
from frontdesk.photos import PhotoDesk, PhotoIngest, Retention
from frontdesk.settings import settings


class EvidenceSettings(BaseModel):
    bucket: str = Field(default="", description="EVIDENCE_BUCKET: the evidence bucket (the APIs)")
    retention_days: int = Field(default=1095, ge=1, le=36500, description="EVIDENCE_RETENTION_DAYS")
    lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(default="COMPLIANCE", description="EVIDENCE_LOCK_MODE")


@cache
def evidence_settings() -> EvidenceSettings:
    env = os.environ
    return EvidenceSettings.model_validate(
        {
            key: value
            for key, value in {
                "bucket": env.get("EVIDENCE_BUCKET"),
                "retention_days": env.get("EVIDENCE_RETENTION_DAYS"),
                "lock_mode": env.get("EVIDENCE_LOCK_MODE"),
            }.items()
            if value
        }
    )


@cache
def clock() -> Clock:
    return SystemClock()


@cache
def photo_store() -> PhotoStore:
    return PhotoStore(table(settings().table_name))


@cache
def report_store() -> ReportStore:
    return ReportStore(table(settings().table_name))


@cache
def ticket_store() -> TicketStore:
    return TicketStore(table(settings().table_name))


@cache
def site_store() -> SiteStore:
    return SiteStore(table(settings().table_name))


@cache
def bucket(name: str | None = None) -> EvidenceBucket:
    return EvidenceBucket(name or evidence_settings().bucket)


@cache
def photo_desk() -> PhotoDesk:
    return PhotoDesk(photo_store(), bucket(), ticket_store(), report_store(), clock())


@cache
def incident_desk() -> IncidentDesk:
    return IncidentDesk(report_store(), ticket_store(), site_store(), photo_desk(), clock())


@cache
def evidence_desk() -> EvidenceDesk:
    return EvidenceDesk(report_store(), ticket_store(), photo_store(), site_store(), bucket(), clock())


@cache
def photo_ingest() -> PhotoIngest:
    config = evidence_settings()
    return PhotoIngest(photo_store(), site_store(), clock(), Retention(config.retention_days, config.lock_mode))


def stored_photos(owner_kind: OwnerKind, owner_id: str) -> int:
    return sum(1 for p in photo_store().of(owner_kind, owner_id) if p.state is PhotoState.STORED)


@cache
def incident_sweep() -> IncidentSweep:
    config = settings()
    return IncidentSweep(
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
        evidence_settings,
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
        incident_sweep,
    ):
        built.cache_clear()
