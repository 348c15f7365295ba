"""Escalation ladders: per site and clock kind, who is told when a deadline passes, and how long after.

A ladder has one or more rungs per clock kind. The first rung fires at the clock's due time; each
later rung ``after_seconds`` after the previous one. Each rung names the site's mailing list that
is mailed when it is reached — or a role on duty (``on_duty``: the duty manager on shift), resolved
from the site's duty roster at the moment the rung fires, its list mailed instead when nobody is on
the roster then. A change to a site's ladder applies to its running clocks from their
next rung on (frontdesk.domain.clocks.replan).
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, field_validator

from frontdesk.models.clock import ClockKind
from frontdesk.models.frozen import Model
from frontdesk.models.identifiers import LIST_NAME
from frontdesk.models.on_duty import OnDutyRole

# A ladder's phases are the clock kinds: one set of rungs per kind.
Phase = ClockKind

ListName = Annotated[str, StringConstraints(pattern=LIST_NAME)]

# The site's mailing lists that the default ladders, intake routing and the managers' mails name:
# each written once here, filled per site by its managers (frontdesk.app.mailing).
# The duty managers (值班经理): the first rung of most ladders.
DUTY_MANAGER_LIST: Final = "duty_manager"
# The centre manager (000 §3.3c 应马上通知经理): the top of most ladders; a serious complaint at intake.
MANAGER_LIST: Final = "centre_manager"
# The department managers and the engineering managers (000 §3.1 部门经理及工程部经理): work open 24 h,
# overdue incident reports, the quarterly callback analysis.
DEPARTMENT_MANAGERS_LIST: Final = "department_and_engineering_managers"

MAX_RUNGS = 10
MAX_GAP_SECONDS = 7 * 24 * 3600


class Rung(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mailing_list: ListName = Field(
        description="The site's mailing list told when this rung is reached (with on_duty: when nobody is on duty)"
    )
    on_duty: OnDutyRole | None = Field(
        default=None, description="Mail the person on the duty roster in this role at the moment the rung fires"
    )
    after_seconds: int = Field(
        default=0,
        ge=0,
        le=MAX_GAP_SECONDS,
        description="Seconds after the previous rung (at least 1); the first rung is at the deadline (0)",
    )


def _spaced(rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
    """The first rung at the deadline, each later one at least a second after the one before."""
    if rungs and rungs[0].after_seconds != 0:
        raise ValueError("first_rung_at_deadline")
    if any(rung.after_seconds < 1 for rung in rungs[1:]):
        raise ValueError("later_rung_after_seconds")
    return rungs


Rungs = Annotated[tuple[Rung, ...], Field(min_length=1, max_length=MAX_RUNGS), AfterValidator(_spaced)]


# 000 §3.3f: a complaint or inquiry not reported back the same day → the duty manager, then the centre manager.
DEFAULT_REPLY_RUNGS = (Rung(mailing_list=DUTY_MANAGER_LIST), Rung(mailing_list=MANAGER_LIST, after_seconds=3600))
# 000 §3.6: an overdue incident report → the centre manager at the deadline, the department heads an hour later.
DEFAULT_REPORT_RUNGS = (
    Rung(mailing_list=MANAGER_LIST),
    Rung(mailing_list=DEPARTMENT_MANAGERS_LIST, after_seconds=3600),
)

# 003; 004 QW21-06: a handover not signed by both shifts 30 min after the shift change → the duty
# manager on shift (issue 13; the duty manager's list when the roster names nobody), the centre
# manager half an hour later.
DEFAULT_HANDOVER_RUNGS = (
    Rung(mailing_list=DUTY_MANAGER_LIST, on_duty=OnDutyRole.DUTY_MANAGER),
    Rung(mailing_list=MANAGER_LIST, after_seconds=1800),
)

# 000 §3.10: an emergency key not back and sealed again 2 h after it was taken → the duty manager,
# the centre manager an hour later.
DEFAULT_KEY_RETURN_RUNGS = (Rung(mailing_list=DUTY_MANAGER_LIST), Rung(mailing_list=MANAGER_LIST, after_seconds=3600))
# 000 §3.10: the client not told after an override → the duty manager, the centre manager an hour later.
DEFAULT_KEY_TELL_CLIENT_RUNGS = DEFAULT_KEY_RETURN_RUNGS
# 004 QW21-04 §4.5.6: the cabinet's audit not filed on the 28th → the centre manager, then the
# department heads a working day later.
DEFAULT_KEY_AUDIT_RUNGS = (
    Rung(mailing_list=MANAGER_LIST),
    Rung(mailing_list=DEPARTMENT_MANAGERS_LIST, after_seconds=86400),
)

# Callbacks (001 part 11 §4.5; 000 §3.1d): a missed callback → the duty manager, the centre manager
# a working day later; a key repair's → the engineering managers too (the result goes to them).
DEFAULT_CALLBACK_RUNGS = (Rung(mailing_list=DUTY_MANAGER_LIST), Rung(mailing_list=MANAGER_LIST, after_seconds=86400))
DEFAULT_KEY_REPAIR_CALLBACK_RUNGS = (
    Rung(mailing_list=DUTY_MANAGER_LIST),
    Rung(mailing_list=DEPARTMENT_MANAGERS_LIST, after_seconds=86400),
)
# The special callback is due 24 h after the rework: late, it goes to the centre manager at once.
DEFAULT_SPECIAL_CALLBACK_RUNGS = (
    Rung(mailing_list=DUTY_MANAGER_LIST),
    Rung(mailing_list=MANAGER_LIST, after_seconds=3600),
)

# A sampled repair not called back within its 2 months: the duty manager, the centre manager a day later.
DEFAULT_SAMPLE_CALLBACK_RUNGS = DEFAULT_CALLBACK_RUNGS
# The month's top 3 is the deputy manager's own: late, the centre manager (who receives its results).
DEFAULT_TOP_REPAIR_CALLBACK_RUNGS = (Rung(mailing_list=MANAGER_LIST),)
DEFAULT_FIRST_AID_CALLBACK_RUNGS = DEFAULT_CALLBACK_RUNGS
DEFAULT_ACTIVITY_CALLBACK_RUNGS = DEFAULT_CALLBACK_RUNGS


# 001 part 2: a major complaint's corrective action not verified as done by its due day → the
# centre manager's list (the managers; the same list a serious complaint is routed to at intake).
DEFAULT_CORRECTIVE_ACTION_RUNGS = (Rung(mailing_list=MANAGER_LIST),)


class Ladder(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    arrival: Rungs
    completion: Rungs
    # Added with the clock engine: ladders stored before it take these defaults.
    reply: Rungs = Field(default=DEFAULT_REPLY_RUNGS)
    incident_report: Rungs = Field(default=DEFAULT_REPORT_RUNGS)
    handover: Rungs = Field(default=DEFAULT_HANDOVER_RUNGS)
    key_return: Rungs = Field(default=DEFAULT_KEY_RETURN_RUNGS)
    key_tell_client: Rungs = Field(default=DEFAULT_KEY_TELL_CLIENT_RUNGS)
    key_audit: Rungs = Field(default=DEFAULT_KEY_AUDIT_RUNGS)
    callback_complaint: Rungs = Field(default=DEFAULT_CALLBACK_RUNGS)
    callback_key_repair: Rungs = Field(default=DEFAULT_KEY_REPAIR_CALLBACK_RUNGS)
    callback_special: Rungs = Field(default=DEFAULT_SPECIAL_CALLBACK_RUNGS)
    callback_sample: Rungs = Field(default=DEFAULT_SAMPLE_CALLBACK_RUNGS)
    corrective_action: Rungs = Field(default=DEFAULT_CORRECTIVE_ACTION_RUNGS)
    callback_top_repair: Rungs = Field(default=DEFAULT_TOP_REPAIR_CALLBACK_RUNGS)
    callback_first_aid: Rungs = Field(default=DEFAULT_FIRST_AID_CALLBACK_RUNGS)
    callback_activity: Rungs = Field(default=DEFAULT_ACTIVITY_CALLBACK_RUNGS)

    @field_validator("incident_report")
    @classmethod
    def _reports_mail_lists(cls, rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
        """An overdue report's notices go to lists (frontdesk.app.incidents): no role on duty there."""
        if any(rung.on_duty is not None for rung in rungs):
            raise ValueError("on_duty_not_for_reports")
        return rungs

    def rungs(self, phase: Phase) -> tuple[Rung, ...]:
        rungs: tuple[Rung, ...] = getattr(self, phase.value)
        return rungs

    def rung(self, phase: Phase, level: int) -> Rung:
        """The rung reached at `level` (1-based); past the top, the top rung."""
        rungs = self.rungs(phase)
        return rungs[min(max(level, 1), len(rungs)) - 1]

    def list_names(self) -> list[str]:
        names = [r.mailing_list for phase in Phase for r in self.rungs(phase)]
        return list(dict.fromkeys(names))


# 000 §3.1: late arrival → the engineer and the duty manager at once, the centre manager if it
# goes on; work open 24 h → the department manager and the engineering manager.
DEFAULT_LADDER = Ladder(
    arrival=(
        Rung(mailing_list="engineer_and_duty_manager"),
        Rung(mailing_list=MANAGER_LIST, after_seconds=600),
    ),
    completion=(Rung(mailing_list=DEPARTMENT_MANAGERS_LIST),),
)
