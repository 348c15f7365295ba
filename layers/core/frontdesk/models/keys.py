"""The emergency key register (应急钥匙, 000 §3.10): each unit's key sealed at move-in with a seal
number; every use registered with its reason and the client's permission, or the emergency override
(water, fire, smoke, explosion only); after hours also a stamped authorisation and an escort; the
key returned and sealed again with a new seal within 2 hours; after an override, the client told
(a task with its own clock); a borrower from outside the company leaves an ID document and a
deposit (004 QW21-04 §4.5.4.2); the key cabinet audited every month (25th–27th, result on the 28th,
§4.5.6; frontdesk.models.key_audit) (docs/decisions/0024)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.identifiers import INSTANT, MAX_USERNAME, NAME_ID, SITE_ID

SealNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{1,20}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Instant = Annotated[str, StringConstraints(pattern=INSTANT)]


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


class IdDocument(StrEnum):
    """The valid ID an outsider shows to borrow a key (004 QW21-04 §4.5.4.2)."""

    ID_CARD = "id_card"
    PASSPORT = "passport"
    OTHER = "other"


# A deposit in fen: at least 1 fen, at most ¥100,000.
Fen = Annotated[int, Field(ge=1, le=10_000_000)]
Receipt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class KeyState(StrEnum):
    SEALED = "sealed"
    OUT = "out"


class NewKey(Model):
    """A unit's key sealed at move-in, in front of the client (both stamps on the seal)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_id: str = Field(pattern=SITE_ID)
    building_id: str = Field(pattern=NAME_ID)
    unit: str = Field(min_length=1, max_length=40)
    seal_number: SealNumber
    sealed_with: Name = Field(description="The client who sealed it with the desk")


class Permission(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    given_by: Name
    how: PermissionBy
    at: Instant


class AfterHours(Model):
    """Outside office hours: the client's stamped authorisation and the staff member who goes along."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    authorisation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    escort: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_USERNAME)]


class Outsider(Model):
    """A borrower who is not staff (a contractor …): every field is required (004 QW21-04 §4.5.4.2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    company: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] = ""
    id_document: IdDocument
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{4,30}$")]
    deposit_fen: Fen
    receipt: Receipt = Field(description="The number of the receipt given for the deposit")


class DepositBack(Model):
    """The outsider's deposit at the return: refunded in full, or partly with the reason for the rest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    refunded_fen: int = Field(ge=0, le=10_000_000)
    withheld_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class TellClient(Model):
    """After an override: how and when the client was told that staff opened the unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    told: Name = Field(description="Who was told (the client's contact)")
    how: PermissionBy
    at: Instant


class ClientTold(Frozen):
    told: str
    how: PermissionBy
    at: str
    recorded_at: str
    recorded_by: str


class TakeKey(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    permission: Permission | None = None
    override: Emergency | None = Field(default=None, description="Open first, tell the client after")
    after_hours: AfterHours | None = None
    outsider: Outsider | None = Field(default=None, description="The borrower, when not staff: ID and deposit")


class ReturnKey(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    new_seal_number: SealNumber
    deposit: DepositBack | None = Field(default=None, description="Required when an outsider borrowed the key")


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
    outsider: Outsider | None = None
    deposit_back: DepositBack | None = None
    # after an override: the client to be told by then (the key_tell_client clock), and when it was
    tell_due: str | None = None
    client_told: ClientTold | None = None
    version: int = 1


class KeyView(Frozen):
    key: EmergencyKey
    use: KeyUse | None = None


class KeyRegister(Frozen):
    site_id: str
    keys: tuple[EmergencyKey, ...]
    out: tuple[KeyUse, ...] = Field(default=(), description="Uses not yet returned")
    to_tell: tuple[KeyUse, ...] = Field(default=(), description="Overrides whose client has not been told yet")
