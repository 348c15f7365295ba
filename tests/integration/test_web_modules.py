"""The pages' scripts as native ES modules: read from the files (no browser), then as the public
function serves them, with every import pinned to a hash that covers what it imports."""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Api, load_event, set_header
from .lambda_support import LambdaContext

WEB = Path(__file__).resolve().parents[2] / "functions/public_api/web"
ENTRIES = {"index.html": "form.js", "track.html": "track.js", "staff.html": "staff.js"}
MAX_LINES = 500

SPECIFIER = re.compile(r'\b(?:from|import)\s*"(?P<spec>[^"]+)"')
NAMED = re.compile(r'\bimport\s*\{(?P<names>[^}]*)\}\s*from\s*"\./(?P<name>[^"?]+)"')
NAMESPACE = re.compile(r'\bimport \* as (?P<alias>[\w$]+) from "\./(?P<name>[^"?]+)"')
EXPORT = re.compile(r"^export (?:async )?(?:function|const|let) ([\w$]+)", re.MULTILINE)
SCRIPT = re.compile(r"<script\b")
MODULE = re.compile(r'<script type="module" src="assets/([a-z0-9.-]+)"></script>')
PINNED = re.compile(r'"\./(?P<name>[a-z0-9.-]+\.js)\?v=(?P<hash>[0-9a-f]{16})"')


def _pages() -> ModuleType:
    """functions/public_api/pages.py, which serves the pages and their assets."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(WEB.parent))  # the function's folder, as on Lambda
        return importlib.import_module("pages")


ASSETS: dict[str, str] = _pages().ASSETS  # the only names /assets/<name> serves
CATALOGUE: str = _pages().MESSAGES  # the messages module, generated from the Python catalogue


def _code(name: str) -> str:
    """The module's text without comments, so a comment can neither hide nor fake an import."""
    if name == CATALOGUE:
        return ""  # generated data: no imports
    text = (WEB / "assets" / name).read_text("utf-8")
    return re.sub(r"/\*.*?\*/|(?<![:\"'])//[^\n]*", "", text, flags=re.DOTALL)


def _imports(name: str) -> list[str]:
    return [m["spec"] for m in SPECIFIER.finditer(_code(name))]


def _load_order(entry: str, trail: tuple[str, ...] = (), done: list[str] | None = None) -> list[str]:
    """Every module the entry needs, each after what it imports; a cycle fails (pages.py refuses one)."""
    done = [] if done is None else done
    assert entry not in trail, f"import cycle: {' -> '.join([*trail, entry])}"
    if entry in done:
        return done
    for spec in sorted(_imports(entry)):
        _load_order(spec.removeprefix("./"), (*trail, entry), done)
    done.append(entry)
    return done


def _scripts() -> list[str]:
    return sorted(path.name for path in (WEB / "assets").glob("*.js"))


# ----------------------------------------------------------------------------------------- the files


def test_every_script_is_a_small_module_that_keeps_nothing_on_window() -> None:
    on_disk = sorted(path.name for path in (WEB / "assets").iterdir())
    assert sorted([*on_disk, CATALOGUE]) == sorted(ASSETS), "the allowlist names the files and the catalogue"
    for name in _scripts():
        lines = (WEB / "assets" / name).read_text("utf-8").count("\n")
        assert lines <= MAX_LINES, f"{name}: {lines} lines; split it by concern"
        code = _code(name)
        on_window = re.search(r"\b(?:window|globalThis|self)\s*(?:\.\s*[\w$]+|\[[^\]]+\])\s*=(?!=)", code)
        assert not on_window, f"{name}: {on_window[0]}… share it with export/import instead"
        assert not re.search(r"\bimport\s*\(", code), f"{name}: a dynamic import is not pinned to a hash"
        assert '"use strict"' not in code, f"{name}: modules are strict already"


def test_every_import_names_an_allowlisted_module_and_what_it_exports() -> None:
    for name in _scripts():
        for spec in _imports(name):
            target = spec.removeprefix("./")
            assert spec.startswith("./") and ASSETS.get(target, "").startswith("text/javascript"), (name, spec)
        code = _code(name)
        for match in NAMED.finditer(code):
            exported = set(EXPORT.findall(_code(match["name"])))
            wanted = {part.split(" as ")[0].strip() for part in match["names"].split(",") if part.strip()}
            assert wanted <= exported, f"{name} imports {sorted(wanted - exported)} that {match['name']} lacks"
        for match in NAMESPACE.finditer(code):
            exported = set(EXPORT.findall(_code(match["name"])))
            used = set(re.findall(rf"(?<![\w$.]){match['alias']}\.([\w$]+)", code))
            assert used <= exported, f"{name} uses {sorted(used - exported)} that {match['name']} lacks"
    # The catalogue is read in one place, so its source can be swapped there.
    assert [name for name in _scripts() if f'"./{CATALOGUE}"' in _code(name)] == ["common.js"]


