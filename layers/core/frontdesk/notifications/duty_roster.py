"""What the duty roster says in mail (bilingual: zh-CN, then en): the reminder on the 25th, and the
line a rung's mail carries when it went to the list because nobody was on duty."""

from __future__ import annotations

from typing import Any

from frontdesk.domain.duty_roster import RungTarget, complete_by
from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.site import Site
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import Mail, bilingual_mail, site_name


def incomplete_mail(site: Site, month: str, missing: int, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "site": site_name(site, language),
            "month": month,
            "missing": missing,
            "due": complete_by(month).isoformat(),
            "link": staff_link(base_url, StaffView.ROSTER, month),  # the site chosen there: the mail names it
        }

    return bilingual_mail("duty_roster.incomplete.subject", "duty_roster.incomplete.body", params)


def with_fallback(mail: Mail, target: RungTarget | None, mailing_list: str) -> Mail:
    """The rung's mail, saying why it went to the list when it names a role on duty nobody filled."""
    if target is None or target.fallback is None:
        return mail
    name = target.person.name if target.person else ""
    note = "\n".join(
        message(f"duty_roster.fallback.{target.fallback}", lang, list=mailing_list, name=name) for lang in LANGUAGES
    )
    return Mail(subject=mail.subject, body=f"{note}\n\n{mail.body}")
