"""The composition root: every service built from settings, once per container.

Handlers ask here for what they use and nothing else builds a service. Each builder is cached per
container; a test that changes the environment (or replaces ``clock``) calls ``reset()``. Every use case,
adapter and model is imported inside the builder that needs it (types under TYPE_CHECKING), and
the clock runner reaches each feature's escalations through a function: a cold start imports
what its route or event uses, not the whole layer (ADR 0027; tests/unit/test_cold_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from frontdesk.clock import Clock, SystemClock
from frontdesk.settings import settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from mypy_boto3_dynamodb.service_resource import Table

    from frontdesk.adapters.alerts import SnsAlerts
    from frontdesk.adapters.callbacks import CallbackStore
    from frontdesk.adapters.clocks import ClockStore
    from frontdesk.adapters.cognito import CognitoStaff
    from frontdesk.adapters.corrective import CorrectiveActionStore
    from frontdesk.adapters.duty import DutyStore
    from frontdesk.adapters.duty_roster import RosterStore
    from frontdesk.adapters.dynamodb import SiteStore, TicketStore
    from frontdesk.adapters.incidents import ReportStore
    from frontdesk.adapters.keys import KeyStore
    from frontdesk.adapters.parcels import ParcelStore
    from frontdesk.adapters.photos import PhotoStore
    from frontdesk.adapters.routing import EmergencyCallStore
    from frontdesk.adapters.s3 import EvidenceBucket
    from frontdesk.adapters.ses import SesMailer
    from frontdesk.adapters.sfn import StepFunctionsTimers
    from frontdesk.adapters.sla_store import SlaStore
    from frontdesk.adapters.sns import ChangePublisher
    from frontdesk.app.apology import ApologyDesk
    from frontdesk.app.board import Board
    from frontdesk.app.bulk import BulkDesk
    from frontdesk.app.calendars import CalendarDesk
    from frontdesk.app.callbacks import CallbackDesk, CallbackEscalations
    from frontdesk.app.campaigns import CampaignDesk, SurveyLinks
    from frontdesk.app.canned import CannedReplyDesk
    from frontdesk.app.clocks import ClockPlanner, ClockRunner, Reconciler
    from frontdesk.app.corrective import CorrectiveActionDesk
    from frontdesk.app.duty import DutyAutoEntries, DutyDesk
    from frontdesk.app.duty_roster import OnShift, RosterDesk, RosterReminder
    from frontdesk.app.duty_summary import WeeklyDutySummary
    from frontdesk.app.escalations import TicketEscalations
    from frontdesk.app.evidence import EvidenceDesk
    from frontdesk.app.incidents import IncidentDesk, IncidentNotices
    from frontdesk.app.key_audit import KeyAuditDesk
    from frontdesk.app.keys import KeyDesk
    from frontdesk.app.linked import LinkedComplaints
    from frontdesk.app.list_digest import ListDigests
    from frontdesk.app.mail_once import MailOnce
    from frontdesk.app.mailing import MailingDesk
    from frontdesk.app.monthly_callbacks import MonthlyCallbacks
    from frontdesk.app.parcels import ParcelDesk, ParcelNotices
    from frontdesk.app.photos import PhotoDesk, PhotoIngest
    from frontdesk.app.quarterly import QuarterlyDesk
    from frontdesk.app.routing import EmergencyCallDesk, IntakeRouting
    from frontdesk.app.rung_mail import Compose, RungMail
    from frontdesk.app.second_factor import SecondFactorGate
    from frontdesk.app.staff import StaffDesk
    from frontdesk.app.sweep import EndOfDaySweep
    from frontdesk.app.tickets import Desk
    from frontdesk.models.clock import Clock as ClockItem
    from frontdesk.models.clock import SubjectType
    from frontdesk.models.photo import OwnerKind

F = TypeVar("F", bound=Callable[..., Any])
_BUILT: list[dict[object, Callable[..., Any]]] = []

# The container an invocation runs in. On Lambda a process is one container and this stays None.
# A host running several containers of a function in one process, sharing this layer (the local
# stack's runtime), sets it around each invocation so that each container builds its own services,
# as on Lambda: a boto3 resource is not thread-safe (its condition builder numbers the placeholders
# of one request in a counter every request of that resource shares).
CONTAINER: ContextVar[object] = ContextVar("frontdesk_container", default=None)


def _built(builder: F) -> F:
    """Cached once per container, and forgotten by ``reset()``."""
    per_container: dict[object, Callable[..., Any]] = {}
    _BUILT.append(per_container)

    @wraps(builder)
    def built(*args: Any, **kwargs: Any) -> Any:
        container = CONTAINER.get()
        cached = per_container.get(container)
        if cached is None:
            cached = per_container.setdefault(container, cache(builder))
        return cached(*args, **kwargs)

    return built  # type: ignore[return-value]


def reset() -> None:
    """Forget every service built here and the settings they were built from."""
    settings.cache_clear()
    for per_container in _BUILT:
        per_container.clear()


# ------------------------------------------------------------------------------------- stores


@_built
def clock() -> Clock:
    return SystemClock()


@_built
def _table() -> Table:
    """One resource for every store of the table: each boto3 resource made is a client made (ADR 0027)."""
    from frontdesk.adapters.dynamodb import table

    return table(settings().table_name)


@_built
def idempotency() -> DynamoDBPersistenceLayer:
    """Where intake keeps the first answer to an Idempotency-Key (frontdesk.api.intake)."""
    from frontdesk.adapters.dynamodb import idempotency_store

    return idempotency_store(settings().idempotency_table_name)


@_built
def tickets() -> TicketStore:
    from frontdesk.adapters.dynamodb import TicketStore

    return TicketStore(_table(), clock().now)


@_built
def sites() -> SiteStore:
    from frontdesk.adapters.dynamodb import SiteStore

    return SiteStore(_table())


@_built
def sla_store() -> SlaStore:
    from frontdesk.adapters.sla_store import SlaStore

    return SlaStore(_table())


@_built
def clock_store() -> ClockStore:
    from frontdesk.adapters.clocks import ClockStore

    return ClockStore(_table())


@_built
def engine() -> StepFunctionsTimers:
    from frontdesk.adapters.sfn import StepFunctionsTimers

    return StepFunctionsTimers(settings().clock_machine_arn)


@_built
def publisher() -> ChangePublisher:
    from frontdesk.adapters.sns import ChangePublisher

    return ChangePublisher(settings().events_topic_arn)


@_built
def mailer() -> SesMailer:
    from frontdesk.adapters.ses import SesMailer

    config = settings()
    return SesMailer(config.sender_email, config.mail_configuration_set)


def _mail_once() -> MailOnce:
    from frontdesk.app.mail_once import MailOnce

    return MailOnce(sla_store(), mailer())


@_built
def alerts() -> SnsAlerts:
    from frontdesk.adapters.alerts import SnsAlerts

    return SnsAlerts(settings().escalation_topic_arn)


# ------------------------------------------------------------------------------------- tickets and clocks


@_built
def planner() -> ClockPlanner:
    from frontdesk.app.clocks import ClockPlanner

    return ClockPlanner(clock_store(), sla_store())


@_built
def board() -> Board:
    from frontdesk.app.board import Board

    return Board(tickets(), sites(), clock())


@_built
def staff_desk() -> StaffDesk:
    from frontdesk.app.staff import StaffDesk

    return StaffDesk(directory(), tickets(), sites())


@_built
def directory() -> CognitoStaff:
    from frontdesk.adapters.cognito import CognitoStaff

    return CognitoStaff(settings().user_pool_id)


@_built
def second_factor() -> SecondFactorGate:
    from frontdesk.app.second_factor import SecondFactorGate

    return SecondFactorGate(directory(), required=settings().manager_mfa == "required")


@_built
def desk() -> Desk:
    from frontdesk.app.tickets import Desk

    return Desk(tickets(), sites(), clock(), planner(), staff_desk())


@_built
def bulk_desk() -> BulkDesk:
    from frontdesk.app.bulk import BulkDesk

    return BulkDesk(tickets(), sites(), clock(), planner(), staff_desk())


@_built
def calendars() -> CalendarDesk:
    from frontdesk.adapters.calendars import CalendarStore
    from frontdesk.app.calendars import CalendarDesk

    return CalendarDesk(CalendarStore(_table()), sites())


@_built
def callback_store() -> CallbackStore:
    from frontdesk.adapters.callbacks import CallbackStore

    return CallbackStore(_table(), clock().now)


@_built
def callbacks() -> CallbackDesk:
    from frontdesk.app.callbacks import CallbackDesk

    return CallbackDesk(callback_store(), tickets(), sites(), calendars(), planner(), clock())


@_built
def monthly_callbacks() -> MonthlyCallbacks:
    from frontdesk.app.monthly_callbacks import MonthlyCallbacks

    return MonthlyCallbacks(callback_store(), tickets(), sites(), calendars(), planner(), clock())


@_built
def callback_escalations() -> CallbackEscalations:
    from frontdesk.app.callbacks import CallbackEscalations

    return CallbackEscalations(
        records=callback_store(),
        sites=sites(),
        sent=sla_store(),
        mailer=mailer(),
        alerts=alerts(),
        base_url=settings().mail_base_url,
        on_shift=on_shift(),
    )


@_built
def campaigns() -> CampaignDesk:
    from frontdesk.adapters.campaigns import CampaignStore
    from frontdesk.app.campaigns import CampaignDesk

    return CampaignDesk(CampaignStore(_table()), sites(), tickets(), mailer(), clock(), settings().mail_base_url)


@_built
def survey_links() -> SurveyLinks:
    from frontdesk.app.campaigns import SurveyLinks

    return SurveyLinks(campaigns(), callbacks())


@_built
def quarterly() -> QuarterlyDesk:
    from frontdesk.adapters.quarterly import QuarterRecords
    from frontdesk.app.quarterly import QuarterlyDesk

    return QuarterlyDesk(
        QuarterRecords(_table()),
        sites(),
        calendars(),
        _mail_once(),
        clock(),
        settings().mail_base_url,
    )


@_built
def canned_replies() -> CannedReplyDesk:
    from frontdesk.adapters.canned import CannedReplyStore
    from frontdesk.app.canned import CannedReplyDesk

    return CannedReplyDesk(CannedReplyStore(_table()), sites())


def tracking_url(token: str) -> str:
    from frontdesk.notifications.links import TenantPage, tenant_link

    return tenant_link(settings().public_base_url, TenantPage.TRACK, token)


@_built
def ticket_escalations() -> TicketEscalations:
    from frontdesk.app.escalations import TicketEscalations

    return TicketEscalations(
        tickets=tickets(),
        sent=sla_store(),
        sites=sites(),
        mailer=mailer(),
        alerts=alerts(),
        base_url=settings().mail_base_url,
        on_shift=on_shift(),
        digests=list_digests(),
    )


@_built
def list_digests() -> ListDigests:
    from frontdesk.app.list_digest import ListDigests

    return ListDigests(mailer(), sla_store(), settings().mail_base_url)


def _report_rung(clock: ClockItem, level: int) -> None:
    incident_notices().on_rung(clock, level)


def _handover_rung(clock: ClockItem, level: int) -> int:
    return handover_escalations().on_rung(clock, level)


def _key_rung(clock: ClockItem, level: int) -> int:
    return key_escalations().on_rung(clock, level)


def _corrective_rung(clock: ClockItem, level: int) -> int:
    return corrective_escalations().on_rung(clock, level)


def _key_audit_rung(clock: ClockItem, level: int) -> int:
    return key_audit_escalations().on_rung(clock, level)


def _callback_rung(clock: ClockItem, level: int) -> Any:
    return callback_escalations()(clock, level)


@_built
def clock_runner() -> ClockRunner:
    from frontdesk.adapters.clocks import start_payload
    from frontdesk.app.clocks import ClockRunner
    from frontdesk.models.clock import SubjectType

    recorders: dict[SubjectType, Callable[[ClockItem, int], Any]] = {
        SubjectType.TICKET: ticket_escalations(),
        SubjectType.REPORT: _report_rung,
        SubjectType.HANDOVER: _handover_rung,
        SubjectType.KEY_USE: _key_rung,
        SubjectType.KEY_AUDIT: _key_audit_rung,
        SubjectType.CALLBACK: _callback_rung,
        SubjectType.CORRECTIVE_ACTION: _corrective_rung,
    }
    return ClockRunner(engine(), start_payload, recorders)


@_built
def reconciler() -> Reconciler:
    from frontdesk.adapters.clocks import start_payload
    from frontdesk.app.clocks import Reconciler

    return Reconciler(clock_store(), engine(), start_payload)


@_built
def mailing_desk() -> MailingDesk:
    from frontdesk.app.clocks import LadderEdits
    from frontdesk.app.mailing import MailingDesk

    return MailingDesk(sla_store(), sites(), LadderEdits(clock_store()), emergency_calls())


@_built
def emergency_calls() -> EmergencyCallStore:
    from frontdesk.adapters.routing import EmergencyCallStore

    return EmergencyCallStore(_table())


@_built
def emergency_call_desk() -> EmergencyCallDesk:
    from frontdesk.app.routing import EmergencyCallDesk

    return EmergencyCallDesk(emergency_calls(), sites())


@_built
def apology_desk() -> ApologyDesk:
    from frontdesk.adapters.apology import ApologyTemplateStore
    from frontdesk.app.apology import ApologyDesk

    return ApologyDesk(ApologyTemplateStore(_table()), tickets(), sites(), clock())


@_built
def corrective_store() -> CorrectiveActionStore:
    from frontdesk.adapters.corrective import CorrectiveActionStore

    return CorrectiveActionStore(_table())


@_built
def corrective_desk() -> CorrectiveActionDesk:
    from frontdesk.app.corrective import CorrectiveActionDesk

    return CorrectiveActionDesk(corrective_store(), tickets(), sites(), planner(), clock())


@_built
def corrective_escalations() -> RungMail:
    """The stream router's side of corrective actions: one not verified in time is mailed to the rung's list, once."""
    from frontdesk.app.corrective import corrective_action_mail

    return _rung_mail(corrective_action_mail(corrective_store(), settings().mail_base_url))


@_built
def end_of_day_sweep() -> EndOfDaySweep:
    from frontdesk.adapters.sweep import SweepMarks
    from frontdesk.app.sweep import EndOfDaySweep

    return EndOfDaySweep(tickets(), sites(), SweepMarks(_table()), planner(), clock())


@_built
def linked_complaints() -> LinkedComplaints:
    from frontdesk.app.linked import LinkedComplaints

    return LinkedComplaints(tickets())


@_built
def intake_routing() -> IntakeRouting:
    from frontdesk.app.routing import IntakeRouting

    return IntakeRouting(
        tickets=tickets(),
        mail=_mail_once(),
        sites=sites(),
        calls=emergency_calls(),
        clock=clock(),
        base_url=settings().mail_base_url,
    )


# ------------------------------------------------------------------------------------- photos, reports, evidence


@_built
def photo_store() -> PhotoStore:
    from frontdesk.adapters.photos import PhotoStore

    return PhotoStore(_table())


@_built
def report_store() -> ReportStore:
    from frontdesk.adapters.incidents import ReportStore

    return ReportStore(_table())


@_built
def bucket(name: str | None = None) -> EvidenceBucket:
    from frontdesk.adapters.s3 import EvidenceBucket

    return EvidenceBucket(name or settings().evidence_bucket)


@_built
def photo_desk() -> PhotoDesk:
    from frontdesk.app.photos import PhotoDesk

    return PhotoDesk(photo_store(), bucket(), tickets(), report_store(), clock())


@_built
def photo_ingest() -> PhotoIngest:
    from frontdesk.app.photos import PhotoIngest, Retention

    config = settings()
    return PhotoIngest(
        photo_store(), sites(), clock(), Retention(config.evidence_retention_days, config.evidence_lock_mode)
    )


@_built
def incident_desk() -> IncidentDesk:
    from frontdesk.app.incidents import IncidentDesk

    return IncidentDesk(report_store(), tickets(), sites(), photo_desk(), planner(), clock())


@_built
def evidence_desk() -> EvidenceDesk:
    from frontdesk.app.evidence import EvidenceDesk

    return EvidenceDesk(report_store(), tickets(), photo_store(), sites(), bucket(), clock())


def stored_photos(owner_kind: OwnerKind, owner_id: str) -> int:
    from frontdesk.models.photo import PhotoState

    return sum(1 for p in photo_store().of(owner_kind, owner_id) if p.state is PhotoState.STORED)


@_built
def incident_notices() -> IncidentNotices:
    """The stream router's side of incident reports: rungs their clocks reach, the notices they owe."""
    from frontdesk.app.incidents import IncidentNotices

    return IncidentNotices(
        reports=report_store(),
        sites=sites(),
        lists=sla_store(),
        mailer=mailer(),
        alerts=alerts(),
        photo_count=stored_photos,
        clock=clock(),
        base_url=settings().mail_base_url,
    )


