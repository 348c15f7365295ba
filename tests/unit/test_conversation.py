"""Notes, replies to the tenant and the tenant's answers: timeline events that move nothing but the version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from frontdesk.domain import conversation
from frontdesk.domain.errors import ErrorCode, Forbidden, IllegalTransition, VersionConflict
from frontdesk.domain.permissions import may
from frontdesk.domain.queue import queue_key
from frontdesk.models import commands as cmd
from frontdesk.models.commands import MAX_TEXT
from frontdesk.models.ticket import Kind, Status
from frontdesk.models.views import public_view

from .builders import (
    CLIENT_ACTOR,
    DESK_ROLES,
    ENGINEER,
    NOBODY,
    OPERATOR,
    SYSTEM,
    T0,
    Walk,
    staff_request,
    walk_to,
)


def said(version: int, text: str = "已电话联系客户，约好下午三点上门。") -> cmd.Said:
    return cmd.Said(version=version, text=text)


@pytest.mark.parametrize("actor", [*DESK_ROLES, ENGINEER], ids=lambda a: a.id)
def test_any_staff_role_notes_and_nothing_but_the_version_moves(actor: object) -> None:
    walk = Walk()
    walk.do("dispatch")
    before = walk.ticket
    change = conversation.write(before, "note", said(before.version), actor, T0 + timedelta(hours=1))  # type: ignore[arg-type]
    assert (change.ticket.version, change.ticket.notes) == (before.version + 1, before.notes + 1)
    moved = {"version", "notes"}  # notes: how many there are (a search reads their words, ADR 0021)
    assert change.ticket.model_dump(exclude=moved) == before.model_dump(exclude=moved)
    assert queue_key(change.ticket) == queue_key(before)
    event = change.event
    assert (event.action, event.seq, event.from_status, event.to_status) == (
        "note",
        before.version + 1,
        Status.DISPATCHED,
        Status.DISPATCHED,
    )
    assert event.detail == {"text": "已电话联系客户，约好下午三点上门。"}


def test_only_the_desk_replies_to_the_tenant() -> None:
    ticket = Walk().ticket
    for actor in DESK_ROLES:
        assert conversation.write(ticket, "message", said(1), actor, T0).event.action == "message"
    for actor in (ENGINEER, NOBODY, SYSTEM, CLIENT_ACTOR):
        with pytest.raises(Forbidden):
            conversation.write(ticket, "message", said(1), actor, T0)


def test_only_the_tenant_answers_and_nobody_else_notes_for_staff() -> None:
    ticket = Walk().ticket
    assert (
        conversation.write(ticket, "answer", said(1, "好的，下午在家。"), CLIENT_ACTOR, T0).event.actor.kind == "client"
    )
    for actor in (OPERATOR, ENGINEER, SYSTEM):
        with pytest.raises(Forbidden):
            conversation.write(ticket, "answer", said(1), actor, T0)
    for action in ("note", "message", "dispatch"):
        with pytest.raises(Forbidden):
            conversation.write(ticket, action, said(1), CLIENT_ACTOR, T0)


def test_the_permissions_are_recorded_in_one_place() -> None:
    assert [r for r in (*DESK_ROLES, ENGINEER) if may(r, "note")] == [*DESK_ROLES, ENGINEER]
    assert [r for r in (*DESK_ROLES, ENGINEER) if may(r, "message")] == list(DESK_ROLES)
    assert may(CLIENT_ACTOR, "answer") and not may(CLIENT_ACTOR, "note")


def test_a_stale_version_is_refused() -> None:
    walk = Walk()
    walk.do("dispatch")
    with pytest.raises(VersionConflict):
        conversation.write(walk.ticket, "note", said(walk.ticket.version - 1), OPERATOR, T0)


def test_staff_write_on_a_closed_ticket_the_tenant_does_not() -> None:
    closed = walk_to(Kind.REPAIR, Status.CLOSED).ticket
    assert conversation.open_to(closed, OPERATOR) == ["note", "message"]
    assert conversation.open_to(closed, ENGINEER) == ["note"]
    assert conversation.open_to(closed, CLIENT_ACTOR) == []
    conversation.write(closed, "message", said(closed.version), OPERATOR, T0)
    with pytest.raises(IllegalTransition) as refused:
        conversation.write(closed, "answer", said(closed.version), CLIENT_ACTOR, T0)
    assert (refused.value.code, refused.value.field) == (ErrorCode.ANSWER_CLOSED, "text")
    assert conversation.open_to(Walk().ticket, CLIENT_ACTOR) == ["answer"]


def test_a_reply_is_owed_by_mail_only_to_a_tenant_with_an_address() -> None:
    with_mail = Walk(request=staff_request(contact_email="tenant@example.org")).ticket
    without = Walk().ticket
    assert conversation.mailed(with_mail, conversation.write(with_mail, "message", said(1), OPERATOR, T0))
    assert not conversation.mailed(without, conversation.write(without, "message", said(1), OPERATOR, T0))
    assert not conversation.mailed(with_mail, conversation.write(with_mail, "note", said(1), OPERATOR, T0))


def test_the_tenant_sees_replies_and_their_answers_never_a_note() -> None:
    walk = Walk()
    for action, actor, text in (
        ("note", OPERATOR, "客户脾气急，注意措辞"),
        ("message", OPERATOR, "师傅下午三点到。"),
        ("answer", CLIENT_ACTOR, "好的，谢谢。"),
    ):
        change = conversation.write(walk.ticket, action, said(walk.ticket.version, text), actor, T0)
        walk.ticket = change.ticket
        walk.events.append(change.event)
    view = public_view(walk.ticket, walk.events, [], "Asia/Shanghai", ["answer"])
    shown = [(e.action, e.by, e.detail.get("text")) for e in view.timeline]
    assert shown == [
        ("create", "staff", None),
        ("message", "staff", "师傅下午三点到。"),
        ("answer", "client", "好的，谢谢。"),
    ]
    assert "注意措辞" not in view.model_dump_json()
    assert view.conversation == ["answer"] and view.version == walk.ticket.version


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "string_too_short"), ("   ", "string_too_short"), ("x" * (MAX_TEXT + 1), "string_too_long")],
)
def test_said_is_bounded(text: str, error: str) -> None:
    with pytest.raises(ValidationError) as refused:
        cmd.Said(version=1, text=text)
    assert refused.value.errors()[0]["type"] == error


def test_said_refuses_control_and_bidi_characters() -> None:
    for text in ("a\x1b[31m", "photo\u202egpj"):
        with pytest.raises(ValidationError):
            cmd.Said(version=1, text=text)
    assert cmd.Said(version=1, text="第一行\n第二行").text == "第一行\n第二行"


def test_a_tracking_link_writes_a_bounded_number_of_answers() -> None:
    ticket = Walk().ticket
    for _ in range(conversation.MAX_ANSWERS):
        ticket = conversation.write(ticket, "answer", said(ticket.version, "在吗？"), CLIENT_ACTOR, T0).ticket
    assert ticket.answers == conversation.MAX_ANSWERS
    assert conversation.open_to(ticket, CLIENT_ACTOR) == []
    with pytest.raises(IllegalTransition) as refused:
        conversation.write(ticket, "answer", said(ticket.version), CLIENT_ACTOR, T0)
    assert refused.value.code == ErrorCode.ANSWER_LIMIT
    assert conversation.write(ticket, "message", said(ticket.version), OPERATOR, T0).ticket.answers == ticket.answers
