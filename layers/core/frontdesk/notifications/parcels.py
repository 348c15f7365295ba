"""What a parcel's notice says to its recipient: bilingual (zh-CN, then en), what came, for which
unit, by which courier, and where to collect it (004 QW21-04 §4.2.4.2)."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.parcels import Parcel
from frontdesk.models.site import Site
from frontdesk.notifications.messages import Mail, local_time


def place(site: Site, building_id: str, unit: str, language: str) -> str:
    building = site.building(building_id)
    name = ((building.name_en or building.name) if language == "en" else building.name) if building else ""
    return " ".join(part for part in (name or building_id, unit) if part)


def notice_mail(parcel: Parcel, site: Site) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "recipient": parcel.recipient,
            "kind": message(f"parcel.kind.{parcel.kind.value}", language),
            "place": place(site, parcel.building_id, parcel.unit, language),
            "courier": parcel.courier or "—",
            "tracking_no": parcel.tracking_no or "—",
            "received": local_time(parcel.received_at, site.timezone),
            "site": (site.name_en or site.name) if language == "en" else site.name,
        }

    subject = " / ".join(message("parcel.notice.subject", lang, **params(lang)) for lang in LANGUAGES)
    body = "\n\n".join(message("parcel.notice.body", lang, **params(lang)) for lang in LANGUAGES)
    return Mail(subject=subject, body=body + "\n")
