"""The emergency key register's rules (000 §3.10; 004 QW21-04 §4.5).

- A unit's key is sealed at move-in, in front of the client; the seal has a number.
- A unit is opened with its key only with the client's permission (who, how, when), except for
  water, fire, smoke or explosion, where staff open first and tell the client after (the override).
  Exactly one of the two is given.
- Outside office hours (the site's business hours: a working day's day shift, 08:00–17:30 by
  default, holidays and 调休 counted — frontdesk.domain.calendar) a use also needs the client's
  stamped authorisation and a staff member going along, who is not the one taking the key.
- The key comes back and is sealed again with a new seal; not back within 2 hours, it escalates
  (the ``key_return`` clock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import DomainError, ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import DESK, require_staff_in
from frontdesk.models.keys import EmergencyKey, KeyState, KeyUse, NewKey, ReturnKey, TakeKey
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor

RETURN_WITHIN: Final = timedelta(hours=2)


class KeyNotFound(DomainError, code=ErrorCode.KEY_NOT_FOUND, status=404): ...


def check_may_use(actor: Actor) -> None:
    require_staff_in(actor, DESK, "emergency_keys")


def office_hours(calendar: Calendar, moment: datetime) -> bool:
    """The office is open: a working day of the site's calendar, in its day shift."""
    return calendar.in_business_hours(moment)


def seal(request: NewKey, site: Site, actor: Actor, now: datetime, key_id: str) -> EmergencyKey:
    check_may_use(actor)
    building = site.building(request.building_id)
    if building is None:
        raise InvalidInput(field="building_id", code=ErrorCode.UNKNOWN_BUILDING)
    if building.units and request.unit not in building.units:
        raise InvalidInput(field="unit", code=ErrorCode.UNKNOWN_UNIT)
    return EmergencyKey(
        key_id=key_id,
        site_id=site.site_id,
        building_id=request.building_id,
        unit=request.unit,
        seal_number=request.seal_number,
        sealed_at=to_iso(now),
        sealed_by=actor.id,
        sealed_with=request.sealed_with,
    )


def _versioned(key: EmergencyKey, version: int) -> None:
    if version != key.version:
        raise VersionConflict(field="version", expected=key.version, given=version)


def take(
    key: EmergencyKey, command: TakeKey, calendar: Calendar, actor: Actor, now: datetime
) -> tuple[EmergencyKey, KeyUse]:
    check_may_use(actor)
    if key.state is not KeyState.SEALED:
        raise IllegalTransition(field="key_id", code=ErrorCode.KEY_OUT)
    _versioned(key, command.version)
    if (command.permission is None) == (command.override is None):
        raise InvalidInput(field="permission", code=ErrorCode.KEY_PERMISSION_OR_OVERRIDE)
    if command.permission is not None and parse_iso(command.permission.at) > now + timedelta(minutes=1):
        raise InvalidInput(field="permission.at", code=ErrorCode.KEY_IN_FUTURE)
    after_hours = not office_hours(calendar, now)
    if after_hours:
        if command.after_hours is None:
            raise InvalidInput(field="after_hours", code=ErrorCode.KEY_AFTER_HOURS)
        if command.after_hours.escort == actor.id:
            raise InvalidInput(field="after_hours.escort", code=ErrorCode.KEY_ESCORT_SELF)
    seq = key.uses + 1
    use = KeyUse(
        use_id=f"{key.key_id}-{seq}",
        key_id=key.key_id,
        site_id=key.site_id,
        building_id=key.building_id,
        unit=key.unit,
        reason=command.reason,
        permission=command.permission,
        override=command.override,
        after_hours=command.after_hours if after_hours else None,
        taken_at=to_iso(now),
        taken_by=actor.id,
        return_due=deadline_iso(now + RETURN_WITHIN),
        old_seal=key.seal_number,
    )
    moved = evolve(key, {"state": KeyState.OUT, "uses": seq, "current_use": use.use_id, "version": key.version + 1})
    return moved, use


def give_back(
    key: EmergencyKey, use: KeyUse, command: ReturnKey, actor: Actor, now: datetime
) -> tuple[EmergencyKey, KeyUse]:
    """The key back and sealed again: a new seal number (the old seal was broken)."""
    check_may_use(actor)
    if key.state is not KeyState.OUT:
        raise IllegalTransition(field="key_id", code=ErrorCode.KEY_NOT_OUT)
    _versioned(key, command.version)
    if command.new_seal_number == use.old_seal:
        raise InvalidInput(field="new_seal_number", code=ErrorCode.KEY_SEAL_REUSED)
    returned = evolve(
        use,
        {
            "returned_at": to_iso(now),
            "returned_by": actor.id,
            "new_seal": command.new_seal_number,
            "version": use.version + 1,
        },
    )
    sealed = evolve(
        key,
        {
            "state": KeyState.SEALED,
            "seal_number": command.new_seal_number,
            "current_use": None,
            "version": key.version + 1,
        },
    )
    return sealed, returned
