"""The duty roster's rules (frontdesk.domain.duty_roster) and its use cases with in-memory ports: a
month checked against the site's staff, the person on duty at a moment across the shift changes,
the rung that names "the duty manager on shift", and the reminder on the 25th (once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from frontdesk.app.duty_roster import OnShift, RosterDesk, RosterReminder, recipients
from frontdesk.app.mail_once import MailOnce
from frontdesk.app.rung_mail import RungMail
from frontdesk.clock import FixedClock
from frontdesk.domain import duty_roster, months
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.models.clock import Clock, ClockKind, ClockState, PlannedRung, SubjectType
from frontdesk.models.duty_roster import DutyRoster, RosterIn, RosterSlotIn
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder
from frontdesk.models.on_duty import OnDutyRole, Shift
from frontdesk.models.staff import Person
from frontdesk.models.ticket import Role
from frontdesk.notifications.messages import Mail

from .builders import SITE, staff
from .fakes import SentMarks

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
MONTH = "2026-12"
PEOPLE = (
    Person(username="dm1", name="孙经理", roles=(Role.DUTY_MANAGER,), site_id=SITE.site_id, email="sun@example.com"),
    Person(username="dm2", name="钱经理", roles=(Role.DUTY_MANAGER,), site_id=SITE.site_id, email="qian@example.com"),
    Person(username="mgr1", name="吴主任", roles=(Role.MANAGER,), site_id=SITE.site_id),
    Person(username="op1", name="周晓", roles=(Role.OPERATOR,), site_id=SITE.site_id),
    Person(username="eng1", name="王工", roles=(Role.ENGINEER,), site_id=SITE.site_id),
    Person(username="dm9", name="外场经理", roles=(Role.DUTY_MANAGER,), site_id="other"),
)
MANAGER = staff("mgr1", Role.MANAGER)


def slot(day: str, shift: Shift = Shift.DAY, manager: str = "dm1", *desk: str) -> RosterSlotIn:
    return RosterSlotIn(day=date.fromisoformat(day), shift=shift, duty_manager=manager, desk=desk)


def full_month(month: str = MONTH) -> RosterIn:
    """Days to dm1, nights to dm2, every shift of the month."""
    return RosterIn(
        version=0,
        slots=tuple(
            RosterSlotIn(day=day, shift=shift, duty_manager="dm1" if shift is Shift.DAY else "dm2")
            for day in months.month_days(month)
            for shift in Shift
        ),
    )


def edit(*slots: RosterSlotIn, stored: DutyRoster | None = None, version: int = 0) -> DutyRoster:
    request = RosterIn(version=version, slots=slots)
    return duty_roster.edited(SITE.site_id, MONTH, request, stored, PEOPLE, "mgr1", NOW)


def refusal(*slots: RosterSlotIn) -> tuple[str | None, ErrorCode, dict[str, Any]]:
    with pytest.raises(DomainError) as refused:
        edit(*slots)
    return refused.value.field, refused.value.code, dict(refused.value.params)


# ------------------------------------------------------------------------------------------- editing


def test_a_month_keeps_each_shifts_people_as_the_pool_knows_them() -> None:
    roster = edit(slot("2026-12-02", Shift.NIGHT, "DM2", "op1", "op1"), slot("2026-12-02", Shift.DAY, "mgr1", "dm1"))

    assert [(s.day.day, s.shift, s.duty_manager.username, [p.username for p in s.desk]) for s in roster.slots] == [
        (2, Shift.DAY, "mgr1", ["dm1"]),
        (2, Shift.NIGHT, "dm2", ["op1"]),  # the pool's spelling; a name entered twice kept once
    ]
    assert roster.slots[1].duty_manager.email == "qian@example.com"
    assert (roster.version, roster.updated_by) == (1, "mgr1")


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ((slot("2026-11-30"),), ("slots.0.day", ErrorCode.ROSTER_DAY_OUTSIDE_MONTH, {"month": MONTH})),
        ((slot("2026-12-01"), slot("2026-12-01")), ("slots.1.shift", ErrorCode.ROSTER_SLOT_TWICE, {})),
        (
            (slot("2026-12-01", manager="nobody"),),
            ("slots.0.duty_manager", ErrorCode.ROSTER_UNKNOWN_PERSON, {"name": "nobody"}),
        ),
        (
            (slot("2026-12-01", manager="dm9"),),
            ("slots.0.duty_manager", ErrorCode.ROSTER_UNKNOWN_PERSON, {"name": "dm9"}),
        ),
        (
            (slot("2026-12-01", manager="op1"),),
            ("slots.0.duty_manager", ErrorCode.ROSTER_NOT_DUTY_MANAGER, {"name": "op1"}),
        ),
        (
            (slot("2026-12-01", Shift.DAY, "dm1", "op1", "eng1"),),
            ("slots.0.desk.1", ErrorCode.ROSTER_NOT_DESK, {"name": "eng1"}),
        ),
    ],
    ids=[
        "outside the month",
        "a shift twice",
        "unknown",
        "another site's",
        "an operator as duty manager",
        "an engineer at the desk",
    ],
)
def test_a_fault_is_refused_naming_its_field(
    slots: tuple[RosterSlotIn, ...], expected: tuple[str, ErrorCode, dict[str, Any]]
) -> None:
    assert refusal(*slots) == expected


def test_a_save_over_another_managers_is_refused() -> None:
    first = edit(slot("2026-12-01"))
    with pytest.raises(VersionConflict) as refused:
        edit(slot("2026-12-02"), stored=first, version=0)
    assert refused.value.code is ErrorCode.ROSTER_VERSION_CONFLICT
    assert edit(slot("2026-12-02"), stored=first, version=1).version == 2


def test_an_unknown_shift_is_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="shift"):
        RosterSlotIn.model_validate({"day": "2026-12-01", "shift": "evening", "duty_manager": "dm1"})


# ------------------------------------------------------------------------------------------- completeness


def test_missing_names_every_shift_without_a_duty_manager() -> None:
    roster = edit(slot("2026-12-01"), slot("2026-12-01", Shift.NIGHT, "dm2"))
    gaps = duty_roster.missing(roster, MONTH)
    assert len(gaps) == 31 * 2 - 2 and gaps[0] == (date(2026, 12, 2), Shift.DAY)
    full = duty_roster.edited(SITE.site_id, MONTH, full_month(), None, PEOPLE, "mgr1", NOW)
    assert duty_roster.missing(full, MONTH) == []
    assert duty_roster.complete_by(MONTH) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        ("2026-11-24T15:59:59Z", None),  # 23:59:59 on the 24th in Shanghai
        ("2026-11-24T16:00:00Z", "2026-12"),  # midnight: the 25th
        ("2026-11-30T15:00:00Z", "2026-12"),
        ("2026-12-27T00:00:00Z", "2027-01"),
    ],
)
def test_the_reminder_checks_next_month_from_the_site_local_25th(moment: str, month: str | None) -> None:
    assert duty_roster.reminder_month(SITE, datetime.fromisoformat(moment)) == month


# ------------------------------------------------------------------------------------------- on duty


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-02T09:29:59Z", "dm1"),  # 17:29:59 in Shanghai: the day shift
        ("2026-12-02T09:30:00Z", "dm2"),  # 17:30:00: the night shift
        ("2026-12-02T23:59:59Z", "dm2"),  # 07:59:59 on the 3rd: still the night of the 2nd
        ("2026-12-03T00:00:00Z", "dm1"),  # 08:00 on the 3rd: the day shift
    ],
)
def test_the_person_on_duty_changes_with_the_shift(moment: str, expected: str) -> None:
    roster = duty_roster.edited(SITE.site_id, MONTH, full_month(), None, PEOPLE, "mgr1", NOW)
    at = datetime.fromisoformat(moment)
    assert duty_roster.roster_month(SITE, at) == MONTH
    on = duty_roster.on_duty(roster, SITE, at)
    assert on is not None and on.duty_manager.username == expected


def test_the_small_hours_of_the_first_belong_to_the_month_before() -> None:
    assert duty_roster.roster_month(SITE, datetime.fromisoformat("2026-11-30T23:00:00Z")) == "2026-11"  # 07:00 on 1 Dec


def test_a_rung_reaches_the_person_or_says_why_not() -> None:
    roster = edit(slot("2026-12-02", Shift.DAY, "dm1"), slot("2026-12-02", Shift.NIGHT, "mgr1"))
    day, night = roster.slots
    on = duty_roster.rung_target(OnDutyRole.DUTY_MANAGER, day)
    assert (on.person and on.person.username, on.fallback, on.detail()) == ("dm1", None, {"on_duty": "dm1"})
    assert recipients(on, ("list@example.com",)) == ["sun@example.com"]

    no_address = duty_roster.rung_target(OnDutyRole.DUTY_MANAGER, night)
    assert no_address.detail() == {"on_duty": "mgr1", "on_duty_fallback": duty_roster.NO_ADDRESS}
    assert recipients(no_address, ("list@example.com",)) == ["list@example.com"]

    nobody = duty_roster.rung_target(OnDutyRole.DUTY_MANAGER, None)
    assert nobody.detail() == {"on_duty_fallback": duty_roster.NOBODY_ON_DUTY}
    assert recipients(None, ("b@example.com", "a@example.com")) == ["a@example.com", "b@example.com"]


# ------------------------------------------------------------------------------------------- use cases


@dataclass
class Rosters:
    stored: dict[tuple[str, str], DutyRoster] = field(default_factory=dict)

    def roster(self, site_id: str, month: str) -> DutyRoster | None:
        return self.stored.get((site_id, month))

    def save(self, roster: DutyRoster, previous_version: int) -> None:
        current = self.roster(roster.site_id, roster.month)
        if (current.version if current else 0) != previous_version:
            raise VersionConflict(field="version", code=ErrorCode.ROSTER_VERSION_CONFLICT)
        self.stored[(roster.site_id, roster.month)] = roster


class Sites:
    def get(self, site_id: str) -> Any:
        return SITE if site_id == SITE.site_id else None

    def all(self) -> list[Any]:
        return [SITE]


class Directory:
    def people(self, roles: Any) -> list[Person]:
        return [p for p in PEOPLE if set(p.roles) & set(roles)]


@dataclass
class Mailer:
    sent: list[tuple[list[str], str, str]] = field(default_factory=list)

    def send(self, to: Any, subject: str, body: str) -> None:
        self.sent.append((list(to), subject, body))


def test_managers_edit_and_everyone_reads() -> None:
    rosters = Rosters()
    desk = RosterDesk(rosters, Sites(), Directory(), FixedClock(NOW))
    with pytest.raises(Forbidden):
        desk.save(SITE.site_id, MONTH, full_month(), staff("dm1", Role.DUTY_MANAGER))

    saved = desk.save(SITE.site_id, MONTH, full_month(), MANAGER)

    assert (saved.complete, saved.version, len(saved.slots)) == (True, 1, 62)
    view = desk.view(SITE.site_id, MONTH, staff("op1", Role.OPERATOR))
    assert view.slots[0].duty_manager.model_dump() == {"username": "dm1", "name": "孙经理"}
    assert "email" not in view.model_dump_json()
    assert [(h.shift, h.starts, h.ends) for h in view.shifts] == [
        (Shift.DAY, "08:00", "17:30"),
        (Shift.NIGHT, "17:30", "08:00"),
    ]


def test_on_shift_reads_the_roster_of_the_month_the_shift_began() -> None:
    rosters = Rosters()
    nov = RosterIn(version=0, slots=(RosterSlotIn(day=date(2026, 11, 30), shift=Shift.NIGHT, duty_manager="dm2"),))
    RosterDesk(rosters, Sites(), Directory(), FixedClock(NOW)).save(SITE.site_id, "2026-11", nov, MANAGER)
    target = OnShift(rosters).target(SITE, OnDutyRole.DUTY_MANAGER, datetime.fromisoformat("2026-11-30T23:00:00Z"))
    assert target is not None and target.person is not None and target.person.username == "dm2"
    assert OnShift(rosters).target(SITE, None, NOW) is None  # a rung naming a list


def test_the_reminder_tells_the_managers_once_and_not_when_complete() -> None:
    rosters, lists, mailer = Rosters(), SentMarks({"centre_manager": ("centre@example.com",)}), Mailer()
    clock = FixedClock(datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    reminder = RosterReminder(Sites(), rosters, MailOnce(lists, mailer), clock, "https://desk.example.com")

    assert reminder.run().told == [f"{SITE.site_id} {MONTH}"]
    assert reminder.run().told == []  # run twice: mailed once
    ((to, subject, body),) = mailer.sent
    assert to == ["centre@example.com"] and MONTH in subject and "62" in body and "2026-11-30" in body

    full = duty_roster.edited(SITE.site_id, "2027-01", full_month("2027-01"), None, PEOPLE, "mgr1", NOW)
    rosters.stored[(SITE.site_id, "2027-01")] = full
    later = RosterReminder(
        Sites(), rosters, MailOnce(lists, mailer), FixedClock(datetime(2026, 12, 26, tzinfo=UTC)), "x"
    )
    assert later.run().complete == [f"{SITE.site_id} 2027-01"] and len(mailer.sent) == 1


def test_the_reminder_says_nothing_before_the_25th() -> None:
    mailer = Mailer()
    early = FixedClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # 23:00 on the 24th in Shanghai
    report = RosterReminder(
        Sites(), Rosters(), MailOnce(SentMarks({"centre_manager": ("c@example.com",)}), mailer), early, "x"
    ).run()
    assert (report.told, mailer.sent) == ([], [])


def test_an_incident_reports_ladder_cannot_name_a_role_on_duty() -> None:
    rung = {"mailing_list": "centre_manager", "on_duty": "duty_manager"}
    with pytest.raises(ValueError, match="on_duty_not_for_reports"):
        Ladder.model_validate({**DEFAULT_LADDER.model_dump(), "incident_report": [rung]})
    assert (
        Ladder.model_validate({**DEFAULT_LADDER.model_dump(), "reply": [rung]}).reply[0].on_duty
        is OnDutyRole.DUTY_MANAGER
    )


@dataclass
class LadderLists(SentMarks):
    ladder_of: Ladder = DEFAULT_LADDER

    def ladder(self, site_id: str) -> Ladder:
        return self.ladder_of


ON_SHIFT = OnDutyRole.DUTY_MANAGER


def _handover_rung(rosters: Rosters, lists: LadderLists, mailer: Mailer) -> int:
    """A handover's first rung (the default ladder: the duty manager on shift) fired at 18:00 on 2 Dec."""
    clock = Clock(
        subject_type=SubjectType.HANDOVER,
        subject_id="ql-2026-12-02-day",
        site_id=SITE.site_id,
        kind=ClockKind.HANDOVER,
        anchor="2026-12-02T09:30:00.000Z",
        gen=1,
        state=ClockState.RUNNING,
        due="2026-12-02T10:00:00.000Z",
        started_at="2026-12-02T01:00:00.000Z",
        rungs=(
            PlannedRung(mailing_list="duty_manager", at="2026-12-02T10:00:00.000Z", on_duty=OnDutyRole.DUTY_MANAGER),
        ),
        level=1,
        escalated_at="2026-12-02T10:00:00.000Z",
    )
    compose = lambda *_: Mail(subject="handover late", body="body")  # noqa: E731
    later = FixedClock(datetime(2026, 12, 2, 10, 5, tzinfo=UTC))
    return RungMail(Sites(), lists, lists, mailer, later, compose, OnShift(rosters)).on_rung(clock, 1)


def test_a_handover_rung_mails_the_night_manager_or_its_list_saying_why() -> None:
    lists, mailer = LadderLists({"duty_manager": ("duty-list@example.com",)}), Mailer()
    assert _handover_rung(Rosters(), lists, mailer) == 1
    ((to, _, body),) = mailer.sent
    assert to == ["duty-list@example.com"]
    assert body.startswith("值班表上本班次无人值班：本邮件已改发至邮件组 duty_manager。\nNobody is on the duty roster")

    rosters, lists, mailer = Rosters(), LadderLists({"duty_manager": ("duty-list@example.com",)}), Mailer()
    night = RosterIn(version=0, slots=(slot("2026-12-02", Shift.NIGHT, "dm2"),))
    RosterDesk(rosters, Sites(), Directory(), FixedClock(NOW)).save(SITE.site_id, MONTH, night, MANAGER)
    _handover_rung(rosters, lists, mailer)
    assert mailer.sent == [(["qian@example.com"], "handover late", "body")]
