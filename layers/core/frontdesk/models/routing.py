"""Who is told at intake (000 §3.3c, §3.4-3.8; 001 part 2): a site's emergency call list, and the
mailing lists a serious complaint or one for company leadership goes to.

Each name is one of the site's mailing lists (``MAILING#<name>``, managed like the ladder's): a role
("security_head") is the list of the people who hold it.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import AfterValidator, ConfigDict, Field

from frontdesk.models.escalation import MANAGER_LIST, ListName
from frontdesk.models.frozen import Model
from frontdesk.models.ticket import EMERGENCIES

# 001 part 2: a compensation claim or a complaint against the office head goes to company leadership.
LEADERSHIP_LIST: Final = "company_leadership"

MAX_ROLES = 8

# Who the manual says is told at once, per emergency (000 §3.4 security incidents; §3.5 leaks and
# power cuts; §3.7 power cuts; §3.8 fire, flooding, explosion: by phone to the property manager,
# the duty manager, the security head and the engineering head).
DEFAULT_CALLS: Final[dict[str, tuple[str, ...]]] = {
    # 3.5.1 工程部及管业领导，同时通知保洁部到场吸水; 3.8 跑水
    "water_leak": ("engineering_head", "property_manager", "cleaning_head", "duty_manager", "security_head"),
    # 3.5.2 工程部及本部门领导; 3.7 中央控制室、工程部值班工程师
    "power_cut": ("engineering_head", "customer_service_head", "central_control_room"),
    # 3.8 管业经理、值班经理、保安部主管、工程部主管
    "fire": ("property_manager", "duty_manager", "security_head", "engineering_head"),
    # 3.4e 保安部经理; 3.8 爆炸
    "explosion_or_suspicious_object": (
        "security_manager",
        "property_manager",
        "duty_manager",
        "security_head",
        "engineering_head",
    ),
    # 3.4a 保安部主管
    "theft_or_robbery": ("security_head",),
    # 3.4d 保安员到场，带至保安部处理
    "fight": ("security_head",),
    # 3.4b 保安部主管
    "lost_property": ("security_head",),
    # 3.4c 保安部主管和管业最高行政领导人
    "death": ("security_head", "top_executive"),
}


def _every_emergency(calls: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """One entry per emergency of the manual, each telling someone: an emergency nobody hears of is a hole."""
    if set(calls) - set(EMERGENCIES):
        raise ValueError("unknown_emergency")
    if set(EMERGENCIES) - set(calls):
        raise ValueError("emergency_missing")
    return {e: tuple(dict.fromkeys(calls[e])) for e in EMERGENCIES}


Roles = Annotated[tuple[ListName, ...], Field(min_length=1, max_length=MAX_ROLES)]


class EmergencyCalls(Model):
    """Per emergency, the roles (mailing lists) told at intake. Replaced whole by a manager."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calls: Annotated[dict[str, Roles], AfterValidator(_every_emergency)] = Field(
        description="Every emergency type (water_leak, power_cut, fire, …) → the site's mailing lists told at once",
        examples=[DEFAULT_CALLS],
    )

    def roles(self, emergency: str) -> tuple[str, ...]:
        return self.calls.get(emergency, ())

    def list_names(self) -> list[str]:
        return list(dict.fromkeys(name for roles in self.calls.values() for name in roles))


DEFAULT_EMERGENCY_CALLS: Final = EmergencyCalls(calls=DEFAULT_CALLS)


class EmergencyCallList(Model):
    """What a site's call list is, and whether a manager has set it (else the manual's defaults)."""

    site_id: str
    calls: dict[str, list[str]]
    default: bool


def routing_lists(calls: EmergencyCalls) -> list[str]:
    """Every mailing list intake routing may mail: a manager may fill each of them."""
    return list(dict.fromkeys([MANAGER_LIST, LEADERSHIP_LIST, *calls.list_names()]))