# ------------------------------------------------------------------------------------- the duty log


@_built
def duty_store() -> DutyStore:
    from frontdesk.adapters.duty import DutyStore

    return DutyStore(_table())


@_built
def duty_desk() -> DutyDesk:
    from frontdesk.app.duty import DutyDesk, SealRetention

    config = settings()
    return DutyDesk(
        duty_store(),
        sites(),
        bucket(),
        SealRetention(config.evidence_retention_days, config.evidence_lock_mode),
        clock(),
        planner(),
        tickets(),
        clock_store(),
        key_store(),
        parcel_store(),
    )


@_built
def duty_entries() -> DutyAutoEntries:
    """The stream router's side of the duty log: complaints, emergencies and reports enter themselves."""
    from frontdesk.app.duty import DutyAutoEntries

    return DutyAutoEntries(duty_desk(), tickets(), report_store())


@_built
def handover_escalations() -> RungMail:
    """The stream router's side of handovers: a rung their clock reached is mailed to its list, once."""
    from frontdesk.app.duty import handover_mail

    return _rung_mail(handover_mail(duty_store(), settings().mail_base_url))


def _rung_mail(compose: Compose) -> RungMail:
    from frontdesk.app.rung_mail import RungMail

    return RungMail(sites(), sla_store(), sla_store(), mailer(), clock(), compose, on_shift())


