"""The shape of every identifier (and of an instant typed by hand) frontdesk names in a URL or a
body, written once: the models and the routes' path and query parameters (frontdesk.api.params)
read them from here."""

from __future__ import annotations

import uuid
from typing import Annotated, Final

from pydantic import StringConstraints


def _whole(*parts: str) -> str:
    """The pattern of a whole value made of ``parts``, one after the other."""
    return "^" + "".join(parts) + "$"


# The parts more than one identifier is made of, each written once.
_SITE = r"[a-z0-9-]{1,40}"
_HEX = r"[a-f0-9]{32}"
# A year of this century: a year 0 or 9999 would have no month, quarter … before or after it.
_YEAR = r"20\d{2}"

SITE_ID: Final = _whole(_SITE)
# A building, and anything else a site names for itself (IDs in the site's own files).
NAME_ID: Final = r"^[A-Za-z0-9_-]{1,40}$"
# A ticket, an evidence pack, an upload: 128 random bits in hex.
HEX_ID: Final = _whole(_HEX)
# <site>-<year>-<number>: numbered without gaps per site and year.
REPORT_ID: Final = _whole(_SITE, r"-\d{4}-\d{4,6}")
# A page of the duty log: <site>-<site-local day>-<shift>; groups: site, day, shift.
DUTY_PAGE: Final = _whole(f"({_SITE})", r"-(\d{4}-\d{2}-\d{2})-(day|night)")
# A use of an emergency key: its key and the use's number (``…-3``).
KEY_USE_ID: Final = _whole(_HEX, "-[0-9]{1,6}")
# A calendar month (the key-cabinet audit's, the callback draws').
MONTH: Final = _whole(_YEAR, "-(?:0[1-9]|1[0-2])")
LIST_NAME: Final = r"^[a-z0-9_-]{1,40}$"
# A callback: its ticket and the event that called for it (``…-7``), the week that sampled it
# (``…-s2026w48``), or the month that drew it: the top 3 repairs (``…-t2026m11``), the activities'
# sample (``…-a2026m11``).
CALLBACK_ID: Final = _whole(_HEX, "-(?:[0-9]{1,6}|s[0-9]{4}w[0-9]{2}|[ta][0-9]{4}m[0-9]{2})")
# An ISO week, as the weekly callback sample names it.
ISO_WEEK: Final = r"^\d{4}-W\d{2}$"
# A semi-annual satisfaction survey campaign: its year and month (June or November, 001 part 2).
CAMPAIGN_PERIOD: Final = _whole(_YEAR, "-(?:06|11)")
# A quarter of a site's year, as the quarterly callback analysis names it.
QUARTER: Final = _whole(_YEAR, "-Q[1-4]")
# An instant a person types (when it happened, when the client was told): ISO 8601 with its offset,
# the seconds and their fraction optional.
INSTANT: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
# An instant as the API writes it (UTC, to the second or finer): the board's "written since" cursor.
UTC_INSTANT: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"
# A tracking token: URL-safe base64 of a random secret.
TRACKING_TOKEN: Final = r"^[A-Za-z0-9_-]+$"  # noqa: S105 -- a shape, not a secret
TOKEN_MIN_LENGTH: Final = 16
TOKEN_MAX_LENGTH: Final = 64
# A staff member's user name: Cognito's longest.
MAX_USERNAME: Final = 128

# A body's field that names a hex id (a ticket, a pack, an upload) or an incident report, typed once.
HexIdField = Annotated[str, StringConstraints(pattern=HEX_ID)]
ReportIdField = Annotated[str, StringConstraints(pattern=REPORT_ID)]


def optional(pattern: str) -> str:
    """The shape, or nothing: a filter left empty (``building_id=``) is no filter."""
    return f"^(?:{pattern.removeprefix('^').removesuffix('$')})?$"


def new_hex_id() -> str:
    """A fresh HEX_ID (128 random bits in hex): the one place one is minted."""
    return uuid.uuid4().hex
