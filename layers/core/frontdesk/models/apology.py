"""The apology letter (致歉信) a valid complaint that was our fault gets: a per-site template in zh-CN
and en, filled in from the complaint (frontdesk.domain.apology), then mailed to the client or printed.

A template names what it is filled with as ``{placeholder}``; only the names of ``PLACEHOLDERS``
may appear (a typo would reach the client as it is).
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from frontdesk.i18n import LANGUAGES
from frontdesk.models.commands import Language, Name, Printable, Text, Versioned
from frontdesk.models.frozen import Model

# What a template may name, each filled from the complaint or the sender (frontdesk.domain.apology).
PLACEHOLDERS: Final = ("client", "number", "date", "matter", "action", "signatory", "site")
PLACEHOLDER: Final = re.compile(r"\{([^{}]*)\}")
MAX_LETTER = 4000


def _known_placeholders(text: str) -> str:
    if any(name not in PLACEHOLDERS for name in PLACEHOLDER.findall(text)):
        raise ValueError("apology_placeholder_unknown")
    return text


Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Printable,
    AfterValidator(_known_placeholders),
]
Body = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LETTER),
    Printable,
    AfterValidator(_known_placeholders),
]


class ApologyTemplate(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: Subject
    body: Body = Field(description=f"The letter; placeholders: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")


def _both_languages(templates: dict[str, ApologyTemplate]) -> dict[str, ApologyTemplate]:
    if set(templates) != set(LANGUAGES):
        raise ValueError("apology_languages")
    return templates


class ApologyTemplates(Model):
    """A site's template in each language (both): replaced whole by a manager."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    templates: Annotated[dict[Language, ApologyTemplate], AfterValidator(_both_languages)] = Field(
        description="zh-CN and en, each a subject and a body"
    )

    def of(self, language: str) -> ApologyTemplate:
        return self.templates["en" if language == "en" else "zh-CN"]


class ApologyTemplateView(Model):
    """What a site's template is, and whether a manager has set it (else the shipped default)."""

    site_id: str
    templates: dict[str, ApologyTemplate]
    default: bool
    placeholders: tuple[str, ...] = PLACEHOLDERS


class SendApology(Versioned):
    """The letter filled in from the complaint and mailed to the client, or printed (handed or posted)."""

    delivery: Literal["mail", "print"]
    language: Language | None = Field(default=None, description="Default: the client's language")
    action: Text = Field(description="What we did to put it right: the letter's {action}")
    signatory: Annotated[Name, Printable] = Field(description="Who signs the letter: its {signatory}")


class ApologyLetter(Model):
    """A letter as filled in and sent or printed (on the complaint's timeline)."""

    ticket_id: str
    version: int = Field(description="The complaint's version after the letter was recorded")
    delivery: Literal["mail", "print"]
    language: str
    subject: str
    body: str
