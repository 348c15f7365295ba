"""The weekly duty summary's rules (000 §3.9g-h): the site-local week that ended last, what is late
(a handover signed after its due time or not signed by now; a key likewise), and the counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from frontdesk.app.duty_summary import WeeklyDutySummary
from frontdesk.app.ports import MailRefused
from frontdesk.clock import FixedClock
from frontdesk.domain import duty_summary
from frontdesk.domain.duty_summary import WeekRecords
from frontdesk.models.clock import ClockKind
from frontdesk.models.duty import DutyCategory, DutyEntry, Handover
from frontdesk.models.duty_summary import DutySummary
from frontdesk.models.keys import KeyUse
from frontdesk.models.mailing import MailingList
from frontdesk.models.site import Site
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


def _key_use(returned_at: str | None) -> KeyUse:
    return KeyUse(
        use_id="u1",
        key_id="k1",
        site_id="ql",
        building_id="b1",
        unit="101",
        reason="leak",
        taken_at="2026-11-22T08:00:00.000Z",
        taken_by="desk1",
        return_due="2026-11-22T10:00:00.000Z",
        old_seal="S1",
        returned_at=returned_at,
    )


@pytest.mark.parametrize(
    ("kind", "record"),
    [(ClockKind.HANDOVER, _handover), (ClockKind.KEY_RETURN, _key_use)],
    ids=["handover", "key"],
)
def test_a_handover_or_a_key_is_late_when_done_after_its_due_time_or_still_not_done_past_it(
    kind: ClockKind, record: Callable[[str | None], Handover | KeyUse]
) -> None:
    """Both are due at 10:00 UTC: done (signed, back) at that time is on time, a millisecond later is late;
    not done yet is late only once the due time has passed."""
    assert not duty_summary.is_late(kind, record("2026-11-22T10:00:00.000Z"), "2026-11-23T00:00:00.000Z")
    assert duty_summary.is_late(kind, record("2026-11-22T10:00:00.001Z"), "2026-11-23T00:00:00.000Z")
    assert not duty_summary.is_late(kind, record(None), "2026-11-22T09:59:59.999Z")
    assert duty_summary.is_late(kind, record(None), "2026-11-22T10:00:00.001Z")


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
        key_uses=[_key_use("2026-11-22T09:00:00.000Z"), _key_use(None).model_copy(update={"use_id": "u2"})],
        parcels_received=[],
        parcels_waiting=[],
        open_tickets=[],
        clocks=[],
    )
    summary = duty_summary.summarise(SITE, week, records, _local(23, 1))
    assert (summary.keys_used, summary.keys_late) == (2, 1)
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


# ------------------------------------------------------------------------------ the scheduled run


class _Marks:
    def __init__(self) -> None:
        self.claimed: set[tuple[str, str]] = set()

    def claim(self, site_id: str, week: str, at: str) -> bool:
        if (site_id, week) in self.claimed:
            return False
        self.claimed.add((site_id, week))
        return True

    def release(self, site_id: str, week: str) -> None:
        self.claimed.discard((site_id, week))


class _Empty:
    """Every read of the week: nothing (the counting is tested above)."""

    def all(self) -> list[Site]:
        return [SITE]

    def pages_between(self, site_id: str, start: str, end: str) -> list[Any]:
        return []

    def entries(self, pid: str) -> list[Any]:
        return []

    def handover(self, pid: str) -> None:
        return None

    def used(self, site_id: str, start: str, end: str) -> list[Any]:
        return []

    def received(self, site_id: str, start: str, end: str) -> list[Any]:
        return []

    def waiting(self, site_id: str) -> list[Any]:
        return []

    def open_by_deadline(self, site_id: str, limit: int = 200) -> list[Any]:
        return []

    def open_clocks(self, site_id: str) -> list[Any]:
        return []

    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name, members=(f"{name}@example.com", "both@example.com"))


class _Mailer:
    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[Sequence[str]] = []
        self.error = error

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.error:
            raise self.error
        self.sent.append(to)


def _summary(marks: _Marks, mailer: _Mailer, moment: datetime) -> WeeklyDutySummary:
    reads = _Empty()
    return WeeklyDutySummary(
        reads, reads, reads, reads, reads, reads, reads, marks, mailer, FixedClock(moment), "https://desk.example"
    )


def test_the_week_is_mailed_once_to_both_lists_and_again_only_if_the_mail_failed() -> None:
    marks = _Marks()
    failing = _Mailer(ConnectionError("the mail service is down"))
    with pytest.raises(ConnectionError):
        _summary(marks, failing, _local(23, 1)).run()
    assert marks.claimed == set()  # released: the next run tries again
    mailer = _Mailer()
    report = _summary(marks, mailer, _local(23, 2)).run()
    assert (report.mailed, report.recipients) == (["ql 2026-W47"], 3)
    assert mailer.sent == [["both@example.com", "centre_manager@example.com", "deputy_manager@example.com"]]
    assert _summary(marks, mailer, _local(23, 3)).run().mailed == []  # twice: mailed once
    assert len(mailer.sent) == 1
    refused = _summary(_Marks(), _Mailer(MailRefused("bad address")), _local(23, 4)).run()
    assert refused.mailed == ["ql 2026-W47"]  # a refused address is not retried
