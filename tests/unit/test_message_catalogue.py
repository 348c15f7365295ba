"""One message catalogue per language (layers/core/frontdesk/i18n), read by Python and by the pages.

No browser needed: the pages' keys are read from the pages as served (shared parts put in) and from
the scripts' source, Python's from its syntax tree.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from pydantic_core.core_schema import ErrorType

from frontdesk.i18n import LANGUAGES, catalogue
from frontdesk.models.photo import QuarantineReason

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "functions/public_api/web"
PYTHON = sorted(p for root in ("layers/core/frontdesk", "functions") for p in (REPO / root).rglob("*.py"))
SCRIPTS = sorted(p for p in (WEB / "assets").glob("*.js") if p.name != "i18n.js")


def _served_pages() -> list[str]:
    """Each page as functions/public_api/pages.py serves it: with its shared parts' slots filled."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(WEB.parent))  # the function's folder, as on Lambda
        pages = importlib.import_module("pages")
    return [pages._page(name).body for name in pages.PAGES]


PAGE_TEXTS = [*_served_pages(), *(path.read_text("utf-8") for path in SCRIPTS)]

_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_JS_KEY_CALL = re.compile(r'\b(?:t|has)\(\s*"([a-z][\w.-]*[\w-])"')
_HTML_KEY = re.compile(r'data-i18n(?:-[a-z-]+)?="([^"]+)"')


def _python_strings() -> Iterator[str]:
    """Every string constant, and the literal head of every f-string (``f"status.{x}"`` → ``status.``)."""
    for path in PYTHON:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                yield str(node.values[0].value)


def _page_strings() -> Iterator[str]:
    for text in PAGE_TEXTS:
        yield from _JS_STRING.findall(text)


def _keys_the_pages_name() -> set[str]:
    found: set[str] = set()
    for text in PAGE_TEXTS:
        found.update(_JS_KEY_CALL.findall(text), _HTML_KEY.findall(text))
    return found


STRINGS = {*_python_strings(), *_page_strings()}
PREFIXES = {s for s in STRINGS if s.endswith(".") and re.fullmatch(r"[a-z][\w.]*\.", s)}
# Pydantic reports validation errors by type; the catalogue names them.
PYDANTIC_TYPES = set(get_args(ErrorType))


def _used(key: str) -> bool:
    if key in STRINGS or key in PYDANTIC_TYPES:
        return True
    parts = key.split(".")
    return any(".".join(parts[:i]) + "." in PREFIXES for i in range(1, len(parts)))


def test_the_pages_read_the_catalogue_and_keep_no_copy() -> None:
    assert not (WEB / "assets/i18n.js").exists()


@pytest.mark.parametrize("key", sorted(_keys_the_pages_name()))
def test_every_key_a_page_names_is_in_the_catalogue(key: str) -> None:
    for language in LANGUAGES:
        assert key in catalogue(language)


def test_the_scan_sees_the_pages_and_python() -> None:
    named = _keys_the_pages_name()
    assert {"form.submit", "error.generic", "photo.aborted"} <= named
    assert {"track.photos.uploads", "staff.photos.hint"} <= named  # from a shared part, its slots filled
    assert not any("{{" in text for text in PAGE_TEXTS)
    assert {"status.", "category.", "incident.field."} <= PREFIXES
    assert "incident.mail.late" in STRINGS


def test_no_message_is_unused() -> None:
    """A key nobody reads is a copy waiting to disagree: remove it."""
    assert sorted(key for key in catalogue("en") if not _used(key)) == []


_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"
_HALF_WIDTH = [
    re.compile(_CJK + r" ?[,:;!?]"),
    re.compile(r"[,:;!?] ?" + _CJK),
    re.compile(r"\([^()]*[\u4e00-\u9fff][^()]*\)"),
    re.compile(_CJK + r" ?\("),
    re.compile(r"\) ?" + _CJK),
]


def test_chinese_text_uses_full_width_punctuation() -> None:
    """，：；！？（） beside Chinese text; half-width stays only in code, times and addresses (12:30, a@b.c)."""
    wrong = {key: text for key, text in catalogue("zh-CN").items() if any(p.search(text) for p in _HALF_WIDTH)}
    assert wrong == {}


def test_the_punctuation_check_catches_half_width_marks() -> None:
    assert all(any(p.search(text) for p in _HALF_WIDTH) for text in ("请重试,谢谢", "时限:{due}", "工单(已关闭)"))
    assert not any(p.search("时间格式（例如 10:30:00+08:00）") for p in _HALF_WIDTH)


# Keys the pages build at run time from a value the API sends (photo.reason.<reason>, photo.stage.<stage>).
BUILT_KEYS = [
    *(f"photo.reason.{reason.value}" for reason in QuarantineReason),
    *(f"photo.stage.{stage}" for stage in ("queued", "slot", "uploading", "checking", "done", "refused", "failed")),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_a_page_builds_is_in_the_catalogue(language: str) -> None:
    assert [key for key in BUILT_KEYS if key not in catalogue(language)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_is_written_twice(language: str) -> None:
    """json.loads keeps the last of two equal keys: the first text would be lost without a word."""

    def refuse_twice(pairs: list[tuple[str, str]]) -> dict[str, str]:
        keys = [key for key, _ in pairs]
        assert sorted({key for key in keys if keys.count(key) > 1}) == []
        return dict(pairs)

    path = REPO / f"layers/core/frontdesk/i18n/{language}.json"
    json.loads(path.read_text("utf-8"), object_pairs_hook=refuse_twice)
