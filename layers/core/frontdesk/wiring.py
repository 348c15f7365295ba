"""The composition root: every service built from settings, once per container.

Handlers ask here for what they use and nothing else builds a service. Each builder is cached; a
test that changes the environment (or replaces ``clock``) calls ``reset()``. Incident reports,
photos and evidence packs are imported inside their builders: the public API's cold start needs
only the ticket desk and the photo desk, and importing the rest would cost it for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from frontdesk.adapters.alerts import SnsAlerts
from frontdesk.adapters.calendars import CalendarStore
from frontdesk.adapters.callbacks import CallbackStore
from frontdesk.adapters.canned import CannedReplyStore
from frontdesk.adapters.clocks import ClockStore, start_payload
from frontdesk.adapters.cognito import CognitoStaff
from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.adapters.routing import EmergencyCallStore
from frontdesk.adapters.ses import SesMailer
from frontdesk.adapters.sfn import StepFunctionsTimers
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.adapters.sns import ChangePublisher
from frontdesk.adapters.sweep import SweepMarks
from frontdesk.app.board import Board
from frontdesk.app.bulk import BulkDesk
from frontdesk.app.calendars import CalendarDesk
from frontdesk.app.callbacks import CallbackDesk, CallbackEscalations
from frontdesk.app.canned import CannedReplyDesk
from frontdesk.app.clocks import ClockPlanner, ClockRunner, LadderEdits, Reconciler
from frontdesk.app.escalations import TicketEscalations
from frontdesk.app.linked import LinkedComplaints
from frontdesk.app.list_digest import ListDigests
from frontdesk.app.mailing import MailingDesk
from frontdesk.app.routing import EmergencyCallDesk, IntakeRouting
from frontdesk.app.staff import StaffDesk
from frontdesk.app.sweep import EndOfDaySweep
from frontdesk.app.tickets import Desk
from frontdesk.clock import Clock, SystemClock
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import SubjectType
from frontdesk.notifications import messages
from frontdesk.settings import settings

if TYPE_CHECKING:
    from frontdesk.adapters.duty import DutyStore
    from frontdesk.adapters.incidents import ReportStore
    from frontdesk.adapters.keys import KeyStore
    from frontdesk.adapters.photos import PhotoStore
    from frontdesk.adapters.s3 import EvidenceBucket
    from frontdesk.app.duty import DutyAutoEntries, DutyDesk
    from frontdesk.app.evidence import EvidenceDesk
    from frontdesk.app.incidents import IncidentDesk, IncidentNotices
    from frontdesk.app.keys import KeyDesk
    from frontdesk.app.photos import PhotoDesk, PhotoIngest
    from frontdesk.app.rung_mail import Compose, RungMail
    from frontdesk.models.photo import OwnerKind

F = TypeVar("F", bound=Callable[..., Any])
_BUILT: list[Any] = []


def _built(builder: F) -> F:
    """Cached once per container, and forgotten by ``reset()``."""
    cached = cache(builder)
    _BUILT.append(cached)
    return cached  # type: ignore[return-value]


def reset() -> None:
    """Forget every service built here and the settings they were built from."""
    settings.cache_clear()
    for cached in _BUILT:
        cached.cache_clear()


# ------------------------------------------------------------------------------------- stores


@_built
def clock() -> Clock:
    return SystemClock()


@_built
def tickets() -> TicketStore:
    return TicketStore(table(settings().table_name), clock().now)


@_built
def sites() -> SiteStore:
    return SiteStore(table(settings().table_name))


@_built
def sla_store() -> SlaStore:
    return SlaStore(table(settings().table_name))


@_built
def clock_store() -> ClockStore:
    return ClockStore(table(settings().table_name))


@_built
def engine() -> StepFunctionsTimers:
    return StepFunctionsTimers(settings().clock_machine_arn)


@_built
def publisher() -> ChangePublisher:
    return ChangePublisher(settings().events_topic_arn)


@_built
def mailer() -> SesMailer:
    config = settings()
    return SesMailer(config.sender_email, config.mail_configuration_set)


@_built
def alerts() -> SnsAlerts:
    return SnsAlerts(settings().escalation_topic_arn)


# ------------------------------------------------------------------------------------- tickets and clocks


@_built
def planner() -> ClockPlanner:
    return ClockPlanner(clock_store(), sla_store())


@_built
def board() -> Board:
    return Board(tickets(), sites(), clock())


@_built
def staff_desk() -> StaffDesk:
    return StaffDesk(CognitoStaff(settings().user_pool_id), tickets(), sites())


@_built
def desk() -> Desk:
    return Desk(tickets(), sites(), clock(), planner(), staff_desk())


@_built
def bulk_desk() -> BulkDesk:
    return BulkDesk(tickets(), sites(), clock(), planner(), staff_desk())


@_built
def calendars() -> CalendarDesk:
    return CalendarDesk(CalendarStore(table(settings().table_name)), sites())


@_built
def callback_store() -> CallbackStore:
    return CallbackStore(table(settings().table_name), clock().now)


@_built
def callbacks() -> CallbackDesk:
    return CallbackDesk(callback_store(), tickets(), sites(), calendars(), planner(), clock())


@_built
def callback_escalations() -> CallbackEscalations:
    return CallbackEscalations(
        records=callback_store(),
        sites=sites(),
        sent=sla_store(),
        mailer=mailer(),
        alerts=alerts(),
        base_url=settings().mail_base_url,
    )


@_built
def canned_replies() -> CannedReplyDesk:
    return CannedReplyDesk(CannedReplyStore(table(settings().table_name)), sites())


def tracking_url(token: str) -> str:
    return messages.tracking_link(settings().public_base_url, token)


@_built
def ticket_escalations() -> TicketEscalations:
    return TicketEscalations(
        tickets=tickets(),
        sent=sla_store(),
        sites=sites(),
        mailer=mailer(),
        alerts=alerts(),
        base_url=settings().mail_base_url,
        digests=list_digests(),
    )


@_built
def list_digests() -> ListDigests:
    return ListDigests(mailer(), sla_store(), settings().mail_base_url)


def _report_rung(clock: ClockItem, level: int) -> None:
    incident_notices().on_rung(clock, level)


def _handover_rung(clock: ClockItem, level: int) -> int:
    return handover_escalations().on_rung(clock, level)


def _key_rung(clock: ClockItem, level: int) -> int:
    return key_escalations().on_rung(clock, level)


@_built
def clock_runner() -> ClockRunner:
    recorders: dict[SubjectType, Callable[[ClockItem, int], Any]] = {
        SubjectType.TICKET: ticket_escalations(),
        SubjectType.REPORT: _report_rung,
        SubjectType.HANDOVER: _handover_rung,
        SubjectType.KEY_USE: _key_rung,
        SubjectType.CALLBACK: callback_escalations(),
    }
    return ClockRunner(engine(), start_payload, recorders)


@_built
def reconciler() -> Reconciler:
    return Reconciler(clock_store(), engine(), start_payload)


@_built
def mailing_desk() -> MailingDesk:
    return MailingDesk(sla_store(), sites(), LadderEdits(clock_store()), emergency_calls())


@_built
def emergency_calls() -> EmergencyCallStore:
    return EmergencyCallStore(table(settings().table_name))


@_built
def emergency_call_desk() -> EmergencyCallDesk:
    return EmergencyCallDesk(emergency_calls(), sites())


@_built
def end_of_day_sweep() -> EndOfDaySweep:
    return EndOfDaySweep(tickets(), sites(), SweepMarks(table(settings().table_name)), planner(), clock())


@_built
def linked_complaints() -> LinkedComplaints:
    return LinkedComplaints(tickets())


@_built
def intake_routing() -> IntakeRouting:
    return IntakeRouting(
        tickets=tickets(),
        sent=sla_store(),
        sites=sites(),
        calls=emergency_calls(),
        mailer=mailer(),
        clock=clock(),
        base_url=settings().mail_base_url,
    )


# ------------------------------------------------------------------------------------- photos, reports, evidence


@_built
def photo_store() -> PhotoStore:
    from frontdesk.adapters.photos import PhotoStore

    return PhotoStore(table(settings().table_name))


@_built
def report_store() -> ReportStore:
    from frontdesk.adapters.incidents import ReportStore

    return ReportStore(table(settings().table_name))


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

    return DutyStore(table(settings().table_name))


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

    return RungMail(sites(), sla_store(), sla_store(), mailer(), clock(), compose)


# ------------------------------------------------------------------------------------- emergency keys


@_built
def key_store() -> KeyStore:
    from frontdesk.adapters.keys import KeyStore

    return KeyStore(table(settings().table_name))


@_built
def key_desk() -> KeyDesk:
    from frontdesk.app.keys import KeyDesk

    return KeyDesk(key_store(), sites(), planner(), clock())


@_built
def key_escalations() -> RungMail:
    """The stream router's side of emergency keys: a key not back in time is mailed to the rung's list, once."""
    from frontdesk.app.keys import key_return_mail

    return _rung_mail(key_return_mail(key_store(), settings().mail_base_url))