def test_every_export_is_imported_somewhere() -> None:
    """An export no other module imports is dead or private: not exported, it is plainly the module's own."""
    imported: set[str] = set()
    for name in _scripts():
        code = _code(name)
        for match in NAMED.finditer(code):
            imported |= {part.split(" as ")[0].strip() for part in match["names"].split(",") if part.strip()}
        for match in NAMESPACE.finditer(code):
            imported |= set(re.findall(rf"(?<![\w$.]){match['alias']}\.([\w$]+)", code))
    unused = {(name, export) for name in _scripts() for export in EXPORT.findall(_code(name)) if export not in imported}
    assert unused == set()


def test_an_amount_of_yuan_is_read_in_one_place() -> None:
    """The desk's cash count and a key's deposit read yuan alike (common.js cents), not each its own way."""
    readers = [name for name in _scripts() if r"\d+(\.\d{1,2})?$" in _code(name)]
    assert readers == ["common.js"]


def test_every_page_names_its_entry_module_only() -> None:
    for page, entry in ENTRIES.items():
        html = (WEB / page).read_text("utf-8")
        assert MODULE.findall(html) == [entry], page
        assert len(SCRIPT.findall(html)) == 1, f"{page}: a script that is not its entry module"
        assert "<script>" not in html and "onclick=" not in html, page


# ----------------------------------------------------------------------------------------- as served


