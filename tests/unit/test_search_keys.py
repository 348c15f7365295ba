"""Find anything, the pure part: the terms a ticket is found by, how a query is read, which index a
search reads, the board's order, and the opaque cursor (docs/decisions/0020)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.app.board import decode_cursor, encode_cursor
from frontdesk.domain import intake
from frontdesk.domain.errors import InvalidInput
from frontdesk.domain.search import (
    MAX_TEXT_TERMS,
    Filters,
    Plan,
    Source,
    board_order,
    matches,
    plan,
    query_terms,
    terms,
    text_terms,
    unproven_terms,
    words,
)
from frontdesk.models.ticket import Escalation, Kind, Status, Ticket

from .builders import OPERATOR, T0, assigned, make_site, staff_request


def ticket(seq: int = 7, **overrides: object) -> Ticket:
    request = staff_request(**overrides)  # type: ignore[arg-type]
    return intake.open_ticket(request, make_site(), OPERATOR, T0, f"{seq:032x}", seq).ticket


def test_a_ticket_is_found_by_number_phone_last_4_name_unit_and_words() -> None:
    found = terms(
        ticket(description="卫生间漏水 Leaking pipe", contact_name="John Smith", contact_phone="+86 138-0013-8000")
    )
    assert found[:3] == ["ql-1122-007", "8613800138000", "8000"]
    for term in ("johnsmith", "john", "smith", "101", "卫生", "漏水", "leaking", "pipe"):
        assert term in found
    assert len(found) == len(set(found))


def test_chinese_is_cut_into_pairs_and_latin_into_words() -> None:
    assert words("水管漏水") == ["水管", "管漏", "漏水"]
    assert words("灯") == ["灯"]
    assert words("ＡＢＣ 房间") == ["abc", "房间"]
    assert words("a, b; c") == []


def test_a_long_description_gives_a_bounded_number_of_terms() -> None:
    long = " ".join(f"word{i}" for i in range(200))
    assert len(terms(ticket(description=long))) <= MAX_TEXT_TERMS + 8


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        ("8000", ["8000"]),
        ("138 0013 8000", ["13800138000"]),
        ("+86 138-0013-8000", ["8613800138000"]),
        ("QL-1122-007", ["ql-1122-007"]),
        ("1-101", ["1-101"]),
        ("水管漏水", ["水管", "管漏", "漏水"]),
        ("heating fee", ["heating", "fee"]),
        ("  ", []),
    ],
)
def test_a_query_is_read_as_terms_most_selective_first(q: str, wanted: list[str]) -> None:
    assert query_terms(q) == wanted


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(q="8000", assignee="eng1"), Plan(Source.TERMS, "8000")),
        (Filters(assignee="eng1", status=Status.CLOSED), Plan(Source.WORK, "eng1")),
        (Filters(overdue=True), Plan(Source.OPEN, "")),
        (Filters(escalated=True, kind=Kind.REPAIR), Plan(Source.OPEN, "")),
        (Filters(follow_up_by="2026-11-23"), Plan(Source.OPEN, "")),
        (Filters(status=Status.DISPATCHED), Plan(Source.OPEN, "")),
        (Filters(status=Status.CLOSED), Plan(Source.CHANGED, "")),
        (Filters(), Plan(Source.CHANGED, "")),
    ],
)
def test_a_search_reads_the_narrowest_index(filters: Filters, expected: Plan) -> None:
    assert plan(filters) == expected


def test_filters_are_checked_on_what_the_index_gave() -> None:
    mine = assigned(ticket())
    assert matches(mine, Filters(q="8000 漏水", assignee="eng1", kind=Kind.REPAIR), T0)
    assert unproven_terms(mine, Filters(q="8000 漏水")) == []
    assert unproven_terms(mine, Filters(q="8000 火灾")) == ["火灾"]  # perhaps a note's word: the store says
    assert not matches(mine, Filters(q="8000 火灾"), T0)  # not on a ticket without notes: no read needed
    assert matches(mine.model_copy(update={"notes": 1}), Filters(q="8000 火灾"), T0)
    assert not matches(mine, Filters(assignee="eng2"), T0)
    assert not matches(mine, Filters(status=Status.CLOSED), T0)
    assert not matches(mine, Filters(escalated=True), T0)


def test_to_follow_up_today_is_the_sweeps_list_of_today_or_earlier_until_the_work_is_done() -> None:
    swept = assigned(ticket()).model_copy(update={"status": Status.UNFINISHED, "follow_up_day": "2026-11-23"})
    assert not matches(swept, Filters(follow_up_by="2026-11-22"), T0)  # tomorrow's list, not today's
    assert matches(swept, Filters(follow_up_by="2026-11-23"), T0)
    assert matches(swept, Filters(follow_up_by="2026-11-25"), T0)  # left over: still to follow up
    for done in (Status.COMPLETED, Status.CLOSED):
        assert not matches(swept.model_copy(update={"status": done}), Filters(follow_up_by="2026-11-23"), T0)
    assert not matches(assigned(ticket()), Filters(follow_up_by="2026-11-23"), T0)  # never swept


def test_overdue_is_past_the_deadline_being_raced() -> None:
    dispatched = assigned(ticket()).model_copy(
        update={"status": Status.DISPATCHED, "arrival_due": "2026-11-22T02:05:00.000Z"}
    )
    assert not matches(dispatched, Filters(overdue=True), T0)
    assert matches(dispatched, Filters(overdue=True), T0 + timedelta(minutes=6))
    closed = dispatched.model_copy(update={"status": Status.CLOSED})
    assert not matches(closed, Filters(overdue=True), T0 + timedelta(minutes=6))


def test_the_board_puts_escalated_first_then_time_left() -> None:
    def due(seq: int, at: str, level: int = 0) -> Ticket:
        return ticket(seq).model_copy(
            update={"status": Status.DISPATCHED, "arrival_due": at, "escalation": Escalation(level=level)}
        )

    soon, later, escalated, higher = (
        due(1, "2026-11-22T02:05:00.000Z"),
        due(2, "2026-11-22T02:15:00.000Z"),
        due(3, "2026-11-22T03:00:00.000Z", level=1),
        due(4, "2026-11-22T04:00:00.000Z", level=2),
    )
    waiting = ticket(5).model_copy(update={"status": Status.QUOTED})
    assert board_order([waiting, later, soon, escalated, higher]) == [higher, escalated, soon, later, waiting]


def test_a_cursor_is_opaque_and_checked() -> None:
    key = {"PK": "TICKET#a", "SK": "TERM#8000", "GSI4PK": "TERM#ql#8000", "GSI4SK": "2026#a"}
    cursor = encode_cursor(key)
    assert cursor is not None and "TICKET" not in cursor
    assert decode_cursor(cursor) == key
    assert encode_cursor(None) is None and decode_cursor("") is None
    for bad in ("not-a-cursor", encode_cursor({"PK": "x"}) or ""):
        with pytest.raises(InvalidInput):
            decode_cursor(bad)


def test_a_note_or_a_reply_gives_terms_and_a_tenants_answer_none() -> None:
    """ADR 0021: what the staff write finds the ticket; a tracking link's holder cannot grow the index."""
    assert text_terms("note", "电梯 Otis 停在三楼") == ["电梯", "otis", "停在", "在三", "三楼"]
    assert text_terms("message", "已派 Otis") == ["已派", "otis"]
    assert text_terms("answer", "电梯 Otis") == []
    assert len(text_terms("note", " ".join(f"w{i:03d}" for i in range(200)))) == MAX_TEXT_TERMS
