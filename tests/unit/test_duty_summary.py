"""The weekly duty summary's rules (000 §3.9g-h): the site-local week that ended last, what is late
(a handover signed after its due time or not signed by now; a key likewise), and the counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk.domain import duty_summary
from frontdesk.domain.duty_summary import WeekRecords
from frontdesk.models.duty import DutyCategory, DutyEntry, Handover
from frontdesk.models.duty_summary import DutySummary
from frontdesk.notifications.duty_summary import summary_mail

from .builders import make_site

SITE = make_site()


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def test_the_week_is_the_sites_monday_to_sunday_that_ended_last() -> None:
    week = duty_summary.week_ended(SITE, _local(23, 0, 5))  # Monday 00:05 in Shanghai
    assert (week.week, week.starts_at, week.ends_at) == (
        "2026-W47",
        "2026-11-15T16:00:00.000Z",  # Monday 16 November 00:00 in Shanghai
        "2026-11-22T16:00:00.000Z",
    )
    assert duty_summary.week_ended(SITE, _local(22, 23, 59)).week == "2026-W46"  # Sunday: still running
    assert duty_summary.week_ended(SITE, _local(29, 23, 59)).week == "2026-W47"


def _handover(incoming_at: str | None) -> Handover:
    return Handover(
        page_id="ql-2026-11-22-day",
        site_id="ql",
        next_page_id="ql-2026-11-22-night",
        shift_change_at="2026-11-22T09:30:00.000Z",
        due_at="2026-11-22T10:00:00.000Z",
        incoming_at=incoming_at,
    )


def test_a_handover_is_late_only_after_its_due_time() -> None:
    assert not duty_summary.handover_late(_handover("2026-11-22T10:00:00.000Z"), "2026-11-23T00:00:00.000Z")
    assert duty_summary.handover_late(_handover("2026-11-22T10:00:00.001Z"), "2026-11-23T00:00:00.000Z")
    assert not duty_summary.handover_late(_handover(None), "2026-11-22T09:59:59.999Z")
    assert duty_summary.handover_late(_handover(None), "2026-11-22T10:00:00.001Z")


def _entry(seq: int, category: DutyCategory) -> DutyEntry:
    return DutyEntry(
        page_id="ql-2026-11-22-day",
        site_id="ql",
        seq=seq,
        written_at="2026-11-22T02:00:00.000Z",
        occurred_at="2026-11-22T02:00:00.000Z",
        category=category,
        happened="x",
        author="dm1",
        prev_hash="0",
        hash="1",
    )


def test_the_summary_counts_the_week_and_names_the_late_handovers() -> None:
    week = duty_summary.week_ended(SITE, _local(23, 1))
    records = WeekRecords(
        entries=[_entry(1, DutyCategory.THEFT), _entry(2, DutyCategory.THEFT), _entry(3, DutyCategory.FIGHT)],
        handovers=[_handover(None), _handover("2026-11-22T09:50:00.000Z").model_copy(update={"page_id": "p2"})],
        key_uses=[],
        parcels_received=[],
        parcels_waiting=[],
        open_tickets=[],
        clocks=[],
    )
    summary = duty_summary.summarise(SITE, week, records, _local(23, 1))
    assert summary.by_category == {DutyCategory.THEFT: 2, DutyCategory.FIGHT: 1}
    assert (summary.entries, summary.handovers, summary.handovers_late, summary.late_pages) == (
        3,
        2,
        1,
        ("ql-2026-11-22-day",),
    )
    mail = summary_mail(summary, SITE, "https://desk.example")
    assert "【值班周报】齐鲁校区 2026-11-16 至 2026-11-22" in mail.subject
    assert "失窃：2 条" in mail.body and "Theft: 2" in mail.body
    assert "逾期的班次：ql-2026-11-22-day" in mail.body


def test_an_empty_week_says_so() -> None:
    week = duty_summary.week_ended(SITE, _local(23, 1))
    empty = WeekRecords([], [], [], [], [], [], [])
    summary: DutySummary = duty_summary.summarise(SITE, week, empty, _local(23, 1))
    assert (summary.entries, summary.by_category, summary.handovers_late) == (0, {}, 0)
    assert "（无）" in summary_mail(summary, SITE, "https://desk.example").body
