"""Callbacks (回访): created from ticket events (the stream), listed per site by due time,
recorded by the desk; a missed one escalates (its clock). docs/decisions/0023.

- ``CallbackDesk.on_event``: a ticket event that calls for a callback (frontdesk.domain.callbacks)
  creates it with its clock, once however often the stream delivers the event;
- ``queue`` / ``read``: the site's open callbacks, soonest due first;
- ``record``: one attempt, and what it does to the ticket (rework, reopen) in the same write;
- ``CallbackEscalations``: a rung a callback's clock reached → the alert and the rung's list mailed,
  each once (sent, then marked).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from frontdesk.app.ports import (
    Alerts,
    Calendars,
    CallbackRecords,
    ClockPlanning,
    Mailer,
    MailRefused,
    Sent,
    SiteLookup,
    TicketLookup,
    TicketsByDay,
    existing,
    require_callback,
    require_sample,
    require_site,
)
from frontdesk.clock import Clock as Time
from frontdesk.clock import to_iso
from frontdesk.domain import callbacks as rules
from frontdesk.domain import sampling
from frontdesk.domain.errors import ErrorCode, InvalidInput
from frontdesk.domain.escalation import marker, rung_detail
from frontdesk.domain.permissions import STAFF_ACTIONS, require_staff_in
from frontdesk.models.callback import Callback, CallbackIn, CallbackList, Sample, SampleIn
from frontdesk.models.clock import Clock, SubjectType
from frontdesk.models.ticket import Actor, TimelineEvent
from frontdesk.notifications import callbacks as notices

# The ticket events that may call for a callback (the rest are not read at all).
CALLING_ACTIONS: Final = frozenset({"handle", "complete"})


@dataclass(frozen=True)
class CallbackDesk:
    records: CallbackRecords
    tickets: TicketLookup
    sites: SiteLookup
    calendars: Calendars
    planner: ClockPlanning
    clock: Time

    def on_event(self, event: TimelineEvent) -> Callback | None:
        """The callback this ticket event calls for, created (with its clock) if it was not yet."""
        if event.action not in CALLING_ACTIONS:
            return None
        ticket = existing(self.tickets.get(event.ticket_id), f"ticket {event.ticket_id}")
        reworked = event.action == "complete" and self.records.reworked(ticket.ticket_id) is not None
        callback = rules.for_event(ticket, event, self.calendars.calendar(ticket.site_id), reworked)
        if callback is None or self.records.get(callback.callback_id) is not None:
            return None
        writes = self.planner.writes(
            SubjectType.CALLBACK, callback.callback_id, callback.site_id, callback, self.clock.now()
        )
        return callback if self.records.create(callback, writes, rework_done=reworked) else None

    def queue(self, site_id: str, actor: Actor, limit: int = 200) -> CallbackList:
        require_staff_in(actor, STAFF_ACTIONS["callbacks"], "callbacks")
        require_site(self.sites, site_id)
        return CallbackList(site_id=site_id, callbacks=self.records.open_by_due(site_id, limit))

    def read(self, callback_id: str, actor: Actor) -> Callback:
        require_staff_in(actor, STAFF_ACTIONS["callbacks"], "callbacks")
        return self._load(callback_id)

    def record(self, callback_id: str, attempt: CallbackIn, actor: Actor) -> Callback:
        require_staff_in(actor, STAFF_ACTIONS["record_callback"], "record_callback")
        callback = self._load(callback_id)
        now = self.clock.now()
        recorded = rules.record(callback, attempt, actor, self.calendars.calendar(callback.site_id), now)
        writes = self.planner.writes(
            SubjectType.CALLBACK, callback.callback_id, callback.site_id, recorded.callback, now
        )
        if recorded.then is rules.Then.NOTHING:
            self.records.save(recorded.callback, callback.version, writes)
            return recorded.callback
        ticket = existing(self.tickets.get(callback.ticket_id), f"ticket {callback.ticket_id}")
        if recorded.then is rules.Then.REWORK:
            site = require_site(self.sites, ticket.site_id)
            change = rules.rework(ticket, recorded.callback, actor, site, now)
        else:
            change = rules.reopen(ticket, recorded.callback, actor, now)
        linked = recorded.callback.model_copy(update={"rework_ticket_id": ticket.ticket_id})
        ticket_writes = self.planner.writes(SubjectType.TICKET, ticket.ticket_id, ticket.site_id, change.ticket, now)
        self.records.save(
            linked,
            callback.version,
            writes,
            ticket=change,
            ticket_version=ticket.version,
            ticket_clocks=ticket_writes,
            rework=recorded.then is rules.Then.REWORK,
        )
        return linked

    def draw_sample(self, site_id: str, request: SampleIn, actor: Actor, days: TicketsByDay) -> Sample:
        """The week's sample of ordinary repairs, drawn once and stored with its seed and population."""
        require_staff_in(actor, STAFF_ACTIONS["draw_sample"], "draw_sample")
        site = require_site(self.sites, site_id)
        try:
            week = sampling.week_days(request.week)
        except ValueError as error:
            raise InvalidInput(field="week", code=ErrorCode.SAMPLE_WEEK_INVALID) from error
        drawn = self.records.get_sample(site_id, request.week)
        if drawn is not None:
            return drawn
        population = sorted(
            t.ticket_id for day in week for t in days.by_day(site_id, day.isoformat()) if sampling.eligible(t)
        )
        seed = request.seed or secrets.token_hex(8)
        return self.records.put_sample(
            Sample(
                site_id=site_id,
                week=request.week,
                seed=seed,
                percent=site.sample_percent,
                population=tuple(population),
                chosen=sampling.sample(population, seed, request.week, site.sample_percent),
                drawn_at=to_iso(self.clock.now()),
                drawn_by=actor.id,
            )
        )

    def sample(self, site_id: str, week: str, actor: Actor) -> Sample:
        require_staff_in(actor, STAFF_ACTIONS["callbacks"], "callbacks")
        return require_sample(self.records, site_id, week)

    def _load(self, callback_id: str) -> Callback:
        return require_callback(self.records, callback_id)


