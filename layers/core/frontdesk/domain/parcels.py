"""The parcel register's rules (004 QW21-04 §4.2.4–4.2.5).

- A parcel is logged when the desk signs for it: the recipient's unit must be one of the site's.
- The recipient is told the same day, between 17:00 and 18:00 site-local (§4.2.4.2): by mail when an
  address is known, otherwise the parcel goes on the desk's "to phone" list. A parcel logged after
  18:00 is told in the next day's window. A parcel is told once: a notice, once recorded, is never
  owed again; a parcel collected before the window is owed none.
- Collecting it records the name signed and the ID shown, and closes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from frontdesk.clock import to_iso
from frontdesk.domain.errors import DomainError, ErrorCode, IllegalTransition, VersionConflict
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import DESK, require_staff_in
from frontdesk.domain.places import check_place
from frontdesk.models.frozen import project
from frontdesk.models.parcels import NewParcel, Notice, Parcel, ParcelState, Phoned, PickUp
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor

NOTICE_FROM: Final = time(17, 0)
NOTICE_UNTIL: Final = time(18, 0)


class ParcelNotFound(DomainError, code=ErrorCode.PARCEL_NOT_FOUND, status=404): ...


def check_may_use(actor: Actor) -> None:
    require_staff_in(actor, DESK, "parcels")


def log(request: NewParcel, site: Site, actor: Actor, now: datetime, parcel_id: str) -> Parcel:
    check_may_use(actor)
    check_place(site, request.building_id, request.unit)
    return project(
        request, Parcel, parcel_id=parcel_id, site_id=site.site_id, received_at=to_iso(now), received_by=actor.id
    )


def in_notice_window(site: Site, moment: datetime) -> bool:
    local = moment.astimezone(ZoneInfo(site.timezone)).time()
    return NOTICE_FROM <= local < NOTICE_UNTIL


def owed_notice(parcel: Parcel) -> bool:
    return parcel.state is ParcelState.WAITING and parcel.notice is None


def due_notices(site: Site, parcels: Iterable[Parcel], now: datetime) -> list[Parcel]:
    """The parcels whose recipient is told now: none outside the window, else every one still owed."""
    if not in_notice_window(site, now):
        return []
    return [p for p in parcels if p.site_id == site.site_id and owed_notice(p)]


def notify(parcel: Parcel, now: datetime) -> Parcel:
    """The notice recorded (before it is sent: a parcel is never told twice)."""
    if not owed_notice(parcel):
        raise IllegalTransition(field="notice")
    how = Notice.MAILED if parcel.email else Notice.TO_PHONE
    return evolve(parcel, {"notice": how, "notified_at": to_iso(now), "version": parcel.version + 1})


def notice_undone(parcel: Parcel) -> Parcel:
    """The mail could not be handed over (the service failed, not the address): owed again, so the
    window's next run tells them."""
    return evolve(parcel, {"notice": None, "notified_at": None, "version": parcel.version + 1})


def mail_refused(parcel: Parcel) -> Parcel:
    """The mail could not go out: the desk phones instead (still one notice)."""
    return evolve(parcel, {"notice": Notice.TO_PHONE, "version": parcel.version + 1})


def _versioned(parcel: Parcel, version: int) -> None:
    if version != parcel.version:
        raise VersionConflict(field="version", code=ErrorCode.PARCEL_VERSION_CONFLICT)


def _waiting(parcel: Parcel) -> None:
    if parcel.state is not ParcelState.WAITING:
        raise IllegalTransition(field="parcel_id", code=ErrorCode.PARCEL_COLLECTED)


def phoned(parcel: Parcel, command: Phoned, actor: Actor) -> Parcel:
    check_may_use(actor)
    _waiting(parcel)
    if parcel.notice is not Notice.TO_PHONE:
        raise IllegalTransition(field="notice", code=ErrorCode.PARCEL_NOT_TO_PHONE)
    _versioned(parcel, command.version)
    return evolve(parcel, {"notice": Notice.PHONED, "phoned_by": actor.id, "version": parcel.version + 1})


def collect(parcel: Parcel, command: PickUp, actor: Actor, now: datetime) -> Parcel:
    check_may_use(actor)
    _waiting(parcel)
    _versioned(parcel, command.version)
    return evolve(
        parcel,
        {
            "state": ParcelState.COLLECTED,
            "collected_at": to_iso(now),
            "collected_by": command.collected_by,
            "id_document": command.id_document,
            "id_tail": command.id_tail.upper(),
            "handed_over_by": actor.id,
            "version": parcel.version + 1,
        },
    )


def to_phone(parcels: Iterable[Parcel]) -> list[Parcel]:
    return [p for p in parcels if p.state is ParcelState.WAITING and p.notice is Notice.TO_PHONE]