@pytest.fixture
def web(public: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of web/ the public function serves from, with its caches empty before and after."""
    pages = public.module.pages
    copy = tmp_path / "web"
    shutil.copytree(WEB, copy)
    monkeypatch.setattr(pages, "WEB", copy)
    pages._asset.cache_clear()
    pages._page.cache_clear()
    yield copy
    pages._asset.cache_clear()
    pages._page.cache_clear()


def _get(public: Api, path: str, etag: str | None = None) -> tuple[int, dict[str, str], str]:
    event = load_event("public_track_ticket.json")
    name = path.rsplit("/", 1)[-1].split("?")[0]
    query = dict(part.split("=", 1) for part in path.partition("?")[2].split("&") if part)
    resource = "/assets/{name}" if path.startswith("/assets/") else path.split("?")[0]
    event.update(
        resource=resource,
        path=path.split("?")[0],
        pathParameters={"name": name} if resource == "/assets/{name}" else None,
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} or None,
    )
    event["requestContext"].update(resourcePath=resource, path="/prod" + event["path"])
    set_header(event, "If-None-Match", f'"{etag}"' if etag else None)
    response: dict[str, Any] = public.module.lambda_handler(event, LambdaContext())
    headers = {k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}
    headers.update(response.get("headers") or {})
    return response["statusCode"], headers, response.get("body") or ""


def _pins(public: Api, page: str) -> dict[str, str]:
    """name -> hash of every module the page loads, as pinned in the served page and modules."""
    status, _, html = _get(public, f"/{page}")
    assert status == 200
    pins = dict(re.findall(r'(?:src|href)="assets/([a-z0-9.-]+\.js)\?v=([0-9a-f]{16})"', html))
    for name, digest in list(pins.items()):
        status, headers, body = _get(public, f"/assets/{name}?v={digest}")
        assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8", name
        assert headers["ETag"] == f'"{digest}"' and "immutable" in headers["Cache-Control"], name
        # Every import is pinned, and to the very hash the page and every other importer use:
        # one URL per module, so the browser runs each module once.
        assert [spec for spec in SPECIFIER.findall(body) if "?v=" not in spec] == [], name
        for match in PINNED.finditer(body):
            assert pins.setdefault(match["name"], match["hash"]) == match["hash"], (name, match["name"])
    return pins


def test_served_modules_pin_their_imports_to_hashes_that_follow_what_they_import(public: Api, web: Path) -> None:
    before = _pins(public, "staff")
    assert {"staff.js", "staff-ticket.js", "timeline.js", "common.js", "i18n.js"} <= set(before)
    status, _, _ = _get(public, f"/assets/staff.js?v={before['staff.js']}", etag=before["staff.js"])
    assert status == 304

    # A new deploy changes the timeline, which staff-ticket.js imports, which staff.js imports.
    timeline = web / "assets/timeline.js"
    timeline.write_text(timeline.read_text("utf-8") + "// changed\n", "utf-8")
    public.module.pages._asset.cache_clear()
    public.module.pages._page.cache_clear()
    after = _pins(public, "staff")

    changed = sorted(name for name in before if before[name] != after[name])
    # ... and so do the modules that import those (intake and reports open tickets); no other.
    assert changed == ["staff-intake.js", "staff-reports.js", "staff-ticket.js", "staff.js", "timeline.js"]
    status, _, _ = _get(public, f"/assets/staff.js?v={after['staff.js']}", etag=before["staff.js"])
    assert status == 200  # the old ETag no longer matches


@pytest.mark.parametrize(("page", "entry"), [(page.removesuffix(".html"), entry) for page, entry in ENTRIES.items()])
def test_a_served_page_preloads_everything_its_entry_imports(public: Api, page: str, entry: str) -> None:
    """One request wave, not one per import level; the shared head and bar are put in as well."""
    status, _, html = _get(public, "/" if page == "index" else f"/{page}")
    assert status == 200
    preloaded = re.findall(r'<link rel="modulepreload" href="assets/([a-z0-9.-]+\.js)\?v=[0-9a-f]{16}">', html)
    assert [*preloaded, entry] == _load_order(entry)
    assert "<!--#include" not in html and '<meta charset="utf-8">' in html
    assert html.index('<meta charset="utf-8">') < 200  # within the first bytes, as browsers require


def test_an_import_cycle_is_refused_rather_than_hashed(public: Api, web: Path) -> None:
    common = web / "assets/common.js"
    common.write_text('import "./staff.js";\n' + common.read_text("utf-8"), "utf-8")
    with pytest.raises(ValueError, match=r"import cycle: common\.js -> staff\.js -> common\.js"):
        public.module.pages._asset("common.js")


# HTML's elements without an end tag (the rest must be closed, in order)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class _Nesting(HTMLParser):
    """Each element's open ancestors by id; an end tag that closes anything but the last one opened is a fault."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str]] = []
        self.faults: list[str] = []
        self.ancestors: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if found:
            self.ancestors[found] = [name for _, name in self.open if name]
        if tag not in VOID:
            self.open.append((tag, found or ""))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            last = self.open[-1] if self.open else "nothing"
            self.faults.append(f"</{tag}> at line {self.getpos()[0]} closes {last}")
            return
        self.open.pop()


@pytest.mark.parametrize("page", sorted(_pages().PAGES))
def test_every_element_of_a_served_page_is_closed_where_it_was_opened(page: str) -> None:
    """A tag left open nests what follows inside it: a panel hidden with its neighbour is never seen."""
    nesting = _Nesting()
    nesting.feed(_pages()._page(page).body)
    nesting.close()
    assert nesting.faults == [] and nesting.open == []


def test_each_console_panel_sits_in_the_console_itself() -> None:
    """The merge that put the calendar where the surveys' end tag was hid every panel after it
    (the calendar, incident reports, the duty log and roster, keys, parcels) inside the surveys'."""
    nesting = _Nesting()
    nesting.feed(_pages()._page("staff").body)
    panels = ("intake", "callbacks", "surveys", "calendar", "reports", "duty", "keys", "parcels")
    assert {panel: nesting.ancestors[panel][-1] for panel in panels} == dict.fromkeys(panels, "console")


def test_a_shared_part_is_put_in_with_every_slot_filled_or_not_at_all() -> None:
    """The photo block is written once (web/partials/photo-add.html) for the three pages that upload."""
    pages = _pages()
    staff = pages._page("staff").body
    assert 'id="detail-photo-input"' in staff and 'id="report-photo-input"' in staff
    assert 'id="report-photos-add" hidden>' in staff and 'id="detail-photos-add" >' in staff
    match = pages._INCLUDE.search("<!--#include photo-add id=x texts=track-->")  # no hidden=
    assert match is not None
    with pytest.raises(KeyError, match="hidden"):
        pages._included(match)
