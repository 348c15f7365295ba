"""Public API: the catalogue the pages read (kinds, categories, departments, limits and patterns).

A router of its own, included when a request is for it (app.py): the catalogue names every
feature's limits and enums, so its models are imported by this route, not by every cold start of
the public API (ADR 0027)."""

from __future__ import annotations

from frontdesk.api.routes import new_router
from frontdesk.models.catalogue import Catalogue, catalogue

router = new_router()


@router.get("/public/catalogue", summary="Kinds, categories, departments, limits and patterns the pages show and check")
def get_catalogue() -> Catalogue:
    return catalogue()
