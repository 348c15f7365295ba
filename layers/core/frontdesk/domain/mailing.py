"""Who may see and change a site's escalation ladder and mailing lists, and what a change may do."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.domain.errors import DomainError, ErrorCode
from frontdesk.domain.permissions import MANAGERS, SUPERVISORS, require_staff_in
from frontdesk.models.escalation import Ladder
from frontdesk.models.ticket import Actor

READERS = SUPERVISORS


class UnknownMailingList(DomainError, code=ErrorCode.MAILING_LIST_UNKNOWN, status=404): ...


class MailingListFull(DomainError, code=ErrorCode.MAILING_LIST_FULL, status=409): ...


class NotAMember(DomainError, code=ErrorCode.MAILING_MEMBER_NOT_FOUND, status=404): ...


def check_may_read(actor: Actor) -> None:
    require_staff_in(actor, READERS, "read_mailing_lists")


def check_may_manage(actor: Actor) -> None:
    require_staff_in(actor, MANAGERS, "manage_mailing_lists")


def check_list_in_ladder(ladder: Ladder, name: str, routing: Sequence[str] = ()) -> None:
    """Lists are named by the rungs that mail them or by the roles intake tells (``routing``,
    frontdesk.domain.routing): a name neither uses is a typo."""
    if name not in ladder.list_names() and name not in routing:
        raise UnknownMailingList(field="list_name", name=name)
