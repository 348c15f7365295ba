"""Sites, buildings and units. One company may run several sites."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from frontdesk.models.frozen import Frozen
from frontdesk.models.identifiers import NAME_ID, SITE_ID


class BuildingClass(StrEnum):
    """Arrival SLA class (000 §3.1): how fast an engineer must be in the room."""

    A = "A"  # administration, high-performance computing centre, computing centre, library: 5 min
    B = "B"  # student apartments, teaching buildings: 10 min
    C = "C"  # expert apartments: 15 min


DEFAULT_ARRIVAL_MINUTES: dict[BuildingClass, int] = {
    BuildingClass.A: 5,
    BuildingClass.B: 10,
    BuildingClass.C: 15,
}


def named_in(name: str, name_en: str, language: str) -> str:
    """A site's or building's name as a reader of `language` sees it (English falls back to the name)."""
    return (name_en or name) if language == "en" else name


class Building(Frozen):
    building_id: str = Field(pattern=NAME_ID)
    name: str = Field(min_length=1, max_length=80)
    name_en: str = Field(default="", max_length=80)
    building_class: BuildingClass
    units: tuple[str, ...] = ()

    def name_in(self, language: str) -> str:
        return named_in(self.name, self.name_en, language)


class Site(Frozen):
    site_id: str = Field(pattern=SITE_ID)
    code: str = Field(pattern=r"^[A-Z]{1,4}$", description="Prefix of the short ticket number")
    name: str = Field(min_length=1, max_length=80)
    name_en: str = Field(default="", max_length=80)
    timezone: str = "Asia/Shanghai"
    arrival_minutes: dict[BuildingClass, int] = Field(default_factory=lambda: dict(DEFAULT_ARRIVAL_MINUTES))
    completion_hours: int = Field(default=24, ge=1, le=240)
    # The share of the week's ordinary repairs called back (001 part 2: 20 %; the target is 30 %).
    sample_percent: int = Field(default=20, ge=0, le=100)
    buildings: tuple[Building, ...] = ()

    def name_in(self, language: str) -> str:
        return named_in(self.name, self.name_en, language)

    def building(self, building_id: str) -> Building | None:
        return next((b for b in self.buildings if b.building_id == building_id), None)

    def building_name_in(self, building_id: str, language: str) -> str:
        """A building's name in `language`; its id when the site no longer lists it."""
        building = self.building(building_id)
        return building.name_in(language) if building else building_id
