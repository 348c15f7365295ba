"""Who may see and change a site's escalation ladder and mailing lists, and what a change may do."""

from __future__ import annotations

from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden
from frontdesk.models.escalation import Ladder
from frontdesk.models.ticket import Actor, ActorKind, Role

READERS = frozenset({Role.MANAGER, Role.DUTY_MANAGER})
MANAGERS = frozenset({Role.MANAGER})


class UnknownMailingList(DomainError):
    status = 404
    code = ErrorCode.MAILING_LIST_UNKNOWN


class MailingListFull(DomainError):
    status = 409
    code = ErrorCode.MAILING_LIST_FULL


class NotAMember(DomainError):
    status = 404
    code = ErrorCode.MAILING_MEMBER_NOT_FOUND


def check_may_read(actor: Actor) -> None:
    if actor.kind is not ActorKind.STAFF or not actor.roles & READERS:
        raise Forbidden(field="action", action="read_mailing_lists")


def check_may_manage(actor: Actor) -> None:
    if actor.kind is not ActorKind.STAFF or not actor.roles & MANAGERS:
        raise Forbidden(field="action", action="manage_mailing_lists")


def check_list_in_ladder(ladder: Ladder, name: str) -> None:
    """Lists are named by the rungs that mail them: a name the ladder does not use is a typo."""
    if name not in ladder.list_names():
        raise UnknownMailingList(field="list_name", name=name)
