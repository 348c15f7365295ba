"""The month's drawn callbacks (docs/decisions/0023): the 3 most significant repairs, called back by
the deputy manager with the engineering head (000 §3.1f), and the 10 % sample of activity sign-ups
(001 p11 §4.1.2c). Each month is drawn once per site and rule — by a manager naming the callers, or
by the scheduled run at the end of the month's last working day (``draw_due``, nobody assigned yet);
the draw (population, choice, seed, callers) is stored, and each chosen ticket gets its callback with
its clock. A second draw answers the first and creates only what a first one missed (nothing twice).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from frontdesk.app.ports import (
    Calendars,
    ClockPlanning,
    MonthlyDrawRecords,
    SiteRoster,
    Sites,
    TicketLookup,
    TicketsByDay,
    existing,
    require_draw,
)
from frontdesk.app.site_access import staff_site
from frontdesk.clock import Clock as Time
from frontdesk.clock import to_iso
from frontdesk.domain import monthly_callbacks as rules
from frontdesk.domain import months, staffing
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import ErrorCode, InvalidInput
from frontdesk.domain.permissions import require_staff_to
from frontdesk.models.callback import ActivitySampleIn, Callback, DrawRule, MonthlyDraw, TopRepairsIn
from frontdesk.models.clock import SubjectType
from frontdesk.models.ticket import Actor, Role, Ticket

# Who drew a month the scheduled run drew (the end-of-day function, on its schedule).
SCHEDULE: Final = "schedule"


@dataclass(frozen=True)
class MonthlyCallbacks:
    records: MonthlyDrawRecords
    tickets: TicketLookup
    sites: Sites
    calendars: Calendars
    planner: ClockPlanning
    clock: Time

    def draw_top_repairs(
        self, site_id: str, request: TopRepairsIn, actor: Actor, days: TicketsByDay, roster: SiteRoster
    ) -> MonthlyDraw:
        staff_site(self.sites, site_id, actor, "draw_top_repairs")
        calendar = self._open_month(site_id, request.month)
        deputy = staffing.named(roster.holding(site_id, {Role.MANAGER}), request.deputy_manager)
        if deputy is None:
            raise InvalidInput(field="deputy_manager", code=ErrorCode.DRAW_NOT_MANAGER, name=request.deputy_manager)
        head = staffing.named(roster.holding(site_id, {Role.ENGINEER}), request.engineering_head)
        if head is None:
            raise InvalidInput(
                field="engineering_head", code=ErrorCode.DRAW_NOT_ENGINEER, name=request.engineering_head
            )
        return self._top_repairs(site_id, request.month, calendar, days, actor.id, (deputy, head))

    def draw_activities(self, site_id: str, request: ActivitySampleIn, actor: Actor, days: TicketsByDay) -> MonthlyDraw:
        staff_site(self.sites, site_id, actor, "draw_activities")
        calendar = self._open_month(site_id, request.month)
        return self._activities(site_id, request.month, calendar, days, actor.id, request.seed)

    def draw(self, site_id: str, rule: DrawRule, month: str, actor: Actor) -> MonthlyDraw:
        """A month's draw as it was made (who, when, the population and the choice): to check it."""
        require_staff_to(actor, "callbacks")
        return require_draw(self.records, site_id, rule, month)

    def draw_due(self, days: TicketsByDay) -> list[str]:
        """The scheduled run: every site's months whose draws are due and not drawn yet, drawn with
        nobody assigned (a supervisor assigns them); ``<site> <rule> <month>`` of each drawn now."""
        drawn: list[str] = []
        for site in self.sites.all():
            calendar = self.calendars.calendar(site.site_id)
            for month in rules.due_draws(calendar, self.clock.now()):
                for rule in DrawRule:
                    if self.records.get_draw(site.site_id, rule, month) is not None:
                        continue
                    if rule is DrawRule.TOP_REPAIRS:
                        self._top_repairs(site.site_id, month, calendar, days, SCHEDULE, ())
                    else:
                        self._activities(site.site_id, month, calendar, days, SCHEDULE, None)
                    drawn.append(f"{site.site_id} {rule.value} {month}")
        return drawn

    def _top_repairs(
        self, site_id: str, month: str, calendar: Calendar, days: TicketsByDay, by: str, callers: tuple[str, ...]
    ) -> MonthlyDraw:
        drawn = self.records.get_draw(site_id, DrawRule.TOP_REPAIRS, month)
        if drawn is None:
            tickets = self._month(site_id, month, days, rules.top_eligible)
            drawn = self.records.put_draw(
                self._draw(
                    site_id,
                    month,
                    DrawRule.TOP_REPAIRS,
                    by,
                    population=tuple(sorted(tickets)),
                    chosen=rules.top_repairs(tickets.values()),
                    callers=callers,
                )
            )
        deputy, head = drawn.callers or ("", "")  # drawn by the schedule: nobody assigned yet
        now = self.clock.now()
        return self._create(
            drawn,
            lambda ticket: rules.for_top_repair(ticket, drawn.month, calendar, now, deputy, head),
            lambda ticket_id: rules.top_id(ticket_id, drawn.month),
        )

    def _activities(
        self, site_id: str, month: str, calendar: Calendar, days: TicketsByDay, by: str, seed: str | None
    ) -> MonthlyDraw:
        drawn = self.records.get_draw(site_id, DrawRule.ACTIVITIES, month)
        if drawn is None:
            population = tuple(sorted(self._month(site_id, month, days, rules.activity_eligible)))
            seed = seed or secrets.token_hex(8)
            drawn = self.records.put_draw(
                self._draw(
                    site_id,
                    month,
                    DrawRule.ACTIVITIES,
                    by,
                    population=population,
                    chosen=rules.activity_sample(population, seed, month),
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
        return {
            t.ticket_id: t
            for day in months.month_days(month)
            for t in days.by_day(site_id, day.isoformat())
            if eligible(t)
        }

    def _draw(self, site_id: str, month: str, rule: DrawRule, by: str, **fields: object) -> MonthlyDraw:
        return MonthlyDraw.model_validate(
            {
                "site_id": site_id,
                "month": month,
                "rule": rule,
                "drawn_at": to_iso(self.clock.now()),
                "drawn_by": by,
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
