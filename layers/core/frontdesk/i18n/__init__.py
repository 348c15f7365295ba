"""Message catalogues (zh-CN default, en). Text lives here, never in code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

DEFAULT = "zh-CN"
LANGUAGES = ("zh-CN", "en")


def supported(language: str) -> str:
    """`language` when there is a catalogue for it, else the default (zh-CN)."""
    return language if language in LANGUAGES else DEFAULT


@cache
def catalogue(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((Path(__file__).parent / f"{language}.json").read_text("utf-8"))
    return data


def negotiate(accept_language: str | None) -> str:
    """Pick zh-CN or en from an Accept-Language header, honouring q-values; zh-CN when unsure."""
    if not accept_language:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT


def message(code: str, language: str, **params: Any) -> str:
    """The text for a code; unknown parameters are left out rather than failing."""
    texts = catalogue(supported(language))
    template = texts.get(code) or texts["invalid"]
    if "status" in params:
        params = {**params, "status": texts.get(f"status.{params['status']}", params["status"])}
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    return template.format(**{name: params.get(name, "") for name in names})
