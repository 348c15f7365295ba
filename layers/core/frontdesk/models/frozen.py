"""The base of every stored record and value: immutable once built (a change is a new, validated copy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)
