"""Every port of the application: what the use cases in ``app/`` need from the outside world.

The adapters in ``frontdesk.adapters`` provide them, on AWS and on moto alike (the same boto3 code);
the unit tests provide small in-memory ones. One definition per port: a use case that needs less
than a whole store names the narrow port (``SiteLookup``), never a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

from frontdesk.domain.errors import ErrorCode, NotFound

if TYPE_CHECKING:  # annotations only: a handler importing one port loads no model it does not use
    from datetime import date, datetime

    from frontdesk.domain.calendar import Calendar
    from frontdesk.domain.clocks import ClockWrite
    from frontdesk.domain.duty import HandoverWrite
    from frontdesk.domain.incidents import ReportChange
    from frontdesk.domain.lifecycle import Change
    from frontdesk.domain.search import Found, Plan
    from frontdesk.models.apology import ApologyTemplates
    from frontdesk.models.calendar import Hours, YearCalendar
    from frontdesk.models.callback import Callback, DrawRule, MonthlyDraw, Sample
    from frontdesk.models.campaign import Campaign, Invitation
    from frontdesk.models.canned import CannedReplies, CannedReply
    from frontdesk.models.clock import Clock, ClockKind, SubjectType
    from frontdesk.models.corrective import CorrectiveAction
    from frontdesk.models.duty import DutyEntry, DutyPage, Handover
    from frontdesk.models.duty_roster import DutyRoster
    from frontdesk.models.escalation import Ladder
    from frontdesk.models.incident import IncidentReport, ReportEvent
    from frontdesk.models.key_audit import KeyAudit
    from frontdesk.models.keys import EmergencyKey, KeyUse
    from frontdesk.models.mailing import MailingList
    from frontdesk.models.parcels import Parcel
    from frontdesk.models.photo import OwnerKind, Photo, Refusal, StaffPhotoView
    from frontdesk.models.routing import EmergencyCalls
    from frontdesk.models.site import Site
    from frontdesk.models.staff import Person
    from frontdesk.models.ticket import Role, Ticket, TimelineEvent

# ----------------------------------------------------------------------------------- sites


class SiteLookup(Protocol):
    def get(self, site_id: str) -> Site | None: ...


class AllSites(Protocol):
    def all(self) -> list[Site]: ...


class Sites(SiteLookup, AllSites, Protocol):
    pass


T = TypeVar("T")


def _found(found: T | None, field: str, code: ErrorCode) -> T:
    """What a request names, or 404 naming the field: one wording for every use case."""
    if found is None:
        raise NotFound(field=field, code=code)
    return found


def existing(found: T | None, what: str) -> T:
    """A record the system itself refers to (a clock's subject): missing is a lost write or a bug,
    so the stream record fails and is retried, rather than a 404 a person would read."""
    if found is None:
        raise LookupError(f"{what} does not exist")
    return found


def require_site(sites: SiteLookup, site_id: str) -> Site:
    return _found(sites.get(site_id), "site_id", ErrorCode.SITE_NOT_FOUND)


# ----------------------------------------------------------------------------------- tickets


class TicketLookup(Protocol):
    def get(self, ticket_id: str) -> Ticket | None: ...


class TicketsByToken(TicketLookup, Protocol):
    def ticket_id_for(self, token_hash: str) -> str | None: ...


class TicketHistory(TicketLookup, Protocol):
    def timeline(self, ticket_id: str) -> list[TimelineEvent]: ...


class TicketSystemChanges(TicketLookup, Protocol):
    """What the clock's side writes on a ticket: a change recorded once, under a marker."""

    def record_system_change(self, change: Change, expected_version: int, marker: str) -> bool: ...
    def event(self, ticket_id: str, seq: int) -> TimelineEvent | None: ...
    def forget_notice(self, ticket_id: str, notice: str) -> None: ...
    def add_token(self, ticket_id: str, token_hash: str) -> None: ...


class OpenByDeadline(Protocol):
    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Ticket]: ...


class OpenTickets(OpenByDeadline, Protocol):
    def by_unit(self, site_id: str, building_id: str, unit: str, limit: int = 100) -> list[Ticket]: ...
    # the unit's tickets of one kind and category created at or after ``since``
    def count_at_unit(self, site_id: str, building_id: str, unit: str, kind: str, category: str, since: str) -> int: ...


