"""Mailing lists: per site, named by the escalation rungs that use them; managed by managers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from frontdesk.models.escalation import Ladder, ListName, Phase
from frontdesk.models.frozen import Frozen, Model

MAX_MEMBERS = 50  # one SES message reaches at most 50 recipients
MAX_EMAIL = 254

# The address's shape, checked first here and by the pages before they send (served in the catalogue).
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"
_SHAPE = re.compile(EMAIL_SHAPE)
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_email(text: str) -> str:
    """A deliverable address in one canonical form, or ValueError naming what is wrong with it.

    The domain is lower-cased (it is case-insensitive); the local part is kept as written.
    SES sends to ASCII local parts only; internationalised domains must be given as punycode.
    """
    address = text.strip()
    if not address:
        raise ValueError("email_invalid")
    if len(address) > MAX_EMAIL:
        raise ValueError("email_too_long")
    if not address.isascii():
        raise ValueError("email_not_ascii")
    if not _SHAPE.match(address):
        raise ValueError("email_invalid")
    local, domain = address.split("@")
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError("email_local_invalid")
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or not labels[-1].isalpha():
        raise ValueError("email_domain_invalid")
    return f"{local}@{domain}"


Email = Annotated[str, AfterValidator(normalize_email)]


class MemberIn(Model):
    """Add or remove one address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email = Field(max_length=320, examples=["duty.manager@example.com"])


class MailingList(Frozen):
    site_id: str
    name: ListName
    members: tuple[str, ...] = ()


class RungRef(Model):
    phase: Phase
    level: int
    after_seconds: int


class MailingListView(Model):
    name: str
    members: list[str]
    used_by: list[RungRef] = Field(description="The rungs that mail this list; empty if the ladder no longer uses it")


class MailingOverview(Model):
    site_id: str
    ladder: Ladder
    lists: list[MailingListView]


def view(ladder: Ladder, mailing_list: MailingList) -> MailingListView:
    used_by = [
        RungRef(phase=phase, level=index + 1, after_seconds=rung.after_seconds)
        for phase in Phase
        for index, rung in enumerate(ladder.rungs(phase))
        if rung.mailing_list == mailing_list.name
    ]
    return MailingListView(name=mailing_list.name, members=sorted(mailing_list.members), used_by=used_by)


def overview(site_id: str, ladder: Ladder, lists: list[MailingList], routing: Sequence[str] = ()) -> MailingOverview:
    """Every list the ladder uses (empty ones too), then those intake tells (``routing``), then any
    other stored list."""
    stored = {m.name: m for m in lists}
    used = list(dict.fromkeys([*ladder.list_names(), *routing]))
    names = [*used, *sorted(set(stored) - set(used))]
    views = [view(ladder, stored.get(name) or MailingList(site_id=site_id, name=name)) for name in names]
    return MailingOverview(site_id=site_id, ladder=ladder, lists=views)
