"""The duty desk: the duty log of each site and shift (000 §3.9), written by people and by the stream.

- ``write``: an entry on the page of the shift now running (the next shift's once this one closed
  its page). Appends never conflict with what the writer saw, so a page moved by another writer in
  between is read again and the entry chained to its new head.
- ``close``: the page is closed to entries; its closing hash goes to the evidence bucket first (a
  new object version under Object Lock retention), then the page records it.
- ``verify``: the chain recomputed, the closing hash read back; names every entry altered.
- the **handover** of each shift is written with its page's first write, with its clock (due 30 min
  after the shift change); closing the page pre-fills it (open tickets, unfinished work, running
  clocks, emergency keys out, parcels not collected); the outgoing shift counts the cash and signs,
  then another person of the incoming shift signs, which meets (or breaches) the clock in the same
  transaction.
- ``enter_automatically``: a complaint, an emergency or an incident report enters itself, once per
  source however often the stream delivers it (docs/decisions/0024).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from aws_lambda_powertools import Logger

from frontdesk.app.object_lock import Retention
from frontdesk.app.ports import (
    ClockPlanning,
    DutyRecords,
    KeysOut,
    OpenByDeadline,
    OpenClockLookup,
    ParcelsWaiting,
    ReportLookup,
    Seals,
    SiteLookup,
    TicketLookup,
    require_site,
)
from frontdesk.app.rung_mail import Compose
from frontdesk.clock import Clock
from frontdesk.domain import duty
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.duty import HandoverWrite
from frontdesk.domain.errors import ErrorCode, IllegalTransition, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import SubjectType
from frontdesk.models.duty import (
    CloseDutyPage,
    DutyPage,
    DutyPageView,
    DutyVerification,
    Handover,
    NewDutyEntry,
    PageState,
    SignIn,
    SignOut,
)
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import handover as messages
from frontdesk.notifications.messages import Mail

logger = Logger(child=True)
# Writers a busy page may see in between before an append gives up (409, "try again").
MAX_APPEND_ATTEMPTS: Final = 5
SEAL_BYTES: Final = 4096


# The sealed pages are locked like the photo evidence, under the same setting.
SealRetention = Retention


@dataclass(frozen=True)
class DutyDesk:
    log: DutyRecords
    sites: SiteLookup
    seals: Seals
    retention: SealRetention
    clock: Clock
    planner: ClockPlanning
    open_tickets: OpenByDeadline
    clocks: OpenClockLookup
    keys: KeysOut
    parcels: ParcelsWaiting

    # ------------------------------------------------------------------ reading

    def current(self, site_id: str, actor: Actor) -> DutyPageView:
        """The page entries go on now."""
        duty.check_may_read(actor)
        site = require_site(self.sites, site_id)
        return self._view(duty.writing_page(site, self.clock.now(), self.log.page))

    def read(self, page_id: str, actor: Actor) -> DutyPageView:
        duty.check_may_read(actor)
        return self._view(self._page(page_id))

    def pages(self, site_id: str, actor: Actor) -> list[DutyPage]:
        duty.check_may_read(actor)
        require_site(self.sites, site_id)
        return self.log.pages(site_id)

    # ------------------------------------------------------------------ writing

    def write(self, request: NewDutyEntry, actor: Actor) -> DutyPageView:
        duty.check_may_write(actor)
        site = require_site(self.sites, request.site_id)
        if request.corrects is not None:
            target = self.log.entry(request.corrects.page_id, request.corrects.seq)
            if target is None or target.site_id != site.site_id:
                raise duty.DutyEntryNotFound(field="corrects")
        page = self._append(site, request, actor.id)
        return self._view(page)

    def close(self, page_id: str, command: CloseDutyPage, actor: Actor) -> DutyPageView:
        page = self._page(page_id)
        now = self.clock.now()
        closed = duty.close(page, actor, command.version, now)
        key = duty.seal_key(closed)
        body = json.dumps(duty.seal(closed), ensure_ascii=False, sort_keys=True).encode()
        version_id = self.seals.upload(key, io.BytesIO(body), "application/json")
        self.seals.retain(key, version_id, self.retention.mode, self.retention.until(now))
        closed = evolve(closed, {"closing_key": key, "closing_version": version_id})
        site = require_site(self.sites, page.site_id)
        stored = self.log.handover(page.page_id)
        handover = stored or duty.new_handover(site, page)
        prepared = duty.prepare(
            handover,
            self.open_tickets.open_by_deadline(site.site_id),
            self.clocks.open_clocks(site.site_id),
            self.keys.out(site.site_id),
            self.parcels.waiting(site.site_id),
            now,
        )
        write = HandoverWrite(prepared, stored.version if stored else 0, self._handover_clocks(prepared, now))
        self.log.save_page(closed, page.version, write)
        return self._view(closed)

    # ------------------------------------------------------------------ handover

    def handover(self, page_id: str, actor: Actor) -> Handover:
        duty.check_may_read(actor)
        page = self._page(page_id)
        return self.log.handover(page.page_id) or duty.new_handover(require_site(self.sites, page.site_id), page)

    def sign_out(self, page_id: str, command: SignOut, actor: Actor) -> Handover:
        handover = self._stored_handover(page_id)
        signed = duty.sign_out(handover, command, actor, self.clock.now())
        self.log.save_handover(HandoverWrite(signed, handover.version))
        return signed

    def sign_in(self, page_id: str, command: SignIn, actor: Actor) -> Handover:
        handover = self._stored_handover(page_id)
        now = self.clock.now()
        signed = duty.sign_in(handover, command, actor, now)
        # the handover's clock met (or breached) with the second signature itself
        self.log.save_handover(HandoverWrite(signed, handover.version, self._handover_clocks(signed, now)))
        return signed

    def _stored_handover(self, page_id: str) -> Handover:
        stored = self.log.handover(self._page(page_id).page_id)
        if stored is None:
            raise IllegalTransition(field="state", code=ErrorCode.HANDOVER_NOT_READY, state="pending")
        return stored

    def _handover_clocks(self, handover: Handover, now: datetime) -> list[ClockWrite]:
        return self.planner.writes(SubjectType.HANDOVER, handover.page_id, handover.site_id, handover, now)

    def verify(self, page_id: str, actor: Actor) -> DutyVerification:
        duty.check_may_read(actor)
        page = self._page(page_id)
        sealed: str | None = None
        if page.state is PageState.CLOSED and page.closing_key:
            raw = self.seals.read(page.closing_key, page.closing_version, SEAL_BYTES)
            sealed = str(json.loads(raw)["closing_hash"]) if raw else None
        return duty.verify(page, self.log.entries(page.page_id), sealed)

    # ------------------------------------------------------------------ automatic entries

    def enter_automatically(self, source: str, request: NewDutyEntry) -> bool:
        """The source's entry, once: False when an earlier delivery already wrote it."""
        if self.log.has_source(source):
            return False
        site = self.sites.get(request.site_id)
        if site is None:
            raise LookupError(f"site {request.site_id} of {source} does not exist")
        try:
            self._append(site, request, duty.SYSTEM_AUTHOR, source=source)
        except VersionConflict:
            if self.log.has_source(source):
                return False  # another delivery wrote it at the same moment
            raise
        return True

    # ------------------------------------------------------------------ helpers

    def _append(self, site: Site, request: NewDutyEntry, author: str, source: str | None = None) -> DutyPage:
        for _ in range(MAX_APPEND_ATTEMPTS):
            now = self.clock.now()
            page = duty.writing_page(site, now, self.log.page)
            moved, entry = duty.append(page, request, author, now, automatic=source is not None, source=source)
            opening = None
            if page.version == 0:  # a new page: its shift's handover and the handover's clock with it
                handover = duty.new_handover(site, moved)
                opening = HandoverWrite(handover, 0, self._handover_clocks(handover, now))
            try:
                self.log.append(moved, entry, page.version, handover=opening)
            except VersionConflict:
                if source is not None and self.log.has_source(source):
                    raise
                continue  # another entry went on the page in between: chain to its new head
            return moved
        raise VersionConflict(field="version", code=ErrorCode.DUTY_VERSION_CONFLICT)

    def _page(self, page_id: str) -> DutyPage:
        stored = self.log.page(page_id)
        if stored is not None:
            return stored
        site_id, span = duty.parse_page_id(page_id)
        site = require_site(self.sites, site_id)
        return duty.blank_page(site, duty.shift_of(site, span))

    def _view(self, page: DutyPage) -> DutyPageView:
        entries = self.log.entries(page.page_id) if page.version else []
        return duty.view(page, entries)


@dataclass(frozen=True)
class DutyAutoEntries:
    """What the stream router does for the duty log: tickets and reports of the mandatory kinds enter themselves."""

    desk: DutyDesk
    tickets: TicketLookup
    reports: ReportLookup

    def on_ticket(self, ticket_id: str) -> bool:
        ticket = self.tickets.get(ticket_id)
        request = duty.ticket_entry(ticket) if ticket else None
        return request is not None and self.desk.enter_automatically(f"ticket:{ticket_id}", request)

    def on_report(self, report_id: str) -> bool:
        report = self.reports.get(report_id)
        return report is not None and self.desk.enter_automatically(f"report:{report_id}", duty.report_entry(report))


def handover_mail(log: DutyRecords, base_url: str) -> Compose:
    """What a handover's rung says (frontdesk.app.rung_mail mails it to the rung's list, once)."""

    def compose(clock: ClockItem, level: int, site: Site, late: int) -> Mail | None:
        handover = log.handover(clock.subject_id)
        return messages.overdue_mail(handover, site, level, late, base_url) if handover else None

    return compose