class TicketSearch(Protocol):
    """Reads through the store's indexes for the board (frontdesk.adapters.dynamodb.TicketStore)."""

    def search(
        self, site_id: str, plan: Plan, accept: Callable[[Ticket], bool], limit: int, after: dict[str, str] | None
    ) -> Found: ...
    def changed_since(self, site_id: str, since: str, limit: int = 500) -> list[tuple[str, Ticket]]: ...
    def has_terms(self, ticket_id: str, terms: Sequence[str]) -> bool: ...


class TicketSaves(TicketLookup, Protocol):
    """A ticket's change saved over the version read, with its clocks, owed notice and added terms."""

    def save(self, change: Change, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None: ...


@dataclass(frozen=True)
class NewTicketWrite:
    """A new ticket as written at once: its first change, its token's hash, its clocks, and the mails
    owed with it: the tenant's acknowledgement (its number and tracking link), the staff told at
    intake (frontdesk.app.routing)."""

    change: Change
    token_hash: str
    clocks: Sequence[ClockWrite] = ()
    acknowledge: bool = False
    route: bool = False


class Tickets(TicketsByToken, TicketHistory, OpenTickets, TicketSaves, Protocol):
    """The desk's whole ticket store (frontdesk.adapters.dynamodb.TicketStore)."""

    def next_seq(self, site_id: str, day: str) -> int: ...
    def create(self, new: NewTicketWrite) -> None: ...
    def add_token(self, ticket_id: str, token_hash: str) -> None: ...
    def create_linked(self, new: NewTicketWrite, parent: Change, parent_version: int) -> None: ...


@dataclass(frozen=True)
class TicketWrite:
    """A ticket's change over the version read, with its clocks: one of the writes of a transaction."""

    change: Change
    expected_version: int
    clocks: Sequence[ClockWrite] = ()


class LinkedTickets(TicketSaves, Protocol):
    """Two tickets written together (frontdesk.adapters.dynamodb.TicketStore)."""

    def save_linked(self, write: TicketWrite, other: TicketWrite) -> None: ...


def require_ticket(tickets: TicketLookup, ticket_id: str) -> Ticket:
    return _found(tickets.get(ticket_id), "ticket_id", ErrorCode.TICKET_NOT_FOUND)


class CannedReplyRecords(Protocol):
    """A site's canned replies (frontdesk.adapters.canned.CannedReplyStore)."""

    def get(self, site_id: str) -> CannedReplies: ...
    def put(self, site_id: str, replies: list[CannedReply], expected_version: int) -> CannedReplies: ...


# ----------------------------------------------------------------------------------- calendars and callbacks


class CalendarRecords(Protocol):
    """The calendar years loaded per site (frontdesk.adapters.calendars.CalendarStore)."""

    def years(self, site_id: str) -> list[YearCalendar]: ...
    def put(self, site_id: str, year: YearCalendar) -> None: ...
    def hours(self, site_id: str) -> Hours: ...
    def put_hours(self, site_id: str, hours: Hours) -> None: ...


@dataclass(frozen=True)
class TicketMove(TicketWrite):
    """The ticket a concluded callback moves (reopened, reworked or summed up); ``rework``: its
    completion owes a special callback (a marker)."""

    rework: bool = False


class CallbackRecords(Protocol):
    """Callbacks (回访) and their clocks (frontdesk.adapters.callbacks.CallbackStore)."""

    def get(self, callback_id: str) -> Callback | None: ...
    def create(self, callback: Callback, clocks: Sequence[ClockWrite], rework_done: bool = False) -> bool: ...
    def save(
        self, callback: Callback, expected_version: int, clocks: Sequence[ClockWrite], ticket: TicketMove | None = None
    ) -> None: ...
    def open_by_due(self, site_id: str, limit: int = 200) -> list[Callback]: ...
    def reworked(self, ticket_id: str) -> str | None: ...
    def latest_for(self, ticket_id: str) -> Callback | None: ...
    def concluded(self, site_id: str, limit: int = 20) -> list[Callback]: ...
    def put_sample(self, sample: Sample) -> Sample: ...
    def get_sample(self, site_id: str, week: str) -> Sample | None: ...


class TicketsByDay(Protocol):
    def by_day(self, site_id: str, day: str, limit: int = 500) -> list[Ticket]: ...


class MonthlyDrawRecords(Protocol):
    """A month's drawn callbacks (frontdesk.adapters.callbacks.CallbackStore): the draw, then each callback."""

    def get(self, callback_id: str) -> Callback | None: ...
    def create(self, callback: Callback, clocks: Sequence[ClockWrite], rework_done: bool = False) -> bool: ...
    def put_draw(self, draw: MonthlyDraw) -> MonthlyDraw: ...
    def get_draw(self, site_id: str, rule: DrawRule, month: str) -> MonthlyDraw | None: ...


def require_callback(callbacks: CallbackRecords, callback_id: str) -> Callback:
    return _found(callbacks.get(callback_id), "callback_id", ErrorCode.CALLBACK_NOT_FOUND)


def require_draw(draws: MonthlyDrawRecords, site_id: str, rule: DrawRule, month: str) -> MonthlyDraw:
    return _found(draws.get_draw(site_id, rule, month), "month", ErrorCode.DRAW_NOT_FOUND)


def require_sample(callbacks: CallbackRecords, site_id: str, week: str) -> Sample:
    return _found(callbacks.get_sample(site_id, week), "week", ErrorCode.SAMPLE_NOT_FOUND)


class CampaignRecords(Protocol):
    """The semi-annual survey campaigns (frontdesk.adapters.campaigns)."""

    def get_campaign(self, site_id: str, period: str) -> Campaign | None: ...
    def put_campaign(self, campaign: Campaign) -> Campaign: ...
    def create_invitation(self, invitation: Invitation, token_hash: str, created_at: str) -> bool: ...
    def invitation(self, site_id: str, period: str, building_id: str, unit: str) -> Invitation | None: ...
    def invitations(self, site_id: str, period: str) -> list[Invitation]: ...
    def by_link(self, token_hash: str) -> Invitation | None: ...
    def mark_mailed(self, invitation: Invitation, at: str, refused: bool = False) -> None: ...
    def save_answer(self, answered: Invitation) -> None: ...


class QuarterReads(Protocol):
    """A quarter's records by key (frontdesk.adapters.quarterly): its days' tickets, its concluded callbacks."""

    def tickets_on(self, site_id: str, days: list[date]) -> list[Ticket]: ...
    def concluded_between(self, site_id: str, start: str, end: str) -> list[Callback]: ...


class Calendars(Protocol):
    """A site's business calendar (frontdesk.app.calendars.CalendarDesk)."""

    def calendar(self, site_id: str) -> Calendar: ...


# ----------------------------------------------------------------------------------- staff


class StaffDirectory(Protocol):
    """The user pool's staff with the given roles (frontdesk.adapters.cognito.CognitoStaff)."""

    def people(self, roles: Collection[Role]) -> list[Person]: ...


class TotpDirectory(Protocol):
    """Whether a user has an authenticator app turned on (frontdesk.adapters.cognito.CognitoStaff)."""

    def has_totp(self, username: str) -> bool: ...


class SiteRoster(Protocol):
    """The user names of a site's staff who hold any of the roles (frontdesk.app.staff.StaffDesk)."""

    def holding(self, site_id: str, roles: Collection[Role]) -> frozenset[str]: ...


class EngineerRoster(Protocol):
    """The user names a site's work can be given to (frontdesk.app.staff.StaffDesk)."""

    def engineers(self, site_id: str) -> frozenset[str]: ...


# ----------------------------------------------------------------------------------- incident reports


class ReportLookup(Protocol):
    def get(self, report_id: str) -> IncidentReport | None: ...


def require_report(reports: ReportLookup, report_id: str) -> IncidentReport:
    return _found(reports.get(report_id), "report_id", ErrorCode.INCIDENT_REPORT_NOT_FOUND)


# The clocks a report must have, planned from the report as written (frontdesk.domain.clocks).
ReportClocks = Callable[["IncidentReport"], Sequence["ClockWrite"]]


class ReportRecords(ReportLookup, Protocol):
    def create(
        self, site_id: str, year: int, build: Callable[[int], ReportChange], clocks: ReportClocks
    ) -> ReportChange: ...
    def save(self, change: ReportChange, expected_version: int, clocks: Sequence[ClockWrite] = ()) -> None: ...
    def timeline(self, report_id: str) -> list[ReportEvent]: ...
    def register(self, site_id: str, year: int) -> list[IncidentReport]: ...
    def sent(self, report_id: str, notice: str) -> int | None: ...
    def mark_sent(self, report_id: str, notice: str, at: str, recipients: int) -> None: ...


class PackRecords(ReportLookup, Protocol):
    def timeline(self, report_id: str) -> list[ReportEvent]: ...
    def put_pack(self, report_id: str, pack: dict[str, Any]) -> None: ...
    def get_pack(self, report_id: str, pack_id: str) -> dict[str, Any] | None: ...


# ----------------------------------------------------------------------------------- photos and the bucket


class PhotoRecords(Protocol):
    def put_slot(self, photo: Photo) -> None: ...
    def get(self, owner_kind: OwnerKind, owner_id: str, photo_id: str) -> Photo | None: ...
    def owner_of(self, owner_kind: OwnerKind, photo_id: str) -> str | None: ...
    def of(self, owner_kind: OwnerKind, owner_id: str) -> list[Photo]: ...
    def record_stored(self, photo: Photo, limit: int) -> str: ...
    def record_quarantined(self, photo: Photo) -> bool: ...
    def record_refusal(self, refusal: Refusal) -> None: ...


class PhotoViews(Protocol):
    def staff_views(self, owner_kind: OwnerKind, owner_id: str) -> list[StaffPhotoView]: ...


class StoredPhotoCount(Protocol):
    def __call__(self, owner_kind: OwnerKind, owner_id: str) -> int: ...


class StoredObjectInfo(Protocol):
    @property
    def version_id(self) -> str | None: ...
    @property
    def size(self) -> int: ...
    @property
    def last_modified(self) -> str: ...


class Bucket(Protocol):
    name: str

    def presigned_post(
        self, key: str, content_type: str | None, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]: ...
    def presigned_get(
        self, key: str, version_id: str | None, content_type: str, filename: str, expires_in: int
    ) -> str: ...
    def head(self, key: str, version_id: str | None = None) -> StoredObjectInfo | None: ...
    def read(self, key: str, version_id: str | None, limit: int) -> bytes | None: ...
    def download(self, key: str, version_id: str | None, target: IO[bytes]) -> None: ...
    def quarantine(self, key: str, version_id: str | None, target: str, reason: str) -> None: ...
    def retain(self, key: str, version_id: str | None, mode: str, until: datetime) -> None: ...
    def upload(self, key: str, body: IO[bytes], content_type: str) -> str | None: ...


class Seals(Protocol):
    """The evidence bucket as the duty log uses it: a closed page's hash, kept under Object Lock."""

    def read(self, key: str, version_id: str | None, limit: int) -> bytes | None: ...
    def retain(self, key: str, version_id: str | None, mode: str, until: datetime) -> None: ...
    def upload(self, key: str, body: IO[bytes], content_type: str) -> str | None: ...


# ----------------------------------------------------------------------------------- the duty log


class DutyRecords(Protocol):
    def page(self, pid: str) -> DutyPage | None: ...
    def entries(self, pid: str) -> list[DutyEntry]: ...
    def entry(self, pid: str, seq: int) -> DutyEntry | None: ...
    def pages(self, site_id: str, limit: int = 20) -> list[DutyPage]: ...
    def append(
        self, page: DutyPage, entry: DutyEntry, previous_version: int, handover: HandoverWrite | None = None
    ) -> None: ...
    def has_source(self, source: str) -> bool: ...
    def save_page(self, page: DutyPage, previous_version: int, handover: HandoverWrite | None = None) -> None: ...
    def handover(self, pid: str) -> Handover | None: ...
    def save_handover(self, write: HandoverWrite) -> None: ...


# ----------------------------------------------------------------------------------- the duty roster


class RosterLookup(Protocol):
    def roster(self, site_id: str, month: str) -> DutyRoster | None: ...


class RosterRecords(RosterLookup, Protocol):
    def save(self, roster: DutyRoster, previous_version: int) -> None: ...


# ----------------------------------------------------------------------------------- emergency keys


class KeysOut(Protocol):
    def out(self, site_id: str) -> list[KeyUse]: ...


class KeyRecords(KeysOut, Protocol):
    def create(self, key: EmergencyKey) -> None: ...
    def get(self, key_id: str) -> EmergencyKey | None: ...
    def use(self, use_id: str) -> KeyUse | None: ...
    def keys(self, site_id: str) -> list[EmergencyKey]: ...
    def save(
        self, key: EmergencyKey, key_version: int, use: KeyUse, use_version: int, clocks: Sequence[ClockWrite]
    ) -> None: ...
    def to_tell(self, site_id: str) -> list[KeyUse]: ...
    def save_use(self, use: KeyUse, use_version: int, clocks: Sequence[ClockWrite]) -> None: ...


class KeyAuditRecords(Protocol):
    def get(self, site_id: str, month: str) -> KeyAudit | None: ...
    def save(self, audit: KeyAudit, previous_version: int, clocks: Sequence[ClockWrite]) -> None: ...


class ParcelsWaiting(Protocol):
    def waiting(self, site_id: str) -> list[Parcel]: ...


class ParcelsReceived(ParcelsWaiting, Protocol):
    def received(self, site_id: str, start: str, end: str) -> list[Parcel]: ...


class ParcelRecords(ParcelsReceived, Protocol):
    """The parcel register (frontdesk.adapters.parcels.ParcelStore)."""

    def get(self, parcel_id: str) -> Parcel | None: ...
    def save(self, parcel: Parcel, previous_version: int) -> None: ...


# ----------------------------------------------------------------------------------- mail, alerts, lists


class MailRefused(Exception):
    """The mail service refused a message for good (a malformed or rejected address): a retry
    cannot help, so the notification is recorded as failed instead (frontdesk.app.escalations)."""


class Mailer(Protocol):
    def send(self, to: Sequence[str], subject: str, body: str) -> None: ...


class Alerts(Protocol):
    def publish(self, body: dict[str, Any], attributes: dict[str, str]) -> None: ...


class Ladders(Protocol):
    def ladder(self, site_id: str) -> Ladder: ...


class ListLookup(Protocol):
    def mailing_list(self, site_id: str, name: str) -> MailingList: ...


def members_of(lists: ListLookup, site_id: str, names: Iterable[str]) -> list[str]:
    """Everyone on any of the site's lists ``names``, once each, sorted (one mail to several lists)."""
    return sorted({member for name in names for member in lists.mailing_list(site_id, name).members})


class MailingLists(Ladders, ListLookup, Protocol):
    """The site's mailing lists and its escalation ladder (frontdesk.adapters.sla_store.SlaStore)."""


class Sent(Protocol):
    """Which notices went out: each marked after it was sent (at least once)."""

    def mailing_list(self, site_id: str, name: str) -> MailingList: ...
    def was_sent(self, subject_key: str, key: str) -> bool: ...
    def sent_under(self, subject_key: str, prefix: str) -> frozenset[str]: ...
    def mark_sent(self, subject_key: str, key: str) -> None: ...


class EmergencyCallRecords(Protocol):
    """A site's emergency call list (frontdesk.adapters.routing.EmergencyCallStore)."""

    def stored(self, site_id: str) -> EmergencyCalls | None: ...
    def calls(self, site_id: str) -> EmergencyCalls: ...
    def put(self, site_id: str, calls: EmergencyCalls) -> None: ...


class ApologyTemplateRecords(Protocol):
    """A site's apology letter template (frontdesk.adapters.apology.ApologyTemplateStore)."""

    def stored(self, site_id: str) -> ApologyTemplates | None: ...
    def put(self, site_id: str, templates: ApologyTemplates) -> None: ...


class CorrectiveActionRecords(Protocol):
    """Major complaints' corrective-action reports and their clocks (frontdesk.adapters.corrective)."""

    def get(self, ticket_id: str) -> CorrectiveAction | None: ...
    def save(self, report: CorrectiveAction, expected_version: int, clocks: Sequence[ClockWrite]) -> None: ...


class MailingRecords(Ladders, Protocol):
    def put_ladder(self, site_id: str, ladder: Ladder) -> None: ...
    def mailing_lists(self, site_id: str) -> list[MailingList]: ...
    def add_member(self, site_id: str, name: str, email: str) -> MailingList: ...
    def remove_member(self, site_id: str, name: str, email: str) -> MailingList: ...


# ----------------------------------------------------------------------------------- clocks


class OpenClockLookup(Protocol):
    def open_clocks(self, site_id: str) -> list[Clock]: ...


class ClockRecords(OpenClockLookup, Protocol):
    def of_subject(self, subject_type: SubjectType, subject_id: str) -> dict[ClockKind, Clock]: ...
    def put(self, writes: list[ClockWrite]) -> list[Clock]: ...


class ClockPlanning(Protocol):
    """frontdesk.app.clocks.ClockPlanner: a subject's clocks, planned after a change."""

    def writes(
        self, subject_type: SubjectType, subject_id: str, site_id: str, subject: Any, now: datetime
    ) -> list[ClockWrite]: ...

    def first_writes(
        self, subject_type: SubjectType, subject_id: str, site_id: str, subject: Any, now: datetime
    ) -> list[ClockWrite]: ...


class OpenClocks(Protocol):
    """A ladder edit applied to a site's open clocks (frontdesk.app.clocks.LadderEdits)."""

    def apply(self, site_id: str, ladder: Ladder) -> object: ...


class Engine(Protocol):
    """The executions that run clocks (frontdesk.adapters.sfn.StepFunctionsTimers)."""

    def start(self, name: str, payload: dict[str, Any]) -> bool: ...
    def stop(self, name: str) -> bool: ...
    def running(self) -> set[str]: ...
    def status(self, name: str) -> str | None: ...
