"""Where something happens on a site: the one check that a building and unit named by a form exist."""

from __future__ import annotations

from frontdesk.domain.errors import ErrorCode, InvalidInput
from frontdesk.models.site import Site


def check_place(site: Site, building_id: str, unit: str) -> None:
    """The building must be one of the site's, and a unit given one of the building's (when it lists them)."""
    building = site.building(building_id)
    if building is None:
        raise InvalidInput(field="building_id", code=ErrorCode.UNKNOWN_BUILDING)
    if unit and building.units and unit not in building.units:
        raise InvalidInput(field="unit", code=ErrorCode.UNKNOWN_UNIT)
