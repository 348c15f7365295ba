"""The emergency key register's rules (000 §3.10; 004 QW21-04 §4.5).

- A unit's key is sealed at move-in, in front of the client; the seal has a number.
- A unit is opened with its key only with the client's permission (who, how, when), except for
  water, fire, smoke or explosion, where staff open first and tell the client after (the override).
  Exactly one of the two is given.
- Outside office hours (the site's business hours: a working day's day shift, 08:00–17:30 by
  default, holidays and 调休 counted — frontdesk.domain.calendar) a use also needs the client's
  stamped authorisation and a staff member going along, who is not the one taking the key.
- Office hours are the site calendar's business hours: its working days (public holidays off,
  adjusted working days on) from 08:00 to 17:30 site-local (frontdesk.domain.calendar).
- The key comes back and is sealed again with a new seal; not back within 2 hours, it escalates
  (the ``key_return`` clock).
- After an override the client is told, and the desk records who, how and when; due 2 hours after
  the key was taken, or — when that falls outside business hours — 2 hours into the next business
  morning (the ``key_tell_client`` clock).
- A borrower from outside the company shows a valid ID and leaves a deposit against a receipt; at
  the return the deposit is refunded, in full or with the reason for what is kept (004 QW21-04
  §4.5.4.2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain.calendar import Calendar
from frontdesk.domain.errors import DomainError, ErrorCode, IllegalTransition, InvalidInput, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import DESK, require_staff_in
from frontdesk.domain.places import check_place
from frontdesk.models.frozen import project
from frontdesk.models.keys import (
    ClientTold,
    EmergencyKey,
    KeyState,
    KeyUse,
    NewKey,
    ReturnKey,
    TakeKey,
    TellClient,
)
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor

RETURN_WITHIN: Final = timedelta(hours=2)
TELL_WITHIN: Final = timedelta(hours=2)
# A time given as "now" by a desk a little ahead of the server is not "in the future".
SKEW: Final = timedelta(minutes=1)


class KeyNotFound(DomainError, code=ErrorCode.KEY_NOT_FOUND, status=404): ...


class KeyUseNotFound(DomainError, code=ErrorCode.KEY_USE_NOT_FOUND, status=404): ...


def check_may_use(actor: Actor) -> None:
    require_staff_in(actor, DESK, "emergency_keys")


def tell_by(calendar: Calendar, taken: datetime) -> datetime:
    """When the client must have been told of an override: 2 h after the key was taken, or 2 h into
    the next business morning when that is outside business hours (nobody at the client's office)."""
    due = taken + TELL_WITHIN
    if calendar.in_business_hours(due):
        return due
    return calendar.next_business_morning(due) + TELL_WITHIN


def seal(request: NewKey, site: Site, actor: Actor, now: datetime, key_id: str) -> EmergencyKey:
    check_may_use(actor)
    check_place(site, request.building_id, request.unit)
    return project(
        request, EmergencyKey, key_id=key_id, site_id=site.site_id, sealed_at=to_iso(now), sealed_by=actor.id
    )


def _check_move(key: EmergencyKey, actor: Actor, state: KeyState, code: ErrorCode, version: int) -> None:
    """Who may use keys moves a key only from the state it must be in (else ``code``), as last read."""
    check_may_use(actor)
    if key.state is not state:
        raise IllegalTransition(field="key_id", code=code)
    if version != key.version:
        raise VersionConflict(field="version", expected=key.version, given=version)


def take(
    key: EmergencyKey, command: TakeKey, calendar: Calendar, actor: Actor, now: datetime
) -> tuple[EmergencyKey, KeyUse]:
    """The key out; office hours are the site calendar's business hours (a public holiday is not one)."""
    _check_move(key, actor, KeyState.SEALED, ErrorCode.KEY_OUT, command.version)
    if (command.permission is None) == (command.override is None):
        raise InvalidInput(field="permission", code=ErrorCode.KEY_PERMISSION_OR_OVERRIDE)
    if command.permission is not None and parse_iso(command.permission.at) > now + SKEW:
        raise InvalidInput(field="permission.at", code=ErrorCode.KEY_IN_FUTURE)
    after_hours = not calendar.in_business_hours(now)
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
        outsider=command.outsider,
        tell_due=deadline_iso(tell_by(calendar, now)) if command.override is not None else None,
    )
    moved = evolve(key, {"state": KeyState.OUT, "uses": seq, "current_use": use.use_id, "version": key.version + 1})
    return moved, use


def give_back(
    key: EmergencyKey, use: KeyUse, command: ReturnKey, actor: Actor, now: datetime
) -> tuple[EmergencyKey, KeyUse]:
    """The key back and sealed again: a new seal number (the old seal was broken)."""
    _check_move(key, actor, KeyState.OUT, ErrorCode.KEY_NOT_OUT, command.version)
    if command.new_seal_number == use.old_seal:
        raise InvalidInput(field="new_seal_number", code=ErrorCode.KEY_SEAL_REUSED)
    _check_deposit(use, command)
    returned = evolve(
        use,
        {
            "returned_at": to_iso(now),
            "returned_by": actor.id,
            "new_seal": command.new_seal_number,
            "deposit_back": command.deposit,
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


def _check_deposit(use: KeyUse, command: ReturnKey) -> None:
    """An outsider's deposit is accounted for at the return; a staff member's use has none."""
    deposit = command.deposit
    if use.outsider is None:
        if deposit is not None:
            raise InvalidInput(field="deposit", code=ErrorCode.KEY_DEPOSIT_NOT_TAKEN)
        return
    if deposit is None:
        raise InvalidInput(field="deposit", code=ErrorCode.KEY_DEPOSIT_REQUIRED)
    if deposit.refunded_fen > use.outsider.deposit_fen:
        raise InvalidInput(field="deposit.refunded_fen", code=ErrorCode.KEY_DEPOSIT_TOO_MUCH)
    if deposit.refunded_fen < use.outsider.deposit_fen and not deposit.withheld_reason:
        raise InvalidInput(field="deposit.withheld_reason", code=ErrorCode.KEY_DEPOSIT_WITHHELD_REASON)


def tell_client(use: KeyUse, command: TellClient, actor: Actor, now: datetime) -> KeyUse:
    """The client told of an override: recorded once; the record meets (or breaches) the clock."""
    check_may_use(actor)
    if use.override is None:
        raise IllegalTransition(field="use_id", code=ErrorCode.KEY_NO_OVERRIDE)
    if use.client_told is not None:
        raise IllegalTransition(field="use_id", code=ErrorCode.KEY_CLIENT_TOLD)
    if command.version != use.version:
        raise VersionConflict(field="version", expected=use.version, given=command.version)
    told_at = parse_iso(command.at)
    if told_at > now + SKEW:
        raise InvalidInput(field="at", code=ErrorCode.KEY_IN_FUTURE)
    if told_at < parse_iso(use.taken_at) - SKEW:
        raise InvalidInput(field="at", code=ErrorCode.KEY_TOLD_BEFORE_USE)
    told = ClientTold(
        told=command.told, how=command.how, at=to_iso(told_at), recorded_at=to_iso(now), recorded_by=actor.id
    )
    return evolve(use, {"client_told": told, "version": use.version + 1})