# ------------------------------------------------------------------------------------- the duty roster


@_built
def roster_store() -> RosterStore:
    from frontdesk.adapters.duty_roster import RosterStore

    return RosterStore(_table())


@_built
def roster_desk() -> RosterDesk:
    from frontdesk.adapters.cognito import CognitoStaff
    from frontdesk.app.duty_roster import RosterDesk

    return RosterDesk(roster_store(), sites(), CognitoStaff(settings().user_pool_id), clock())


@_built
def on_shift() -> OnShift:
    """Whom a rung naming "the duty manager on shift" reaches (the stream router's side)."""
    from frontdesk.app.duty_roster import OnShift

    return OnShift(roster_store())


@_built
def roster_reminder() -> RosterReminder:
    from frontdesk.app.duty_roster import RosterReminder

    return RosterReminder(sites(), roster_store(), _mail_once(), clock(), settings().mail_base_url)


# ------------------------------------------------------------------------------------- emergency keys


@_built
def key_store() -> KeyStore:
    from frontdesk.adapters.keys import KeyStore

    return KeyStore(_table())


@_built
def key_desk() -> KeyDesk:
    from frontdesk.app.keys import KeyDesk

    return KeyDesk(key_store(), sites(), calendars(), planner(), clock())


@_built
def key_escalations() -> RungMail:
    """The stream router's side of emergency keys: a key not back in time is mailed to the rung's list, once."""
    from frontdesk.app.keys import key_return_mail

    return _rung_mail(key_return_mail(key_store(), settings().mail_base_url))


