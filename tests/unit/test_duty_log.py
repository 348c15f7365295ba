"""The duty log's rules (000 §3.9): pages per site-local shift, entries chained by hash, corrections as
new entries, and ``verify`` naming every entry altered, removed or moved."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from frontdesk.domain import duty, shifts
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden
from frontdesk.domain.evolve import evolve
from frontdesk.models.catalogue import catalogue
from frontdesk.models.duty import DutyCategory, DutyEntry, DutyPage, EntryRef, NewDutyEntry, PageId, PageState
from frontdesk.models.on_duty import Shift
from frontdesk.models.ticket import Kind

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR, T0, Walk, make_site

SITE = make_site()


def _local(hour: int, minute: int, second: int = 0, day: int = 22) -> datetime:
    """A Shanghai wall-clock time on 2026-11-<day>, as UTC."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("moment", "day", "shift"),
    [
        (_local(7, 59, 59), "2026-11-21", Shift.NIGHT),  # the night that began on the 21st
        (_local(8, 0), "2026-11-22", Shift.DAY),
        (_local(17, 29, 59), "2026-11-22", Shift.DAY),
        (_local(17, 30), "2026-11-22", Shift.NIGHT),
        (_local(23, 59), "2026-11-22", Shift.NIGHT),
        (_local(0, 1, day=23), "2026-11-22", Shift.NIGHT),
    ],
)
def test_shifts_are_site_local_day_0800_to_1730_and_night_to_0800(moment: datetime, day: str, shift: Shift) -> None:
    span = shifts.shift_at(SITE, moment)
    assert (span.day, span.shift) == (day, shift)
    assert span.starts <= moment < span.ends


def test_a_site_in_another_time_zone_has_its_own_shifts() -> None:
    urumqi = make_site(timezone="Asia/Urumqi")  # UTC+6
    assert shifts.shift_at(urumqi, _local(9, 0)).shift is Shift.NIGHT  # 07:00 there
    assert shifts.shift_at(SITE, _local(9, 0)).shift is Shift.DAY


def _entry(**changes: object) -> NewDutyEntry:
    fields: dict[str, object] = {"site_id": "ql", "category": DutyCategory.THEFT, "happened": "3 号楼自行车被盗"}
    fields.update(changes)
    return NewDutyEntry.model_validate(fields)


def _page_with(*texts: str) -> tuple[DutyPage, list[DutyEntry]]:
    page = duty.blank_page(SITE, shifts.shift_at(SITE, T0))
    entries: list[DutyEntry] = []
    for i, text in enumerate(texts):
        page, entry = duty.append(page, _entry(happened=text), "dm1", T0 + timedelta(minutes=i))
        entries.append(entry)
    return page, entries


def test_entries_are_numbered_and_chained_to_the_one_before() -> None:
    page, entries = _page_with("一", "二", "三")

    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == duty.genesis(page.page_id)
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert (page.count, page.head, page.version) == (3, entries[-1].hash, 3)
    assert page.page_id == "ql-2026-11-22-day"
    assert duty.verify(page, entries, None).ok


def test_verify_names_the_entry_whose_text_was_changed() -> None:
    page, entries = _page_with("一", "二", "三")
    entries[1] = evolve(entries[1], {"happened": "什么也没发生"})

    result = duty.verify(page, entries, None)

    assert (result.ok, result.altered, result.broken, result.missing) == (False, (2,), (), ())


def test_verify_names_an_entry_rewritten_with_a_fresh_hash_by_the_broken_link_after_it() -> None:
    page, entries = _page_with("一", "二", "三")
    forged = evolve(entries[1], {"outcome": "已处理"})
    entries[1] = evolve(forged, {"hash": duty.entry_hash(forged, forged.prev_hash)})

    result = duty.verify(page, entries, None)

    assert not result.ok and result.altered == () and result.broken == (3,)


def test_verify_names_a_removed_entry_and_a_truncated_page() -> None:
    page, entries = _page_with("一", "二", "三")

    assert duty.verify(page, [entries[0], entries[2]], None).missing == (2,)
    truncated = duty.verify(page, entries[:2], None)
    assert not truncated.ok and truncated.missing == (3,) and not truncated.head_matches


def test_a_page_whose_closing_hash_differs_from_the_sealed_one_fails() -> None:
    page, entries = _page_with("一")
    closed = duty.close(page, DUTY_MANAGER, page.version, T0)

    assert duty.verify(closed, entries, closed.head).ok
    assert duty.verify(closed, entries, closed.head).seal_matches is True
    assert duty.verify(closed, entries, "0" * 64).seal_matches is False
    assert not duty.verify(closed, entries, "0" * 64).ok


