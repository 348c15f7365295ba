"""The web pages: tenant form, tracking page and staff console, served by the public API function.

Plain static files under ``web/`` (no build step). Served by the same Lambda as the public API so the
pages deploy the same way on AWS as locally. Every URL inside the pages is relative, because on AWS
the API lives under a stage prefix (``/prod/``).

Assets are served from a strict allowlist. HTML references them as ``assets/<name>``; when a page is
served each reference gets ``?v=<content hash>``, so a versioned asset may be cached for a year
while the HTML itself is always revalidated. The scripts are native ES modules (no build step): their
``from "./<name>"`` imports are pinned the same way, and a module's hash is taken over its text with
those pins in it, so it changes whenever anything it imports changes, however deep. A deploy thus
never mixes an old module, cached for a year, with a new one it imports.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from frontdesk.api.routes import new_router
from frontdesk.i18n import LANGUAGES, catalogue
from frontdesk.settings import settings

router = new_router()

WEB = Path(__file__).resolve().parent / "web"

HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"
JS = "text/javascript; charset=utf-8"
JSON = "application/json; charset=utf-8"

# The only files /assets/<name> will ever serve, with their content types.
ASSETS: dict[str, str] = {
    "app.css": CSS,
    "i18n.js": JS,
    "common.js": JS,
    "photos.js": JS,
    "photo-ui.js": JS,
    "timeline.js": JS,
    "form.js": JS,
    "track.js": JS,
    "staff.js": JS,
    "staff-state.js": JS,
    "staff-session.js": JS,
    "staff-mfa.js": JS,
    "srp.js": JS,
    "staff-queue.js": JS,
    "staff-board.js": JS,
    "staff-fields.js": JS,
    "staff-people.js": JS,
    "staff-actions.js": JS,
    "staff-conversation.js": JS,
    "staff-callbacks.js": JS,
    "staff-surveys.js": JS,
    "staff-calendar.js": JS,
    "survey.js": JS,
    "survey-page.js": JS,
    "staff-complaint.js": JS,
    "staff-linked.js": JS,
    "staff-calls.js": JS,
    "staff-apology.js": JS,
    "staff-corrective.js": JS,
    "staff-bulk.js": JS,
    "staff-canned.js": JS,
    "staff-ticket.js": JS,
    "staff-intake.js": JS,
    "staff-reports.js": JS,
    "staff-report-edit.js": JS,
    "staff-duty.js": JS,
    "staff-keys.js": JS,
    "staff-roster.js": JS,
    "staff-parcels.js": JS,
}
# Generated from the message catalogue when first served; there is no such file under web/.
MESSAGES = "i18n.js"
PAGES: dict[str, str] = {"index": "index.html", "track": "track.html", "survey": "survey.html", "staff": "staff.html"}

YEAR = 31_536_000
_ASSET_REF = re.compile(r'(?P<attr>src|href)="assets/(?P<name>[a-z0-9.-]+)"')
# A static import in a module: `import x from "./name"`, `export … from "./name"`, `import "./name"`.
# A page's entry module, and the shared parts a page names: <!--#include top--> (web/partials/top.html),
# with the part's {{name}}s filled: <!--#include photo-add id=detail texts=staff hidden=-->. A value is
# one word (an id, a message key, a fallback text); a part may include other parts.
_ENTRY = re.compile(r'<script type="module" src="assets/(?P<name>[a-z0-9.-]+)"></script>')
_INCLUDE = re.compile(r"<!--#include (?P<part>[a-z-]+)(?P<args>(?: [a-z]+=[\w.-]*)*)-->")
_SLOT = re.compile(r"\{\{(?P<name>[a-z]+)\}\}")
_IMPORT = re.compile(r'(?P<keyword>\b(?:from|import)\s*)"\./(?P<name>[a-z0-9.-]+)"')


@dataclass(frozen=True)
class StaticFile:
    body: str
    etag: str


_loading: list[str] = []  # the modules whose imports are being pinned, outermost first


@cache
def _asset(name: str) -> StaticFile:
    """The asset with its module imports pinned; its hash therefore covers what it imports too."""
    if name in _loading:
        # A module's hash would have to contain itself: the imports must form a DAG.
        raise ValueError(f"import cycle: {' -> '.join([*_loading[_loading.index(name) :], name])}")
    _loading.append(name)
    try:
        body = _messages_module() if name == MESSAGES else (WEB / "assets" / name).read_text("utf-8")
        if ASSETS[name] == JS:
            body = _IMPORT.sub(lambda m: f'{m["keyword"]}"./{_pinned(m["name"])}"', body)
    finally:
        _loading.pop()
    return StaticFile(body, _digest(body))


def _pinned(name: str) -> str:
    """``name?v=<hash>`` for an allowlisted asset; anything else is left as written (and not served)."""
    return f"{name}?v={_asset(name).etag}" if name in ASSETS else name


def _messages_module() -> str:
    """The pages' messages: the one catalogue Python reads too (frontdesk/i18n), never a copy."""
    texts = {language: catalogue(language) for language in LANGUAGES}
    return f"export default {json.dumps(texts, ensure_ascii=False, separators=(',', ':'))};\n"


@cache
def _page(name: str) -> StaticFile:
    """The page with the shared parts put in, its entry module's imports preloaded, and each asset
    reference pinned to that asset's content hash."""
    html = _INCLUDE.sub(_included, _read(PAGES[name]))
    html = _ENTRY.sub(_preloaded, html)
    body = _ASSET_REF.sub(lambda m: f'{m["attr"]}="assets/{_pinned(m["name"])}"', html)
    return StaticFile(body, _digest(body))


