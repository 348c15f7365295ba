"""The month's drawn callbacks (docs/decisions/0023): the 3 most significant repairs, called back by
the deputy manager with the engineering head (000 §3.1f), and the 10 % sample of activity sign-ups
(001 p11 §4.1.2c). Each month is drawn once per site and rule; the draw (population, choice, seed,
callers) is stored, and each chosen ticket gets its callback with its clock. A second draw answers
the first and creates only what a first one missed (nothing twice).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from frontdesk.app.ports import (
    Calendars,
    ClockPlanning,
    MonthlyDrawRecords,
    SiteLookup,
    SiteRoster,
    TicketLookup,
    TicketsByDay,
    existing,
)
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock as Time
from frontdesk.clock import to_iso
from frontdesk.domain import monthly_callbacks as rules
from frontdesk.domain import staffing
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import ErrorCode, InvalidInput
from frontdesk.models.callback import ActivitySampleIn, Callback, DrawRule, MonthlyDraw, TopRepairsIn
from frontdesk.models.clock import SubjectType
from frontdesk.models.ticket import Actor, Role, Ticket


@dataclass(frozen=True)
class MonthlyCallbacks:
    records: MonthlyDrawRecords
    tickets: TicketLookup
    sites: SiteLookup
    calendars: Calendars
    planner: ClockPlanning
    clock: Time

    def draw_top_repairs(
        self, site_id: str, request: TopRepairsIn, actor: Actor, days: TicketsByDay, roster: SiteRoster
    ) -> MonthlyDraw:
        staff_site(self.sites, site_id, actor, "draw_top_repairs")
        calendar = self._open_month(site_id, request.month)
        deputy = staffing.engineer_named(roster.holding(site_id, {Role.MANAGER}), request.deputy_manager)
        if deputy is None:
            raise InvalidInput(field="deputy_manager", code=ErrorCode.DRAW_NOT_MANAGER, name=request.deputy_manager)
        head = staffing.engineer_named(roster.holding(site_id, {Role.ENGINEER}), request.engineering_head)
        if head is None:
            raise InvalidInput(
                field="engineering_head", code=ErrorCode.DRAW_NOT_ENGINEER, name=request.engineering_head
            )
        drawn = self.records.get_draw(site_id, DrawRule.TOP_REPAIRS, request.month)
        if drawn is None:
            tickets = self._month(site_id, request.month, days, rules.top_eligible)
            drawn = self.records.put_draw(
                self._draw(
                    site_id,
                    request.month,
                    DrawRule.TOP_REPAIRS,
                    actor,
                    population=tuple(sorted(tickets)),
                    chosen=rules.top_repairs(tickets.values()),
                    callers=(deputy, head),
                )
            )
        deputy, head = drawn.callers
        now = self.clock.now()
        return self._create(
            drawn,
            lambda ticket: rules.for_top_repair(ticket, drawn.month, calendar, now, deputy, head),
            lambda ticket_id: rules.top_id(ticket_id, drawn.month),
        )

    def draw_activities(self, site_id: str, request: ActivitySampleIn, actor: Actor, days: TicketsByDay) -> MonthlyDraw:
        staff_site(self.sites, site_id, actor, "draw_activities")
        calendar = self._open_month(site_id, request.month)
        drawn = self.records.get_draw(site_id, DrawRule.ACTIVITIES, request.month)
        if drawn is None:
            population = tuple(sorted(self._month(site_id, request.month, days, rules.activity_eligible)))
            seed = request.seed or secrets.token_hex(8)
            drawn = self.records.put_draw(
                self._draw(
                    site_id,
                    request.month,
                    DrawRule.ACTIVITIES,
                    actor,
                    population=population,
                    chosen=rules.activity_sample(population, seed, request.month),
                    seed=seed,
                    percent=rules.ACTIVITY_PERCENT,
                )
            )
        now = self.clock.now()
        return self._create(
            drawn,
            lambda ticket: rules.for_activity(ticket, drawn.month, calendar, now),
            lambda ticket_id: rules.activity_id(ticket_id, drawn.month),
        )

    def _open_month(self, site_id: str, month: str) -> Calendar:
        """The site's calendar, once the month may be drawn (its last working day has begun)."""
        calendar = self.calendars.calendar(site_id)
        if not rules.may_draw(month, calendar, self.clock.now()):
            last = rules.last_working_day(month, calendar)
            raise InvalidInput(field="month", code=ErrorCode.DRAW_MONTH_OPEN, day=last.isoformat())
        return calendar

    @staticmethod
    def _month(site_id: str, month: str, days: TicketsByDay, eligible: Callable[[Ticket], bool]) -> dict[str, Ticket]:
        """The month's eligible tickets, read per site-local day of intake (one bounded read a day)."""
        month_days: list[date] = rules.month_days(month)
        return {t.ticket_id: t for day in month_days for t in days.by_day(site_id, day.isoformat()) if eligible(t)}

    def _draw(self, site_id: str, month: str, rule: DrawRule, actor: Actor, **fields: object) -> MonthlyDraw:
        return MonthlyDraw.model_validate(
            {
                "site_id": site_id,
                "month": month,
                "rule": rule,
                "drawn_at": to_iso(self.clock.now()),
                "drawn_by": actor.id,
                **fields,
            }
        )

    def _create(
        self, drawn: MonthlyDraw, build: Callable[[Ticket], Callback], callback_id: Callable[[str], str]
    ) -> MonthlyDraw:
        """Each chosen ticket's callback with its clock (what a first draw created stays as it is)."""
        now = self.clock.now()
        for ticket_id in drawn.chosen:
            if self.records.get(callback_id(ticket_id)) is not None:
                continue
            callback = build(existing(self.tickets.get(ticket_id), f"ticket {ticket_id}"))
            writes = self.planner.writes(SubjectType.CALLBACK, callback.callback_id, callback.site_id, callback, now)
            self.records.create(callback, writes)
        return drawn
