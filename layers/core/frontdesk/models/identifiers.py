"""The shape of every identifier frontdesk names in a URL or a body, written once: the models and the
routes' path and query parameters (frontdesk.api.params) read them from here."""

from __future__ import annotations

from typing import Final

SITE_ID: Final = r"^[a-z0-9-]{1,40}$"
# A building, and anything else a site names for itself (IDs in the site's own files).
NAME_ID: Final = r"^[A-Za-z0-9_-]{1,40}$"
# A ticket, an evidence pack, an upload: 128 random bits in hex.
HEX_ID: Final = r"^[a-f0-9]{32}$"
# <site>-<year>-<number>: numbered without gaps per site and year.
REPORT_ID: Final = r"^[a-z0-9-]{1,40}-\d{4}-\d{4,6}$"
# A page of the duty log: <site>-<site-local day>-<shift>; groups: site, day, shift.
DUTY_PAGE: Final = r"^([a-z0-9-]{1,40})-(\d{4}-\d{2}-\d{2})-(day|night)$"
# A use of an emergency key: its key and the use's number (``…-3``).
KEY_USE_ID: Final = r"^[a-f0-9]{32}-[0-9]{1,6}$"
# A calendar month of this century (the key-cabinet audit's, the callback draws'; a year 0 or 9999
# has no month before or after it).
MONTH: Final = r"^20\d{2}-(?:0[1-9]|1[0-2])$"
LIST_NAME: Final = r"^[a-z0-9_-]{1,40}$"
# A callback: its ticket and the event that called for it (``…-7``), the week that sampled it
# (``…-s2026w48``), or the month that drew it: the top 3 repairs (``…-t2026m11``), the activities'
# sample (``…-a2026m11``).
CALLBACK_ID: Final = r"^[a-f0-9]{32}-(?:[0-9]{1,6}|s[0-9]{4}w[0-9]{2}|[ta][0-9]{4}m[0-9]{2})$"
# An ISO week, as the weekly callback sample names it.
ISO_WEEK: Final = r"^\d{4}-W\d{2}$"
# A semi-annual satisfaction survey campaign: its year and month (June or November, 001 part 2).
CAMPAIGN_PERIOD: Final = r"^20\d{2}-(?:06|11)$"
# A quarter of a site's year, as the quarterly callback analysis names it (this century: a year
# 0 or 9999 has no quarter before or after it).
QUARTER: Final = r"^20\d{2}-Q[1-4]$"
# A tracking token: URL-safe base64 of a random secret.
TRACKING_TOKEN: Final = r"^[A-Za-z0-9_-]+$"  # noqa: S105 -- a shape, not a secret
TOKEN_MIN_LENGTH: Final = 16
TOKEN_MAX_LENGTH: Final = 64


def optional(pattern: str) -> str:
    """The shape, or nothing: a filter left empty (``building_id=``) is no filter."""
    return f"^(?:{pattern.removeprefix('^').removesuffix('$')})?$"
