"""Why a callback is owed: each reason has a clock kind of its own (frontdesk.domain.clocks).

Its own module, without pydantic models: the clock registry names every reason, and every function
that plans a clock imports it; the callback's models (frontdesk.models.callback) stay out of the
cold start of a function that has no callback to read.
"""

from __future__ import annotations

from enum import StrEnum


class CallbackReason(StrEnum):
    COMPLAINT = "complaint"  # every complaint, within 3 business days of being handled (100 %)
    KEY_REPAIR = "key_repair"  # a key repair, 1-3 business days after completion; the result to engineering
    SPECIAL = "special"  # 24 h after the rework a failed callback triggered is completed (001 part 2)
    SAMPLE = "sample"  # an ordinary repair of the weekly sample, 1-2 months after completion (001 p11 §4.1.1b)
    TOP_REPAIR = "top_repair"  # one of the month's 3 most significant repairs, by the deputy manager (000 §3.1f)
    FIRST_AID = "first_aid"  # a first aid, within a week of it (001 p11 §4.1.1d, 100 %)
    ACTIVITY = "activity"  # a sampled activity sign-up, within a month (001 p11 §4.1.1e, 10 %)
