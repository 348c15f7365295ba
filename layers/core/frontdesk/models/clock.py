"""A clock: one deadline of the manuals, kept for one subject (a ticket, an incident report …).

The clock is data (docs/decisions/0009-one-clock-engine.md). One state machine runs it, whatever
its kind: it waits until the next rung's time, then writes "rung N reached" on the clock item,
conditional on nothing having changed (``gen``), the clock still running and the time come.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from frontdesk.models.frozen import Model
from frontdesk.models.on_duty import OnDutyRole


class ClockKind(StrEnum):
    ARRIVAL = "arrival"  # the engineer in the room: 5/10/15 min by building class, or an agreed time
    COMPLETION = "completion"  # the work done: 24 h after arrival
    REPLY = "reply"  # complaints and inquiries answered: end of the site-local day, or an agreed time
    INCIDENT_REPORT = "incident_report"  # the report submitted: 12 h (major) or 24 h (general)
    HANDOVER = "handover"  # both shifts signed the handover: 30 min after the shift change
    KEY_RETURN = "key_return"  # an emergency key back and sealed again: 2 h after it was taken
    KEY_TELL_CLIENT = (
        "key_tell_client"  # after an override, the client told: 2 h, or 2 h into the next business morning
    )
    KEY_AUDIT = "key_audit"  # the monthly key-cabinet audit filed: the 28th, 17:30 site-local
    # callbacks (回访, docs/decisions/0023): due times in the site's business days
    CALLBACK_COMPLAINT = "callback_complaint"  # a complaint called back: 3 business days after handled
    CALLBACK_KEY_REPAIR = "callback_key_repair"  # a key repair called back: 1-3 business days after completion
    CALLBACK_SPECIAL = "callback_special"  # the special callback: 24 h after the rework is completed
    CALLBACK_SAMPLE = "callback_sample"  # a sampled repair called back 1-2 months after completion
    # a major complaint's corrective action verified as done by the end of its due day (001 part 2)
    CORRECTIVE_ACTION = "corrective_action"
    CALLBACK_TOP_REPAIR = "callback_top_repair"  # the month's top 3 repairs: by the 3rd business day after the month
    CALLBACK_FIRST_AID = "callback_first_aid"  # a first aid called back: 5 business days (a week) after it ended
    CALLBACK_ACTIVITY = "callback_activity"  # a sampled activity sign-up called back by the end of the next month


class ClockState(StrEnum):
    RUNNING = "running"  # counting; past the due time it climbs its ladder
    PAUSED = "paused"  # waiting for the client (a quote to decide): the paused time is added to the due time
    MET = "met"  # the milestone came in time
    BREACHED = "breached"  # the milestone came, late
    CANCELLED = "cancelled"  # the subject closed (or was dispatched again) without the milestone


OPEN_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED})


class SubjectType(StrEnum):
    TICKET = "ticket"
    REPORT = "report"
    HANDOVER = "handover"  # a shift's handover (frontdesk.models.duty.Handover)
    KEY_USE = "key_use"  # a use of an emergency key (frontdesk.models.keys.KeyUse)
    KEY_AUDIT = "key_audit"  # a site's monthly key-cabinet audit (frontdesk.models.key_audit.KeyAudit)
    CALLBACK = "callback"
    CORRECTIVE_ACTION = "corrective_action"  # frontdesk.models.corrective.CorrectiveAction


class PlannedRung(Model):
    """One rung of the clock's ladder with the instant it is due (whole seconds, ``…:SS.000Z``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mailing_list: str
    at: str
    on_duty: OnDutyRole | None = None  # the role on duty mailed instead of the list (frontdesk.models.escalation)


class Clock(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject_type: SubjectType
    subject_id: str
    site_id: str
    kind: ClockKind
    # Which run of the subject this clock times (a ticket dispatched again gets a fresh clock).
    anchor: str
    # Moves whenever the schedule changes (start, reschedule, resume, ladder edit): the execution
    # of an older generation finds its condition false and ends; a new one is started.
    gen: int = Field(ge=1)
    state: ClockState
    due: str
    started_at: str
    rungs: tuple[PlannedRung, ...] = ()
    level: int = Field(default=0, ge=0, description="Rungs reached")
    breached_at: str | None = Field(default=None, description="When the first rung was reached")
    escalated_at: str | None = Field(default=None, description="When the last rung was reached")
    paused_at: str | None = None
    paused_seconds: int = Field(default=0, ge=0)
    ended_at: str | None = None
    early_seconds: int | None = Field(default=None, description="Met this many seconds before the due time")
    late_seconds: int | None = Field(default=None, description="Breached by this many seconds")

    @property
    def clock_id(self) -> str:
        return f"{self.subject_type.value}-{self.subject_id}-{self.kind.value}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def rungs_left(self) -> int:
        return max(len(self.rungs) - self.level, 0)
