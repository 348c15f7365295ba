"""What a parcel's notice says to its recipient: bilingual (zh-CN, then en), what came, for which
unit, by which courier, and where to collect it (004 QW21-04 §4.2.4.2)."""

from __future__ import annotations

from typing import Any

from frontdesk.i18n import message
from frontdesk.models.parcels import Parcel
from frontdesk.models.site import Site
from frontdesk.notifications.messages import Mail, bilingual_mail, local_time, place, site_name


def notice_mail(parcel: Parcel, site: Site) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "recipient": parcel.recipient,
            "kind": message(f"parcel.kind.{parcel.kind.value}", language),
            "place": place(site, parcel.building_id, parcel.unit, language),
            "courier": parcel.courier or "—",
            "tracking_no": parcel.tracking_no or "—",
            "received": local_time(parcel.received_at, site.timezone),
            "site": site_name(site, language),
        }

    return bilingual_mail("parcel.notice.subject", "parcel.notice.body", params)
