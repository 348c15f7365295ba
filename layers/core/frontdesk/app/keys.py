"""The emergency key desk (000 §3.10): seal a unit's key, take it (with the client's permission or
the emergency override; after hours with the stamped authorisation and an escort), bring it back
sealed again. Taking it starts its return clock (2 h) in the same transaction; bringing it back meets
or breaches it (docs/decisions/0024)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from frontdesk.app.ports import Calendars, ClockPlanning, KeyRecords, SiteLookup, require_site
from frontdesk.app.rung_mail import Compose
from frontdesk.clock import Clock
from frontdesk.domain import keys
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, IllegalTransition
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import SubjectType
from frontdesk.models.keys import EmergencyKey, KeyRegister, KeyUse, KeyView, NewKey, ReturnKey, TakeKey
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import keys as messages
from frontdesk.notifications.messages import Mail


@dataclass(frozen=True)
class KeyDesk:
    records: KeyRecords
    sites: SiteLookup
    calendars: Calendars  # office hours are the site's business hours
    planner: ClockPlanning
    clock: Clock

    def seal(self, request: NewKey, actor: Actor) -> KeyView:
        site = require_site(self.sites, request.site_id)
        key = keys.seal(request, site, actor, self.clock.now(), uuid.uuid4().hex)
        self.records.create(key)
        return KeyView(key=key)

    def register(self, site_id: str, actor: Actor) -> KeyRegister:
        keys.check_may_use(actor)
        require_site(self.sites, site_id)
        return KeyRegister(
            site_id=site_id, keys=tuple(self.records.keys(site_id)), out=tuple(self.records.out(site_id))
        )

    def read(self, key_id: str, actor: Actor) -> KeyView:
        keys.check_may_use(actor)
        key = self._key(key_id)
        return KeyView(key=key, use=self.records.use(key.current_use) if key.current_use else None)

    def take(self, key_id: str, command: TakeKey, actor: Actor) -> KeyView:
        key = self._key(key_id)
        now = self.clock.now()
        taken, use = keys.take(key, command, self.calendars.calendar(key.site_id), actor, now)
        self.records.save(taken, key.version, use, 0, self._clocks(use, now))
        return KeyView(key=taken, use=use)

    def give_back(self, key_id: str, command: ReturnKey, actor: Actor) -> KeyView:
        key = self._key(key_id)
        use = self.records.use(key.current_use) if key.current_use else None
        now = self.clock.now()
        if use is None:
            keys.check_may_use(actor)
            raise IllegalTransition(field="key_id", code=ErrorCode.KEY_NOT_OUT)
        sealed, returned = keys.give_back(key, use, command, actor, now)
        self.records.save(sealed, key.version, returned, use.version, self._clocks(returned, now))
        return KeyView(key=sealed, use=returned)

    def _clocks(self, use: KeyUse, now: datetime) -> list[ClockWrite]:
        return self.planner.writes(SubjectType.KEY_USE, use.use_id, use.site_id, use, now)

    def _key(self, key_id: str) -> EmergencyKey:
        found = self.records.get(key_id)
        if found is None:
            raise keys.KeyNotFound(field="key_id")
        return found


def key_return_mail(records: KeyRecords, base_url: str) -> Compose:
    """What a late key's rung says (frontdesk.app.rung_mail mails it to the rung's list, once)."""

    def compose(clock: ClockItem, level: int, site: Site, late: int) -> Mail | None:
        use = records.use(clock.subject_id)
        return messages.overdue_mail(use, site, level, late, base_url) if use else None

    return compose
