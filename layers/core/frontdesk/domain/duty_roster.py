"""The duty roster's rules (值班表; 000 §1.1; docs/decisions/0024). Pure: the people come in as values.

- **A month per site**: for each day and shift (the duty log's shifts, frontdesk.domain.shifts.shift_at)
  one duty manager — a duty manager or a manager of the site's staff — and any desk staff.
- **Complete by the last day of the month before**; on the 25th of that month the managers are told
  if it is not (``reminder_month``).
- **Who is on duty at a moment**: the slot of the shift running then at the site, in the site's time
  zone; a night belongs to the day it began, so 07:59 on the 1st is on the previous month's roster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import to_iso
from frontdesk.domain.errors import DomainError, ErrorCode, InvalidInput, VersionConflict
from frontdesk.domain.months import month_days, month_of, next_month
from frontdesk.domain.permissions import DESK, SUPERVISORS
from frontdesk.domain.shifts import shift_at
from frontdesk.domain.staffing import named, on_site
from frontdesk.models.calendar import DAY_END, DAY_START
from frontdesk.models.duty_roster import (
    DutyRoster,
    OnDuty,
    PersonOnDuty,
    RosterGap,
    RosterIn,
    RosterSlot,
    RosterSlotView,
    RosterView,
    ShiftHours,
)
from frontdesk.models.escalation import MANAGER_LIST
from frontdesk.models.frozen import project
from frontdesk.models.on_duty import OnDutyRole, Shift
from frontdesk.models.site import Site
from frontdesk.models.staff import Person
from frontdesk.models.ticket import Role

# On the 25th the managers are told if next month's roster is not complete (issue 13).
REMINDER_DAY: Final = 25
# Who is told: the site's managers' list (frontdesk.models.escalation).
REMINDER_LIST: Final = MANAGER_LIST
# Who may be the duty manager of a shift, and who may sit at the desk.
DUTY_MANAGERS: Final = SUPERVISORS
DESK_STAFF: Final = DESK


class UnknownPerson(DomainError, code=ErrorCode.ROSTER_UNKNOWN_PERSON, status=400): ...


# ------------------------------------------------------------------------------------------- months


def complete_by(month: str) -> date:
    """The last day of the month before: the roster must be complete by then."""
    return month_days(month)[0] - timedelta(days=1)


def reminder_month(site: Site, now: datetime) -> str | None:
    """The month whose roster is checked now: next month's, from the site-local 25th on."""
    today = now.astimezone(ZoneInfo(site.timezone)).date()
    return next_month(month_of(today)) if today.day >= REMINDER_DAY else None


# ------------------------------------------------------------------------------------------- editing


def _person(staff: Sequence[Person], username: str, field: str, roles: frozenset[Role], code: ErrorCode) -> OnDuty:
    """The site's staff member called ``username`` (compared without case, kept as the pool spells
    it), holding one of ``roles``."""
    spelled = named([p.username for p in staff], username)
    person = next((p for p in staff if p.username == spelled), None)
    if person is None:
        raise UnknownPerson(field=field, name=username)
    if not roles & set(person.roles):
        raise InvalidInput(field=field, code=code, name=username)
    return OnDuty(username=person.username, name=person.name, email=person.email)


def edited(
    site_id: str,
    month: str,
    request: RosterIn,
    stored: DutyRoster | None,
    people: Iterable[Person],
    actor: str,
    now: datetime,
) -> DutyRoster:
    """The month as the manager entered it, checked slot by slot (the first fault names its field)."""
    current = stored.version if stored else 0
    if request.version != current:
        raise VersionConflict(field="version", code=ErrorCode.ROSTER_VERSION_CONFLICT)
    staff = on_site(people, site_id)
    days = set(month_days(month))
    seen: set[tuple[date, Shift]] = set()
    slots: list[RosterSlot] = []
    for index, slot in enumerate(request.slots):
        where = f"slots.{index}"
        if slot.day not in days:
            raise InvalidInput(field=f"{where}.day", code=ErrorCode.ROSTER_DAY_OUTSIDE_MONTH, month=month)
        if (slot.day, slot.shift) in seen:
            raise InvalidInput(field=f"{where}.shift", code=ErrorCode.ROSTER_SLOT_TWICE)
        seen.add((slot.day, slot.shift))
        manager = _person(
            staff, slot.duty_manager, f"{where}.duty_manager", DUTY_MANAGERS, ErrorCode.ROSTER_NOT_DUTY_MANAGER
        )
        desk = tuple(
            _person(staff, name, f"{where}.desk.{n}", DESK_STAFF, ErrorCode.ROSTER_NOT_DESK)
            for n, name in enumerate(dict.fromkeys(slot.desk))
        )
        slots.append(RosterSlot(day=slot.day, shift=slot.shift, duty_manager=manager, desk=desk))
    slots.sort(key=lambda s: (s.day, list(Shift).index(s.shift)))
    return DutyRoster(
        site_id=site_id, month=month, slots=tuple(slots), version=current + 1, updated_by=actor, updated_at=to_iso(now)
    )


