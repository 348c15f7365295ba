"""The parcel desk (004 QW21-04 §4.2.4): log a parcel signed for at the desk, tell its recipient the
same day between 17:00 and 18:00 (on a schedule: mail when an address is known, otherwise the desk's
"to phone" list), record the desk's call, and the signature on pickup, which closes it
(docs/decisions/0024)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from frontdesk.app.ports import AllSites, Mailer, MailRefused, ParcelRecords, SiteLookup, require_site
from frontdesk.clock import Clock
from frontdesk.domain import parcels
from frontdesk.domain.errors import VersionConflict
from frontdesk.models.identifiers import new_hex_id
from frontdesk.models.parcels import NewParcel, Notice, Parcel, ParcelRegister, Phoned, PickUp
from frontdesk.models.ticket import Actor
from frontdesk.notifications.parcels import notice_mail

logger = Logger(child=True)


@dataclass(frozen=True)
class ParcelDesk:
    records: ParcelRecords
    sites: SiteLookup
    clock: Clock

    def log(self, request: NewParcel, actor: Actor) -> Parcel:
        site = require_site(self.sites, request.site_id)
        parcel = parcels.log(request, site, actor, self.clock.now(), new_hex_id())
        self.records.save(parcel, 0)
        return parcel

    def register(self, site_id: str, actor: Actor) -> ParcelRegister:
        parcels.check_may_use(actor)
        require_site(self.sites, site_id)
        waiting = tuple(self.records.waiting(site_id))
        return ParcelRegister(site_id=site_id, waiting=waiting, to_phone=tuple(parcels.to_phone(waiting)))

    def read(self, parcel_id: str, actor: Actor) -> Parcel:
        parcels.check_may_use(actor)
        return self._parcel(parcel_id)

    def phoned(self, parcel_id: str, command: Phoned, actor: Actor) -> Parcel:
        parcel = self._parcel(parcel_id)
        called = parcels.phoned(parcel, command, actor)
        self.records.save(called, parcel.version)
        return called

    def collect(self, parcel_id: str, command: PickUp, actor: Actor) -> Parcel:
        parcel = self._parcel(parcel_id)
        collected = parcels.collect(parcel, command, actor, self.clock.now())
        self.records.save(collected, parcel.version)
        return collected

    def _parcel(self, parcel_id: str) -> Parcel:
        found = self.records.get(parcel_id)
        if found is None:
            raise parcels.ParcelNotFound(field="parcel_id")
        return found


@dataclass
class NoticeReport:
    mailed: list[str] = field(default_factory=list)  # parcel ids
    to_phone: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # moved meanwhile (collected): left alone


@dataclass(frozen=True)
class ParcelNotices:
    """Run on a schedule: in each site's 17:00–18:00 window, every waiting parcel not yet told is told.

    The notice is recorded on the parcel (a write over the version read) *before* the mail goes out,
    so a second run, or two runs at once, cannot tell anyone twice; a mail the service refuses puts
    the parcel on the "to phone" list instead, and one it fails to take is owed again (the window's
    next run).
    """

    records: ParcelRecords
    sites: AllSites
    mailer: Mailer
    clock: Clock

    def run(self) -> NoticeReport:
        report = NoticeReport()
        now = self.clock.now()
        for site in self.sites.all():
            if not parcels.in_notice_window(site, now):
                continue  # no read at all outside the window
            for parcel in parcels.due_notices(site, self.records.waiting(site.site_id), now):
                told = parcels.notify(parcel, now)
                try:
                    self.records.save(told, parcel.version)
                except VersionConflict:
                    report.busy.append(parcel.parcel_id)
                    continue
                if told.notice is Notice.TO_PHONE:
                    report.to_phone.append(told.parcel_id)
                    continue
                mail = notice_mail(told, site)
                try:
                    self.mailer.send([told.email or ""], mail.subject, mail.body)
                except MailRefused:
                    logger.warning("a parcel notice was refused", extra={"parcel_id": told.parcel_id})
                    self.records.save(parcels.mail_refused(told), told.version)
                    report.to_phone.append(told.parcel_id)
                    continue
                except Exception:
                    self.records.save(parcels.notice_undone(told), told.version)  # the next run tries again
                    raise
                report.mailed.append(told.parcel_id)
        return report
