"""What the semi-annual survey says to a unit's tenant: the link to answer, in their language."""

from __future__ import annotations

from frontdesk.i18n import message, supported
from frontdesk.models.campaign import Invitation
from frontdesk.models.site import Site
from frontdesk.notifications.messages import Mail


def invitation_mail(site: Site, invitation: Invitation, link: str) -> Mail:
    language = supported(invitation.language)
    name = site.name_in(language)
    params = {"site": name, "unit": invitation.unit, "link": link}
    return Mail(
        subject=message("campaign.mail.subject", language, **params),
        body=message("campaign.mail.body", language, **params) + "\n",
    )
