"""The semi-annual satisfaction survey campaign (001 part 2: June and November; ≥ 70 % answered).
docs/decisions/0023-callbacks-and-business-calendars.md.

- ``start``: a manager starts the campaign of a site; every unit of the site's unit list is invited
  by a link of its own, once however often it is started (a second start creates what a first one
  missed and nothing twice). A unit whose tenant left an address on a ticket is mailed the link (by
  the stream router, when the invitation is written: ``mail``, sent then marked); the others are
  listed on the campaign's page for the desk to hand over;
- ``view``: the campaign's page: responses per unit against the target;
- ``SurveyLinks``: the no-login survey answers either link, a ticket's callback or a unit's
  campaign invitation, with the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.app.callbacks import CallbackDesk
from frontdesk.app.ports import CampaignRecords, Mailer, MailRefused, OpenTickets, SiteLookup, existing, require_site
from frontdesk.app.site_access import staff_site
from frontdesk.app.tokens import could_be_token, new_token, token_hash
from frontdesk.clock import Clock as Time
from frontdesk.clock import to_iso
from frontdesk.domain import campaigns as rules
from frontdesk.domain.errors import ErrorCode, IllegalTransition, NotFound
from frontdesk.models.callback import SurveyIn, SurveyView
from frontdesk.models.campaign import (
    Campaign,
    CampaignIn,
    CampaignSurveyView,
    CampaignView,
    Invitation,
    InvitationView,
)
from frontdesk.models.ticket import Actor
from frontdesk.notifications import campaigns as notices
from frontdesk.notifications.links import TenantPage, tenant_link

# How many of a unit's newest tickets are read for an address to mail its invitation to.
TICKETS_FOR_ADDRESS = 20


@dataclass(frozen=True)
class CampaignDesk:
    records: CampaignRecords
    sites: SiteLookup
    tickets: OpenTickets
    mailer: Mailer
    clock: Time
    base_url: str

    def start(self, site_id: str, request: CampaignIn, actor: Actor) -> CampaignView:
        site = staff_site(self.sites, site_id, actor, "start_campaign")
        units = rules.units(site)
        if not units:
            raise IllegalTransition(field="period", code=ErrorCode.CAMPAIGN_NO_UNITS, state="no_units")
        now = self.clock.now()
        campaign = self.records.put_campaign(rules.start(site, request.period, actor, now))
        invited = {(i.building_id, i.unit) for i in self.records.invitations(site_id, campaign.period)}
        for building_id, unit in units:
            if (building_id, unit) in invited:
                continue
            address = self._address(site_id, building_id, unit)
            token = new_token()
            invitation = Invitation(
                site_id=site_id,
                period=campaign.period,
                building_id=building_id,
                unit=unit,
                token=token,
                language=address[1] if address else "zh-CN",
                email_known=address is not None,
            )
            self.records.create_invitation(invitation, token_hash(token), to_iso(now))
        return self._view(campaign)

    def view(self, site_id: str, period: str, actor: Actor) -> CampaignView:
        staff_site(self.sites, site_id, actor, "campaigns")
        campaign = self.records.get_campaign(site_id, period)
        if campaign is None:
            raise NotFound(field="period", code=ErrorCode.CAMPAIGN_NOT_FOUND)
        return self._view(campaign)

    def _view(self, started: Campaign) -> CampaignView:
        invitations = self.records.invitations(started.site_id, started.period)
        # counted from the invitations read anyway: a second start may have invited units added since
        answers = sum(i.answer is not None for i in invitations)
        campaign = started.model_copy(update={"units": len(invitations), "responses": answers})
        return CampaignView(
            campaign=campaign,
            rate_percent=rules.rate(campaign),
            meets_target=rules.meets_target(campaign),
            invitations=[
                InvitationView(
                    building_id=i.building_id,
                    unit=i.unit,
                    mailed=i.mailed_at is not None,
                    email_known=i.email_known,
                    answered=i.answer is not None,
                    link_token=i.token if (not i.email_known or i.mail_refused) and i.answer is None else None,
                )
                for i in invitations
            ],
        )

    def _address(self, site_id: str, building_id: str, unit: str) -> tuple[str, str] | None:
        """The address (and language) the unit's tenant last left on a ticket, if any."""
        for ticket in self.tickets.by_unit(site_id, building_id, unit, TICKETS_FOR_ADDRESS):
            if ticket.contact.email:
                return ticket.contact.email, ticket.language
        return None

    def mail(self, site_id: str, period: str, building_id: str, unit: str) -> str:
        """The unit's invitation mailed once (sent, then marked): "sent", "skipped" or "failed"."""
        invitation = existing(self.records.invitation(site_id, period, building_id, unit), f"invitation {unit}")
        if invitation.mailed_at is not None or not invitation.email_known or invitation.answer is not None:
            return "skipped"
        address = self._address(site_id, building_id, unit)
        if address is None:
            return "skipped"
        site = require_site(self.sites, site_id)
        mail = notices.invitation_mail(
            site, invitation, tenant_link(self.base_url, TenantPage.SURVEY, invitation.token)
        )
        try:
            self.mailer.send([address[0]], mail.subject, mail.body)
        except MailRefused:  # a retry cannot help: the campaign's page lists the link for the desk
            self.records.mark_mailed(invitation, to_iso(self.clock.now()), refused=True)
            return "failed"
        self.records.mark_mailed(invitation, to_iso(self.clock.now()))
        return "sent"

    def survey(self, token: str) -> CampaignSurveyView | None:
        invitation = self._by_token(token)
        if invitation is None:
            return None
        campaign = self._campaign(invitation)
        site = require_site(self.sites, invitation.site_id)
        rules.require_open(invitation, campaign, self.clock.now(), site.timezone)
        return CampaignSurveyView(
            unit=invitation.unit, building_id=invitation.building_id, period=campaign.period, due=campaign.closes_on
        )

    def answer(self, token: str, survey: SurveyIn) -> Invitation | None:
        invitation = self._by_token(token)
        if invitation is None:
            return None
        campaign = self._campaign(invitation)
        site = require_site(self.sites, invitation.site_id)
        answered = rules.answered(invitation, campaign, survey, self.clock.now(), site.timezone)
        self.records.save_answer(answered)
        return answered

    def _by_token(self, token: str) -> Invitation | None:
        return self.records.by_link(token_hash(token)) if could_be_token(token) else None

    def _campaign(self, invitation: Invitation) -> Campaign:
        return existing(self.records.get_campaign(invitation.site_id, invitation.period), "campaign")


@dataclass(frozen=True)
class SurveyLinks:
    """The no-login survey: a unit's campaign link, else a ticket's tracking link (its open callback)."""

    campaigns: CampaignDesk
    callbacks: CallbackDesk

    def view(self, token: str) -> SurveyView | CampaignSurveyView:
        return self.campaigns.survey(token) or self.callbacks.survey(token)

    def answer(self, token: str, survey: SurveyIn) -> str:
        answered = self.campaigns.answer(token, survey)
        if answered is not None and answered.answer is not None:
            return answered.answer.result.value
        return self.callbacks.answer(token, survey).state.value
