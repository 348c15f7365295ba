"""On the stream: a repair spawned from a complaint accepted by the client → the complaint's timeline
records it (frontdesk.domain.linked), once per acceptance, under a marker, whatever the deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from frontdesk.app.ports import TicketSystemChanges, existing
from frontdesk.domain.errors import ErrorCode, VersionConflict
from frontdesk.domain.linked import repair_accepted
from frontdesk.models.ticket import TimelineEvent

MAX_RECORD_ATTEMPTS: Final = 5


@dataclass(frozen=True)
class LinkedComplaints:
    tickets: TicketSystemChanges

    def on_accept(self, event: TimelineEvent) -> bool:
        """True when the complaint's record was written by this delivery."""
        repair = existing(self.tickets.get(event.ticket_id), f"ticket {event.ticket_id}")
        if not repair.complaint_id:
            return False
        marker = f"LINKED#{repair.ticket_id}#{event.seq:06d}"
        for _ in range(MAX_RECORD_ATTEMPTS):
            complaint = existing(self.tickets.get(repair.complaint_id), f"ticket {repair.complaint_id}")
            try:
                return self.tickets.record_system_change(
                    repair_accepted(complaint, repair, event), complaint.version, marker
                )
            except VersionConflict:
                continue  # a person changed the complaint in between: read it again
        raise VersionConflict(field="version", code=ErrorCode.VERSION_CONFLICT)
