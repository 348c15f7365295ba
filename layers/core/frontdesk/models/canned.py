"""A site's canned replies: short texts the desk starts a reply to the tenant from, in both languages."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models.commands import Printable, Text
from frontdesk.models.frozen import Model

MAX_CANNED_REPLIES = 30
MAX_TITLE = 40
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE), Printable]


class _Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CannedReply(_Strict):
    """One reply: its title as the console lists it, and its text, in each language (the console
    offers the text in the tenant's language)."""

    title_zh: Title
    title_en: Title
    text_zh: Text
    text_en: Text


class CannedRepliesIn(_Strict):
    """The site's whole list, replacing the one read at ``version`` (0: none stored yet)."""

    version: int = Field(ge=0, description="The version read; a stale one is refused (409)")
    replies: list[CannedReply] = Field(max_length=MAX_CANNED_REPLIES)


class CannedReplies(Model):
    site_id: str
    version: int
    replies: list[CannedReply]
