"""Callbacks (回访): created from ticket events (the stream), listed per site by due time,
recorded by the desk; a missed one escalates (its clock). docs/decisions/0023.

- ``CallbackDesk.on_event``: a ticket event that calls for a callback (frontdesk.domain.callbacks)
  creates it with its clock, once however often the stream delivers the event;
- ``queue`` / ``read``: the site's open callbacks, soonest due first;
- ``record``: one attempt, and what it does to the ticket (rework, reopen) in the same write;
- ``reassign``: an open callback given to another member of the site's desk (a supervisor's call);
- ``CallbackEscalations``: a rung a callback's clock reached → the alert and the rung's list mailed,
  each once (sent, then marked).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from frontdesk.app.duty_roster import OnShift, recipients
from frontdesk.app.ports import (
    Alerts,
    Calendars,
    CallbackRecords,
    ClockPlanning,
    Mailer,
    MailRefused,
    Sent,
    SiteLookup,
    SiteRoster,
    TicketMove,
    TicketsByDay,
    TicketsByToken,
    existing,
    require_callback,
    require_sample,
    require_site,
)
from frontdesk.app.site_access import staff_site
from frontdesk.app.tickets import CLIENT
from frontdesk.app.tokens import could_be_token, token_hash
from frontdesk.clock import Clock as Time
from frontdesk.clock import parse_iso, to_iso
from frontdesk.domain import callbacks as rules
from frontdesk.domain import sampling, staffing
from frontdesk.domain.errors import ErrorCode, InvalidInput, NotFound
from frontdesk.domain.escalation import marker, rung_at, rung_detail
from frontdesk.domain.permissions import DESK, require_staff_to
from frontdesk.models.callback import (
    Callback,
    CallbackIn,
    CallbackList,
    ReassignIn,
    Sample,
    SampleIn,
    SurveyIn,
    SurveyView,
)
from frontdesk.models.clock import Clock, SubjectType
from frontdesk.models.ticket import Actor, Kind, TimelineEvent
from frontdesk.notifications import callbacks as notices
from frontdesk.notifications.duty_roster import with_fallback

# The ticket events that may call for a callback (the rest are not read at all).
CALLING_ACTIONS: Final = frozenset({"handle", "complete", "cancel"})
# The console shows this many of the latest concluded callbacks under the open ones.
CONCLUDED_SHOWN: Final = 20


@dataclass(frozen=True)
class CallbackDesk:
    records: CallbackRecords
    tickets: TicketsByToken
    sites: SiteLookup
    calendars: Calendars
    planner: ClockPlanning
    clock: Time

    def on_event(self, event: TimelineEvent) -> Callback | None:
        """The callback this ticket event calls for, created (with its clock) if it was not yet."""
        if event.action not in CALLING_ACTIONS:
            return None
        if event.action == "cancel":
            self._cancel(event)
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

    def _cancel(self, event: TimelineEvent) -> None:
        """A ticket cancelled (a duty manager's decision, with a reason): its open callback goes with it."""
        callback = self.records.latest_for(event.ticket_id)
        if callback is None or not callback.is_open:
            return
        cancelled = rules.cancelled(callback, parse_iso(event.at))
        writes = self.planner.writes(
            SubjectType.CALLBACK, callback.callback_id, callback.site_id, cancelled, self.clock.now()
        )
        self.records.save(cancelled, callback.version, writes)

    def invitation(self, event: TimelineEvent) -> Callback | None:
        """The open callback this ticket event created, if any: its survey is offered to the tenant."""
        if event.action not in CALLING_ACTIONS - {"cancel"}:
            return None
        callback = self.records.get(rules.callback_id(event.ticket_id, event.seq))
        return callback if callback is not None and callback.is_open else None

    def queue(self, site_id: str, actor: Actor, limit: int = 200) -> CallbackList:
        staff_site(self.sites, site_id, actor, "callbacks")
        return CallbackList(
            site_id=site_id,
            callbacks=self.records.open_by_due(site_id, limit),
            concluded=self.records.concluded(site_id, CONCLUDED_SHOWN),
        )

    def read(self, callback_id: str, actor: Actor) -> Callback:
        require_staff_to(actor, "callbacks")
        return self._load(callback_id)

    def record(self, callback_id: str, attempt: CallbackIn, actor: Actor) -> Callback:
        require_staff_to(actor, "record_callback")
        return self._record(self._load(callback_id), attempt, actor)

    def reassign(self, callback_id: str, request: ReassignIn, actor: Actor, roster: SiteRoster) -> Callback:
        """The callback given to another member of the site's desk (an operator or a manager)."""
        require_staff_to(actor, "assign_callback")
        callback = self._load(callback_id)
        assignee = staffing.named(roster.holding(callback.site_id, DESK), request.assignee)
        if assignee is None:
            raise InvalidInput(field="assignee", code=ErrorCode.CALLBACK_NOT_DESK, assignee=request.assignee)
        changed = rules.reassign(callback, request, assignee, actor, self.clock.now())
        self.records.save(changed, callback.version, ())  # who calls back moves no clock
        return changed

    def survey(self, token: str) -> SurveyView:
        """The callback a tenant may answer from the tracking page's link (no login: the token)."""
        callback = self._by_token(token)
        return SurveyView(
            ticket_number=callback.ticket_number,
            reason=callback.reason,
            repair=callback.ticket_kind != Kind.COMPLAINT.value,
            due=callback.due,
        )

    def answer(self, token: str, survey: SurveyIn) -> Callback:
        """The tenant's own answer: a callback met when it covers the manual's fields."""
        callback = self._by_token(token)
        return self._record(callback, rules.answered(callback, survey), CLIENT)

    def _by_token(self, token: str) -> Callback:
        ticket_id = self.tickets.ticket_id_for(token_hash(token)) if could_be_token(token) else None
        callback = self.records.latest_for(ticket_id) if ticket_id else None
        if callback is None or not callback.is_open:
            raise NotFound(field="token", code=ErrorCode.SURVEY_NOT_FOUND)
        return callback

    def _record(self, callback: Callback, attempt: CallbackIn, actor: Actor) -> Callback:
        now = self.clock.now()
        recorded = rules.record(callback, attempt, actor, self.calendars.calendar(callback.site_id), now)
        writes = self.planner.writes(
            SubjectType.CALLBACK, callback.callback_id, callback.site_id, recorded.callback, now
        )
        if recorded.callback.is_open:
            self.records.save(recorded.callback, callback.version, writes)
            return recorded.callback
        ticket = existing(self.tickets.get(callback.ticket_id), f"ticket {callback.ticket_id}")
        linked = recorded.callback
        if recorded.then is rules.Then.REWORK:
            site = require_site(self.sites, ticket.site_id)
            change = rules.rework(ticket, recorded.callback, actor, site, now)
            linked = linked.model_copy(update={"rework_ticket_id": ticket.ticket_id})
        elif recorded.then is rules.Then.REOPEN:
            change = rules.reopen(ticket, recorded.callback, actor, now)
        else:
            change = rules.summary(ticket, recorded.callback, actor, now)
        ticket_writes = self.planner.writes(SubjectType.TICKET, ticket.ticket_id, ticket.site_id, change.ticket, now)
        moved = TicketMove(change, ticket.version, ticket_writes, rework=recorded.then is rules.Then.REWORK)
        self.records.save(linked, callback.version, writes, moved)
        return linked

    def draw_sample(self, site_id: str, request: SampleIn, actor: Actor, days: TicketsByDay) -> Sample:
        """The week's sample of ordinary repairs, drawn once and stored with its seed and population."""
        site = staff_site(self.sites, site_id, actor, "draw_sample")
        try:
            week = sampling.week_days(request.week)
        except ValueError as error:
            raise InvalidInput(field="week", code=ErrorCode.SAMPLE_WEEK_INVALID) from error
        drawn = self.records.get_sample(site_id, request.week)
        if drawn is not None:
            return self._sample_callbacks(drawn)
        tickets = {
            t.ticket_id: t for day in week for t in days.by_day(site_id, day.isoformat()) if sampling.eligible(t)
        }
        population = sorted(tickets)
        seed = request.seed or secrets.token_hex(8)
        drawn = self.records.put_sample(
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
        return self._sample_callbacks(drawn)

    def _sample_callbacks(self, sample: Sample) -> Sample:
        """Each chosen repair's callback, with its clock (a second draw creates what a first one missed)."""
        calendar = self.calendars.calendar(sample.site_id)
        now = self.clock.now()
        for ticket_id in sample.chosen:
            if self.records.get(rules.sample_id(ticket_id, sample.week)) is not None:
                continue
            ticket = existing(self.tickets.get(ticket_id), f"ticket {ticket_id}")
            callback = rules.for_sample(ticket, sample.week, calendar, now)
            writes = self.planner.writes(SubjectType.CALLBACK, callback.callback_id, callback.site_id, callback, now)
            self.records.create(callback, writes)
        return sample

    def sample(self, site_id: str, week: str, actor: Actor) -> Sample:
        require_staff_to(actor, "callbacks")
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
    on_shift: OnShift

    def __call__(self, clock: Clock, level: int) -> Escalated:
        outcome = Escalated([], [], [])
        callback = existing(self.records.get(clock.subject_id), f"callback {clock.subject_id}")
        site = existing(self.sites.get(callback.site_id), f"site {callback.site_id}")
        target = self.on_shift.target(site, clock.rungs[level - 1].on_duty, parse_iso(rung_at(clock, level)))
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

        members = recipients(target, self.sent.mailing_list(callback.site_id, mailing_list).members)
        if not members:
            outcome.skipped.append("list_empty")
        elif self.sent.was_sent(subject_key, f"{prefix}#list"):
            outcome.skipped.append("list_already_sent")
        else:
            mail = with_fallback(
                notices.missed_mail(callback, late, site.timezone, self.base_url), target, mailing_list
            )
            try:
                self.mailer.send(members, mail.subject, mail.body)
                outcome.sent.append("list")
            except MailRefused:
                outcome.failed.append("list")
            self.sent.mark_sent(subject_key, f"{prefix}#list")
        return outcome