# ------------------------------------------------------------------------------------------- reading


def missing(roster: DutyRoster | None, month: str) -> list[tuple[date, Shift]]:
    """The month's shifts with no duty manager, in order."""
    filled = {(s.day, s.shift) for s in roster.slots} if roster else set()
    return [(day, shift) for day in month_days(month) for shift in Shift if (day, shift) not in filled]


def on_duty(roster: DutyRoster | None, site: Site, moment: datetime) -> RosterSlot | None:
    """The slot of the shift running at ``moment`` at the site, if the roster fills it. ``roster`` is
    the one of ``roster_month(site, moment)``."""
    if roster is None:
        return None
    span = shift_at(site, moment)
    day = date.fromisoformat(span.day)
    return next((s for s in roster.slots if s.day == day and s.shift is span.shift), None)


# ------------------------------------------------------------------------------------------- rungs

# Why a rung naming a role on duty mailed its list instead (on the ticket's timeline, in the mail).
NOBODY_ON_DUTY: Final = "nobody_on_roster"
NO_ADDRESS: Final = "no_address"


@dataclass(frozen=True)
class RungTarget:
    """Whom a rung naming a role on duty reaches: the person, or (``fallback`` says why) its list."""

    person: OnDuty | None
    fallback: str | None

    def detail(self) -> dict[str, str]:
        """What the ticket's timeline says about it."""
        named = {"on_duty": self.person.username} if self.person else {}
        return {**named, "on_duty_fallback": self.fallback} if self.fallback else named


def rung_target(role: OnDutyRole, slot: RosterSlot | None) -> RungTarget:
    person = slot.duty_manager if slot is not None and role is OnDutyRole.DUTY_MANAGER else None
    if person is None:
        return RungTarget(None, NOBODY_ON_DUTY)
    return RungTarget(person, None if person.email else NO_ADDRESS)


def roster_month(site: Site, moment: datetime) -> str:
    """The month whose roster covers ``moment``: the month the running shift began in."""
    return month_of(date.fromisoformat(shift_at(site, moment).day))


def _hours() -> list[ShiftHours]:
    day, night = DAY_START.strftime("%H:%M"), DAY_END.strftime("%H:%M")
    return [ShiftHours(shift=Shift.DAY, starts=day, ends=night), ShiftHours(shift=Shift.NIGHT, starts=night, ends=day)]


def _shown(person: OnDuty) -> PersonOnDuty:
    return project(person, PersonOnDuty)


def view(site: Site, month: str, roster: DutyRoster | None) -> RosterView:
    gaps = missing(roster, month)
    slots = roster.slots if roster else ()
    return RosterView(
        site_id=site.site_id,
        month=month,
        timezone=site.timezone,
        shifts=_hours(),
        slots=[
            RosterSlotView(
                day=s.day, shift=s.shift, duty_manager=_shown(s.duty_manager), desk=[_shown(p) for p in s.desk]
            )
            for s in slots
        ],
        missing=[RosterGap(day=day, shift=shift) for day, shift in gaps],
        complete=not gaps,
        complete_by=complete_by(month),
        version=roster.version if roster else 0,
        updated_by=roster.updated_by if roster else "",
        updated_at=roster.updated_at if roster else "",
    )
