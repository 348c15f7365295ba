"""Escalation ladders: per site and phase, who is told when a deadline passes, and how long after.

A ladder has one or more rungs per phase. The first rung fires at the phase's deadline (the arrival
deadline by building class, or the completion deadline); each later rung ``after_seconds`` after the
previous one. Each rung names the site's mailing list that is mailed when it is reached.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

ListName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}$")]

MAX_RUNGS = 10
MAX_GAP_SECONDS = 7 * 24 * 3600


class Phase(StrEnum):
    ARRIVAL = "arrival"  # the engineer must be in the room
    COMPLETION = "completion"  # the work must be done


class Rung(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mailing_list: ListName = Field(description="The site's mailing list told when this rung is reached")
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


class Ladder(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    arrival: Rungs
    completion: Rungs

    def rungs(self, phase: Phase) -> tuple[Rung, ...]:
        return self.arrival if phase is Phase.ARRIVAL else self.completion

    def rung(self, phase: Phase, level: int) -> Rung:
        """The rung reached at `level` (1-based); past the top, the top rung."""
        rungs = self.rungs(phase)
        return rungs[min(max(level, 1), len(rungs)) - 1]

    def list_names(self) -> list[str]:
        names = [r.mailing_list for r in (*self.arrival, *self.completion)]
        return list(dict.fromkeys(names))


# 000 §3.1: late arrival → the engineer and the duty manager at once, the centre manager if it
# goes on; work open 24 h → the department manager and the engineering manager.
DEFAULT_LADDER = Ladder(
    arrival=(
        Rung(mailing_list="engineer_and_duty_manager"),
        Rung(mailing_list="centre_manager", after_seconds=600),
    ),
    completion=(Rung(mailing_list="department_and_engineering_managers"),),
)
