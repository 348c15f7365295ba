"""A site's canned replies: read by who may reply to a tenant, replaced by managers."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.app.ports import CannedReplyRecords, SiteLookup
from frontdesk.app.site_access import staff_site
from frontdesk.models.canned import CannedReplies, CannedRepliesIn
from frontdesk.models.ticket import Actor


@dataclass(frozen=True)
class CannedReplyDesk:
    records: CannedReplyRecords
    sites: SiteLookup

    def get(self, site_id: str, actor: Actor) -> CannedReplies:
        staff_site(self.sites, site_id, actor, "canned_replies")
        return self.records.get(site_id)

    def put(self, site_id: str, body: CannedRepliesIn, actor: Actor) -> CannedReplies:
        staff_site(self.sites, site_id, actor, "edit_canned_replies")
        return self.records.put(site_id, body.replies, body.version)
