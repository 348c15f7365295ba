"""A site's canned replies: read by who may reply to a tenant, replaced by managers."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.app.ports import CannedReplyRecords, SiteLookup, require_site
from frontdesk.domain.permissions import STAFF_ACTIONS, require_staff_in
from frontdesk.models.canned import CannedReplies, CannedRepliesIn
from frontdesk.models.ticket import Actor


@dataclass(frozen=True)
class CannedReplyDesk:
    records: CannedReplyRecords
    sites: SiteLookup

    def get(self, site_id: str, actor: Actor) -> CannedReplies:
        require_staff_in(actor, STAFF_ACTIONS["canned_replies"], "canned_replies")
        require_site(self.sites, site_id)
        return self.records.get(site_id)

    def put(self, site_id: str, body: CannedRepliesIn, actor: Actor) -> CannedReplies:
        require_staff_in(actor, STAFF_ACTIONS["edit_canned_replies"], "edit_canned_replies")
        require_site(self.sites, site_id)
        return self.records.put(site_id, body.replies, body.version)