@dataclass
class Escalated:
    sent: list[str]
    skipped: list[str]
    failed: list[str]


@dataclass(frozen=True)
class CallbackEscalations:
    records: CallbackRecords
    sites: SiteLookup
    sent: Sent
    mailer: Mailer
    alerts: Alerts
    base_url: str

    def __call__(self, clock: Clock, level: int) -> Escalated:
        outcome = Escalated([], [], [])
        callback = existing(self.records.get(clock.subject_id), f"callback {clock.subject_id}")
        site = existing(self.sites.get(callback.site_id), f"site {callback.site_id}")
        detail = rung_detail(clock, level)
        late, mailing_list = int(detail["late_seconds"]), detail["mailing_list"]
        subject_key = f"CALLBACK#{callback.callback_id}"
        prefix = marker(clock, level)

        if self.sent.was_sent(subject_key, f"{prefix}#alert"):
            outcome.skipped.append("alert_already_sent")
        else:
            body = notices.alert(callback, level, mailing_list, late)
            self.alerts.publish(body, {"site_id": callback.site_id, "phase": clock.kind.value, "level": str(level)})
            self.sent.mark_sent(subject_key, f"{prefix}#alert")
            outcome.sent.append("alert")

        members = self.sent.mailing_list(callback.site_id, mailing_list).members
        if not members:
            outcome.skipped.append("list_empty")
        elif self.sent.was_sent(subject_key, f"{prefix}#list"):
            outcome.skipped.append("list_already_sent")
        else:
            mail = notices.missed_mail(callback, late, site.timezone, self.base_url)
            try:
                self.mailer.send(members, mail.subject, mail.body)
                outcome.sent.append("list")
            except MailRefused:
                outcome.failed.append("list")
            self.sent.mark_sent(subject_key, f"{prefix}#list")
        return outcome
