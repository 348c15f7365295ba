"""Managing a site's escalation ladder and mailing lists (the staff API's service)."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.app.ports import EmergencyCallRecords, MailingRecords, OpenClocks, SiteLookup, require_site
from frontdesk.domain.mailing import check_list_in_ladder, check_may_manage, check_may_read
from frontdesk.models.duty_summary import SUMMARY_LISTS
from frontdesk.models.escalation import Ladder
from frontdesk.models.mailing import MailingListView, MailingOverview, overview, view
from frontdesk.models.routing import routing_lists
from frontdesk.models.site import Site
from frontdesk.models.ticket import Actor


@dataclass(frozen=True)
class MailingDesk:
    records: MailingRecords
    sites: SiteLookup
    clocks: OpenClocks
    calls: EmergencyCallRecords

    def overview(self, site_id: str, actor: Actor) -> MailingOverview:
        check_may_read(actor)
        self._site(site_id)
        ladder = self.records.ladder(site_id)
        return overview(site_id, ladder, self.records.mailing_lists(site_id), self._routing(site_id))

    def add(self, site_id: str, name: str, email: str, actor: Actor) -> MailingListView:
        check_may_manage(actor)
        self._site(site_id)
        ladder = self.records.ladder(site_id)
        check_list_in_ladder(ladder, name, self._routing(site_id))
        return view(ladder, self.records.add_member(site_id, name, email))

    def _routing(self, site_id: str) -> list[str]:
        """The lists intake mails (frontdesk.domain.routing) and those the weekly duty summary mails:
        a manager fills them like the ladder's."""
        return [*routing_lists(self.calls.calls(site_id)), *SUMMARY_LISTS]

    def remove(self, site_id: str, name: str, email: str, actor: Actor) -> MailingListView:
        check_may_manage(actor)
        self._site(site_id)
        ladder = self.records.ladder(site_id)
        return view(ladder, self.records.remove_member(site_id, name, email))

    def set_ladder(self, site_id: str, ladder: Ladder, actor: Actor) -> MailingOverview:
        """Applies to new clocks, and to running ones from their next rung on."""
        check_may_manage(actor)
        self._site(site_id)
        self.records.put_ladder(site_id, ladder)
        self.clocks.apply(site_id, ladder)
        return overview(site_id, ladder, self.records.mailing_lists(site_id), self._routing(site_id))

    def _site(self, site_id: str) -> Site:
        return require_site(self.sites, site_id)