def _included(include: re.Match[str]) -> str:
    """A shared part with its slots filled; a slot the include does not fill is an error, never shipped."""
    values = dict(arg.split("=", 1) for arg in include["args"].split())
    part = (WEB / "partials" / f"{include['part']}.html").read_text("utf-8")
    return _INCLUDE.sub(_included, _SLOT.sub(lambda slot: values[slot["name"]], part))


def _read(page: str) -> str:
    return (WEB / page).read_text("utf-8")


def _preloaded(entry: re.Match[str]) -> str:
    """Every module the entry imports, however deep, announced at once: the browser fetches them
    together instead of one import level at a time."""
    preload = "".join(f'<link rel="modulepreload" href="assets/{n}">\n' for n in _closure(entry["name"])[:-1])
    return preload + entry[0]


def _closure(name: str, done: list[str] | None = None) -> list[str]:
    """The module and what it imports, each after its imports (pinning refuses a cycle first)."""
    _asset(name)
    done = [] if done is None else done
    if name not in done:
        text = "" if name == MESSAGES else (WEB / "assets" / name).read_text("utf-8")
        for imported in sorted({m["name"] for m in _IMPORT.finditer(text)} & ASSETS.keys()):
            _closure(imported, done)
        done.append(name)
    return done


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def evidence_origins() -> tuple[str, ...]:
    """The evidence bucket as browsers reach it: photos are POSTed there and shown from there."""
    return settings().s3_public_origins


def security_headers(connect: tuple[str, ...] = (), img: tuple[str, ...] = ()) -> dict[str, str]:
    """Self-only CSP (plus the origins a page must reach); no referrer, because the tracking token
    travels in the URL fragment (and presigned links must not leak where they were shown)."""
    connect_src = " ".join(dict.fromkeys(["'self'", *filter(None, connect)]))
    img_src = " ".join(dict.fromkeys(["'self'", "data:", *filter(None, img)]))
    csp = (
        f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {img_src}; font-src 'self'; "
        f"connect-src {connect_src}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


def _not_modified(etag: str) -> bool:
    headers = router.current_event.headers or {}
    given = headers.get("if-none-match") or headers.get("If-None-Match") or ""
    return f'"{etag}"' in [tag.strip().removeprefix("W/") for tag in given.split(",")]


def _redirect(location: str) -> Response[str]:
    return Response(308, HTML, "", headers={"Location": location, "Cache-Control": "no-store", **security_headers()})


def _serve_page(name: str, connect: tuple[str, ...] = ()) -> Response[str]:
    event = router.current_event
    # "/prod" (no slash) would make the relative asset URLs point outside the stage: add the slash.
    stage_path = event.request_context.path or "" if isinstance(event, APIGatewayProxyEvent) else ""
    if name == "index" and stage_path not in ("", "/") and not stage_path.endswith("/"):
        return _redirect(stage_path.rsplit("/", 1)[-1] + "/")
    # "/track/" would resolve "assets/..." under "/track/": send the browser to "/track".
    if name != "index" and (event.path or "").endswith("/"):
        return _redirect(f"../{name}")
    page = _page(name)
    # Every page uploads photos straight to the evidence bucket and shows them from short-lived links.
    bucket = evidence_origins()
    headers = {"Cache-Control": "no-cache", "ETag": f'"{page.etag}"', **security_headers((*connect, *bucket), bucket)}
    if _not_modified(page.etag):
        return Response(304, HTML, "", headers=headers)
    return Response(200, HTML, page.body, headers=headers)


@router.get("/", include_in_schema=False)
def index_page() -> Response[str]:
    return _serve_page("index")


@router.get("/track", include_in_schema=False)
def track_page() -> Response[str]:
    return _serve_page("track")


@router.get("/survey", include_in_schema=False)
def survey_page() -> Response[str]:
    # The semi-annual survey's link of one unit (docs/decisions/0023).
    return _serve_page("survey")


@router.get("/staff", include_in_schema=False)
def staff_page() -> Response[str]:
    # The console signs in against Cognito directly from the browser.
    return _serve_page("staff", connect=(_origin(settings().cognito_url),))


@router.get("/config.json", include_in_schema=False)
def console_config() -> Response[str]:
    config = settings()
    body: dict[str, Any] = {
        "user_pool_client_id": config.user_pool_client_id,
        "user_pool_id": config.user_pool_id,
        "cognito_endpoint": config.cognito_url,
        "region": config.aws_region,
        "time_scale": config.time_scale,
    }
    return Response(
        200,
        JSON,
        json.dumps(body, separators=(",", ":")),
        headers={"Cache-Control": "no-store", **security_headers()},
    )


@router.get("/assets/<name>", include_in_schema=False)
def asset(name: str) -> Response[str]:
    content_type = ASSETS.get(name)
    if content_type is None:
        return Response(
            404,
            "text/plain; charset=utf-8",
            "Not found",
            headers={"Cache-Control": "no-store", **security_headers()},
        )
    file = _asset(name)
    query = router.current_event.query_string_parameters or {}
    cache_control = f"public, max-age={YEAR}, immutable" if query.get("v") == file.etag else "public, max-age=300"
    headers = {"Cache-Control": cache_control, "ETag": f'"{file.etag}"', **security_headers()}
    if _not_modified(file.etag):
        return Response(304, content_type, "", headers=headers)
    return Response(200, content_type, file.body, headers=headers)
