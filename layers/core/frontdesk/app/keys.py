"""The emergency key desk (000 §3.10): seal a unit's key, take it (with the client's permission or
the emergency override; after hours — in the site calendar — with the stamped authorisation and an
escort; an outsider with an ID and a deposit), bring it back sealed again. Taking it starts its
return clock (2 h) and, after an override, its "tell the client" clock in the same transaction;
bringing it back, and recording that the client was told, meet or breach them (docs/decisions/0024)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from frontdesk.app.ports import Calendars, ClockPlanning, KeyRecords, SiteLookup, require_site
from frontdesk.app.rung_mail import Compose
from frontdesk.clock import Clock
from frontdesk.domain import keys
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import ErrorCode, IllegalTransition
from frontdesk.models.clock import Clock as ClockItem
from frontdesk.models.clock import ClockKind, SubjectType
from frontdesk.models.identifiers import new_hex_id
from frontdesk.models.keys import EmergencyKey, KeyRegister, KeyUse, KeyView, NewKey, ReturnKey, TakeKey, TellClient
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor
from frontdesk.notifications import keys as messages
from frontdesk.notifications.messages import Mail


@dataclass(frozen=True)
class KeyDesk:
    records: KeyRecords
    sites: SiteLookup
    calendars: Calendars
    planner: ClockPlanning
    clock: Clock

    def seal(self, request: NewKey, actor: Actor) -> KeyView:
        site = require_site(self.sites, request.site_id)
        key = keys.seal(request, site, actor, self.clock.now(), new_hex_id())
        self.records.create(key)
        return KeyView(key=key)

    def register(self, site_id: str, actor: Actor) -> KeyRegister:
        keys.check_may_use(actor)
        require_site(self.sites, site_id)
        return KeyRegister(
            site_id=site_id,
            keys=tuple(self.records.keys(site_id)),
            out=tuple(self.records.out(site_id)),
            to_tell=tuple(self.records.to_tell(site_id)),
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

    def tell_client(self, use_id: str, command: TellClient, actor: Actor) -> KeyUse:
        """After an override: the client told (who, how, when); meets or breaches the use's task clock."""
        use = self.records.use(use_id)
        if use is None:
            keys.check_may_use(actor)
            raise keys.KeyUseNotFound(field="use_id")
        now = self.clock.now()
        told = keys.tell_client(use, command, actor, now)
        self.records.save_use(told, use.version, self._clocks(told, now))
        return told

    def _clocks(self, use: KeyUse, now: datetime) -> list[ClockWrite]:
        return self.planner.writes(SubjectType.KEY_USE, use.use_id, use.site_id, use, now)

    def _key(self, key_id: str) -> EmergencyKey:
        found = self.records.get(key_id)
        if found is None:
            raise keys.KeyNotFound(field="key_id")
        return found


def key_return_mail(records: KeyRecords, base_url: str) -> Compose:
    """What a late key's rung says, or a client not told after an override (frontdesk.app.rung_mail
    mails it to the rung's list, once)."""

    def compose(clock: ClockItem, level: int, site: Site, late: int) -> Mail | None:
        use = records.use(clock.subject_id)
        if use is None:
            return None
        if clock.kind is ClockKind.KEY_TELL_CLIENT:
            return messages.untold_mail(use, site, level, late, base_url)
        return messages.overdue_mail(use, site, level, late, base_url)

    return compose