def test_a_correction_is_a_new_entry_and_the_page_shows_both() -> None:
    page, entries = _page_with("一", "二")
    page, correction = duty.append(
        page, _entry(happened="更正:是电动车", corrects=EntryRef(page_id=page.page_id, seq=1)), "dm1", T0
    )

    shown = duty.view(page, [*entries, correction])

    assert [e.happened for e in shown.entries] == ["一", "二", "更正:是电动车"]
    assert shown.corrected_by == {1: (3,)}


def test_a_closed_page_takes_no_entry_and_the_next_entry_goes_on_the_next_shift() -> None:
    page, _ = _page_with("一")
    closed = duty.close(page, DUTY_MANAGER, page.version, T0)

    with pytest.raises(DomainError) as refused:
        duty.append(closed, _entry(), "dm1", T0)
    assert refused.value.code is ErrorCode.DUTY_PAGE_CLOSED

    stored = {closed.page_id: closed}
    writing = duty.writing_page(SITE, T0, stored.get)
    assert (writing.page_id, writing.state, writing.count) == ("ql-2026-11-22-night", PageState.OPEN, 0)


def test_closing_needs_the_version_read_and_a_desk_role() -> None:
    page, _ = _page_with("一")
    with pytest.raises(DomainError) as stale:
        duty.close(page, DUTY_MANAGER, page.version - 1, T0)
    assert stale.value.code is ErrorCode.DUTY_VERSION_CONFLICT
    with pytest.raises(Forbidden):
        duty.close(page, ENGINEER, page.version, T0)
    assert duty.close(page, OPERATOR, page.version, T0).closing_hash == page.head


def test_an_entry_cannot_have_happened_in_the_future() -> None:
    page, _ = _page_with()
    with pytest.raises(DomainError) as refused:
        duty.append(page, _entry(occurred_at="2026-11-22T12:00:00+08:00"), "dm1", T0)
    assert (refused.value.code, refused.value.field) == (ErrorCode.DUTY_IN_FUTURE, "occurred_at")


def test_page_ids_name_a_site_day_and_shift() -> None:
    assert duty.parse_page_id("ql-north-2026-11-22-night") == ("ql-north", ("2026-11-22", Shift.NIGHT))
    with pytest.raises(DomainError):
        duty.parse_page_id("ql-2026-13-40-day")
    span = duty.shift_of(SITE, ("2026-11-22", Shift.NIGHT))
    assert (span.starts, span.ends) == (_local(17, 30), _local(8, 0, day=23))


@pytest.mark.parametrize(
    ("kind", "category", "expected"),
    [
        (Kind.COMPLAINT, "staff_attitude", DutyCategory.COMPLAINT_CALL),
        (Kind.EMERGENCY, "theft_or_robbery", DutyCategory.THEFT),
        (Kind.EMERGENCY, "water_leak", DutyCategory.ACCIDENT),
        (Kind.EMERGENCY, "fight", DutyCategory.FIGHT),
        (Kind.EMERGENCY, "death", DutyCategory.OTHER),
        (Kind.REPAIR, "plumbing", None),
        (Kind.INQUIRY, "general", None),
    ],
)
def test_complaints_and_emergencies_must_be_entered(kind: Kind, category: str, expected: DutyCategory | None) -> None:
    ticket = evolve(Walk().ticket, {"kind": kind, "category": category})
    entry = duty.ticket_entry(ticket)
    assert (entry.category if entry else None) == expected
    if entry is not None:
        assert entry.tickets == (ticket.ticket_id,) and ticket.number in entry.happened


@pytest.mark.parametrize(
    ("page_id", "valid"),
    [
        ("ql-2026-12-03-day", True),
        ("ql-2026-12-03-night", True),
        ("ql-2026-12-03-noon", False),
        ("QL-2026-12-03-day", False),
    ],
)
def test_the_console_knows_a_duty_page_link_by_the_pattern_the_api_checks(page_id: str, valid: bool) -> None:
    """staff#duty=<page> (the handover mail's link): the page reads the page id's pattern from
    GET /public/catalogue, the one the API checks, and keeps no copy of it."""
    served = re.compile(catalogue().patterns.duty_page)
    assert bool(served.match(page_id)) == valid
    try:
        TypeAdapter(PageId).validate_python(page_id)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == valid
    script = Path(__file__).resolve().parents[2] / "functions/public_api/web/assets/staff-duty.js"
    assert "day|night" not in script.read_text("utf-8")
