"""The parcel register (挂号、特快专递及包裹签收记录表, 004 QW21-04 §4.2.4): each registered letter,
express item or parcel taken from the courier is logged with the recipient's name and unit, the
courier and tracking number, who at the desk signed for it and when; the recipient is told the same
day between 17:00 and 18:00 (mail when an address is known, otherwise the desk phones); collecting it
records who collected it and the ID checked, and closes it (docs/decisions/0024)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models import identifiers as ids
from frontdesk.models.commands import MAX_UNIT, Phone
from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.mailing import MAX_EMAIL, Email

MAX_NAME = 80  # the recipient's name, the name signed on pickup
MAX_SHORT = 40  # the courier, the tracking number
ID_TAIL = 4  # the last characters of the ID document shown at pickup (a mainland ID may end in X)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT)]
TrackingNo = Annotated[str, StringConstraints(strip_whitespace=True, pattern=rf"^[A-Za-z0-9-]{{0,{MAX_SHORT}}}$")]
IdTail = Annotated[str, StringConstraints(strip_whitespace=True, pattern=rf"^[0-9A-Za-z]{{{ID_TAIL}}}$")]


class ParcelKind(StrEnum):
    """What the manual's form registers (挂号信、特快专递及包裹)."""

    PARCEL = "parcel"  # 包裹 (the most common: first, the console's default)
    EXPRESS = "express"  # 特快专递
    REGISTERED_LETTER = "registered_letter"  # 挂号信


class ParcelState(StrEnum):
    WAITING = "waiting"  # at the desk, kept dry and safe (§4.2.5)
    COLLECTED = "collected"  # signed for by the one who collected it: closed


class Notice(StrEnum):
    """How the recipient was told (once): by mail, or the desk phones them."""

    MAILED = "mailed"
    TO_PHONE = "to_phone"  # no address (or the mail was refused): on the desk's "to phone" list
    PHONED = "phoned"  # the desk phoned them


class IdDocument(StrEnum):
    ID_CARD = "id_card"
    PASSPORT = "passport"
    STAFF_CARD = "staff_card"  # a student's or staff member's campus card
    OTHER = "other"


class NewParcel(Model):
    """A parcel signed for at the desk; received now, by the one logging it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_id: str = Field(pattern=ids.SITE_ID)
    building_id: str = Field(pattern=ids.NAME_ID)
    unit: str = Field(min_length=1, max_length=MAX_UNIT, description="The recipient's unit (楼牌号)")
    recipient: Name = Field(description="The recipient's name as on the parcel (收件人姓名)")
    kind: ParcelKind = ParcelKind.PARCEL
    courier: Short = Field(default="", description="Who brought it (the post office, a courier company)")
    tracking_no: TrackingNo = ""
    email: Email | None = Field(default=None, max_length=MAX_EMAIL, description="Where the notice goes, when known")
    phone: Phone | None = Field(default=None, description="For the desk's call when there is no address")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class PickUp(Model):
    """The signature on pickup: who collected it, the ID shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, description="The parcel's version as read")
    collected_by: Name = Field(description="The name signed by who collected it (the recipient or someone sent)")
    id_document: IdDocument
    id_tail: IdTail = Field(description="The last four characters of the ID shown")


class Phoned(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, description="The parcel's version as read")


class Parcel(Frozen):
    parcel_id: str
    site_id: str
    building_id: str
    unit: str
    recipient: str
    kind: ParcelKind
    courier: str = ""
    tracking_no: str = ""
    email: str | None = None
    phone: str | None = None
    note: str = ""
    received_at: str
    received_by: str
    state: ParcelState = ParcelState.WAITING
    notice: Notice | None = None
    notified_at: str | None = None
    phoned_by: str | None = None
    collected_at: str | None = None
    collected_by: str | None = None
    id_document: IdDocument | None = None
    id_tail: str | None = None
    handed_over_by: str | None = None
    version: int = 1


class ParcelRegister(Frozen):
    site_id: str
    waiting: tuple[Parcel, ...] = Field(description="Parcels not yet collected, oldest first")
    to_phone: tuple[Parcel, ...] = Field(description="Waiting parcels whose recipient the desk must phone")
