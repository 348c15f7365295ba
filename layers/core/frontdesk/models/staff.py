"""The people of a site, as the user pool knows them: who they are, their roles, and how busy they are."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from frontdesk.models.frozen import Model
from frontdesk.models.ticket import Department, Role


class Person(Model):
    """One staff member: a user of the pool with their groups (roles) and attributes."""

    model_config = ConfigDict(frozen=True)

    username: str
    name: str = Field(description="The display name (the user's `name` attribute; the user name when unset)")
    roles: tuple[Role, ...]
    department: Department | None = Field(default=None, description="The `custom:department` attribute")
    phone: str = Field(default="", description="The `phone_number` attribute")
    email: str = Field(default="", description="The `email` attribute (the duty roster mails a duty manager on shift)")
    site_id: str = Field(default="", description="The `custom:site_id` attribute: the site whose roster they are on")


class PersonView(Person):
    # The directory shows how to reach a colleague by phone; addresses stay with the roster's mail.
    email: str = Field(default="", exclude=True)
    open_tickets: int = Field(description="Open tickets assigned to this person now")
    busy: bool = Field(description="At least one open ticket assigned")


class People(Model):
    site_id: str
    people: list[PersonView]
