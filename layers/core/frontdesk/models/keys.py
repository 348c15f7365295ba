"""The emergency key register (应急钥匙, 000 §3.10): each unit's key sealed at move-in with a seal
number; every use registered with its reason and the client's permission, or the emergency override
(water, fire, smoke, explosion only); after hours also a stamped authorisation and an escort; the
key returned and sealed again with a new seal within 2 hours (docs/decisions/0024)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from frontdesk.models.frozen import Frozen
from frontdesk.models.identifiers import SITE_ID

SealNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{1,20}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Instant = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
]


class Emergency(StrEnum):
    """The only reasons staff may open first and tell the client after (000 §3.10)."""

    WATER = "water"
    FIRE = "fire"
    SMOKE = "smoke"
    EXPLOSION = "explosion"


class PermissionBy(StrEnum):
    PHONE = "phone"
    IN_PERSON = "in_person"
    WRITTEN = "written"


class KeyState(StrEnum):
    SEALED = "sealed"
    OUT = "out"


class NewKey(BaseModel):
    """A unit's key sealed at move-in, in front of the client (both stamps on the seal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_id: str = Field(pattern=SITE_ID)
    building_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    unit: str = Field(min_length=1, max_length=40)
    seal_number: SealNumber
    sealed_with: Name = Field(description="The client who sealed it with the desk")


class Permission(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    given_by: Name
    how: PermissionBy
    at: Instant


class AfterHours(BaseModel):
    """Outside office hours: the client's stamped authorisation and the staff member who goes along."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authorisation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    escort: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class TakeKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    permission: Permission | None = None
    override: Emergency | None = Field(default=None, description="Open first, tell the client after")
    after_hours: AfterHours | None = None


class ReturnKey(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    new_seal_number: SealNumber


class EmergencyKey(Frozen):
    key_id: str
    site_id: str
    building_id: str
    unit: str
    seal_number: str
    state: KeyState = KeyState.SEALED
    sealed_at: str
    sealed_by: str
    sealed_with: str
    uses: int = 0
    current_use: str | None = None
    version: int = 1


class KeyUse(Frozen):
    use_id: str
    key_id: str
    site_id: str
    building_id: str
    unit: str
    reason: str
    permission: Permission | None = None
    override: Emergency | None = None
    after_hours: AfterHours | None = None
    taken_at: str
    taken_by: str
    return_due: str
    old_seal: str
    returned_at: str | None = None
    returned_by: str | None = None
    new_seal: str | None = None
    version: int = 1


class KeyView(Frozen):
    key: EmergencyKey
    use: KeyUse | None = None


class KeyRegister(Frozen):
    site_id: str
    keys: tuple[EmergencyKey, ...]
    out: tuple[KeyUse, ...] = Field(default=(), description="Uses not yet returned")
