"""Reports, their events and photos share the table (and so its stream) with tickets and clocks: the
stream router must see none of them as a clock or a ticket's timeline event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from boto3.dynamodb.types import TypeSerializer

from frontdesk.adapters.clocks import clock_change
from frontdesk.adapters.incidents import _event_item, _report_item
from frontdesk.adapters.photos import _item as photo_item
from frontdesk.adapters.stream_images import timeline_event
from frontdesk.domain import evidence, incidents
from frontdesk.models.incident import NewIncidentReport
from frontdesk.models.photo import ImageType, OwnerKind

from .builders import DUTY_MANAGER, SITE, T0, TICKET_ID

_serializer = TypeSerializer()


def _image(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in item.items()}


def test_report_items_are_not_clocks_or_ticket_events() -> None:
    request = NewIncidentReport.model_validate(
        {
            "site_id": "ql",
            "severity": "major",
            "category": "fire",
            "occurred_at": T0 - timedelta(hours=1),
            "place": "配电房",
            "details": "起火",
        }
    )
    change = incidents.open_report(request, SITE, None, DUTY_MANAGER, T0, 1)
    photo = evidence.new_slot(OwnerKind.TICKET, TICKET_ID, "ql", "f" * 32, ImageType.JPEG, 10, "", DUTY_MANAGER, T0)
    for item in (_report_item(change.report), _event_item(change.event), photo_item(photo)):
        image = _image(item)
        assert timeline_event("INSERT", image) is None
        assert clock_change("INSERT", None, image) is None
        assert clock_change("MODIFY", image, image) is None