@_built
def key_audits() -> KeyAuditDesk:
    from frontdesk.adapters.key_audits import KeyAuditStore
    from frontdesk.app.key_audit import KeyAuditDesk

    return KeyAuditDesk(KeyAuditStore(_table()), key_store(), sites(), calendars(), planner(), clock())


@_built
def key_audit_escalations() -> RungMail:
    """The stream router's side of the cabinet audit: not filed on the 28th, the rung's list is mailed, once."""
    from frontdesk.adapters.key_audits import KeyAuditStore
    from frontdesk.app.key_audit import key_audit_mail

    return _rung_mail(key_audit_mail(KeyAuditStore(_table()), settings().mail_base_url))


# ------------------------------------------------------------------------------------- parcels


@_built
def parcel_store() -> ParcelStore:
    from frontdesk.adapters.parcels import ParcelStore

    return ParcelStore(_table())


@_built
def parcel_desk() -> ParcelDesk:
    from frontdesk.app.parcels import ParcelDesk

    return ParcelDesk(parcel_store(), sites(), clock())


@_built
def parcel_notices() -> ParcelNotices:
    """The schedule's side of parcels: recipients told in their site's 17:00–18:00 window, once."""
    from frontdesk.app.parcels import ParcelNotices

    return ParcelNotices(parcel_store(), sites(), mailer(), clock())


@_built
def weekly_duty_summary() -> WeeklyDutySummary:
    """The schedule's weekly duty summary, per site and week, mailed once."""
    from frontdesk.adapters.duty_summary import SummaryMarks
    from frontdesk.app.duty_summary import WeeklyDutySummary

    return WeeklyDutySummary(
        sites=sites(),
        log=duty_store(),
        keys=key_store(),
        parcels=parcel_store(),
        tickets=tickets(),
        clocks=clock_store(),
        lists=sla_store(),
        marks=SummaryMarks(_table()),
        mailer=mailer(),
        clock=clock(),
        base_url=settings().mail_base_url,
    )
