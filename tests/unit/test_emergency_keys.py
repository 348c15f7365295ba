"""The emergency key register's rules (000 §3.10): a use needs the client's permission or, only for
water, fire, smoke or explosion, the emergency override; outside office hours also the stamped
authorisation and an escort who is not the one taking the key; the key comes back under a new seal
and is due back 2 hours after it was taken. Office hours are the site calendar's business hours: a
public holiday is not one, an adjusted working day (调休) is. After an override the client is told,
recorded once; an outsider borrows with an ID document and a deposit, accounted for at the return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.domain import keys
from frontdesk.domain.calendar import site_calendar
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.models.keys import KeyState, NewKey, ReturnKey, TakeKey, TellClient

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR, make_site
from .records import OUTSIDER

SITE = make_site()
CALENDAR = site_calendar(SITE.timezone, [])


def _local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Shanghai wall-clock time in 2026 (23 November is a Monday, the 28th a Saturday), as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


OFFICE = _local(23, 10)
EVENING = _local(23, 19)
SATURDAY = _local(28, 10)


def _key() -> Any:
    request = NewKey(site_id="ql", building_id="admin", unit="101", seal_number="S-0001", sealed_with="张老师")
    return keys.seal(request, SITE, OPERATOR, OFFICE - timedelta(days=30), "a" * 32)


def _take(**fields: Any) -> TakeKey:
    return TakeKey.model_validate({"version": 1, "reason": "楼上漏水,需进入查看", **fields})


PERMISSION = {"given_by": "张老师", "how": "phone", "at": "2026-11-23T09:55:00+08:00"}
AFTER_HOURS = {"authorisation": "授权书 2026-118", "escort": "op1"}


@pytest.mark.parametrize("emergency", ["water", "fire", "smoke", "explosion"])
def test_the_override_is_allowed_for_the_four_emergencies(emergency: str) -> None:
    taken, use = keys.take(_key(), _take(override=emergency), CALENDAR, DUTY_MANAGER, OFFICE)
    assert (taken.state, use.override, use.permission) == (KeyState.OUT, emergency, None)


@pytest.mark.parametrize("reason", ["theft", "power_cut", "lockout", "noise", ""])
def test_the_override_is_refused_for_anything_else(reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _take(override=reason)
    assert refused.value.errors()[0]["loc"] == ("override",)


def test_a_use_needs_the_clients_permission_or_the_override_and_not_both() -> None:
    for fields in ({}, {"override": "water", "permission": PERMISSION}):
        with pytest.raises(DomainError) as refused:
            keys.take(_key(), _take(**fields), CALENDAR, DUTY_MANAGER, OFFICE)
        assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_PERMISSION_OR_OVERRIDE, "permission")
    _, use = keys.take(_key(), _take(permission=PERMISSION), CALENDAR, DUTY_MANAGER, OFFICE)
    assert use.permission is not None and use.permission.given_by == "张老师"


# a public holiday is after hours all day (New Year's Day 2026, a Thursday, in the shipped calendar)
NEW_YEAR = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("moment", [EVENING, SATURDAY, _local(24, 7, 59), _local(24, 17, 30), NEW_YEAR])
def test_after_hours_a_use_needs_the_authorisation_and_an_escort(moment: datetime) -> None:
    assert not CALENDAR.in_business_hours(moment)
    with pytest.raises(DomainError) as refused:
        keys.take(_key(), _take(override="fire"), CALENDAR, DUTY_MANAGER, moment)
    assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_AFTER_HOURS, "after_hours")

    with pytest.raises(DomainError) as alone:
        keys.take(
            _key(), _take(override="fire", after_hours={**AFTER_HOURS, "escort": "dm1"}), CALENDAR, DUTY_MANAGER, moment
        )
    assert (alone.value.code, alone.value.field) == (ErrorCode.KEY_ESCORT_SELF, "after_hours.escort")

    _, use = keys.take(_key(), _take(override="fire", after_hours=AFTER_HOURS), CALENDAR, DUTY_MANAGER, moment)
    assert use.after_hours is not None and use.after_hours.escort == "op1"


def test_in_office_hours_no_authorisation_is_needed() -> None:
    assert CALENDAR.in_business_hours(OFFICE) and CALENDAR.in_business_hours(_local(23, 8))
    _, use = keys.take(_key(), _take(override="smoke"), CALENDAR, DUTY_MANAGER, OFFICE)
    assert use.after_hours is None


def test_the_key_is_due_back_in_two_hours_and_comes_back_under_a_new_seal() -> None:
    key = _key()
    taken, use = keys.take(key, _take(override="water"), CALENDAR, DUTY_MANAGER, OFFICE)
    assert use.return_due == "2026-11-23T04:00:00.000Z" and use.old_seal == "S-0001"
    assert (taken.uses, taken.current_use, taken.version) == (1, use.use_id, 2)

    with pytest.raises(DomainError) as again:
        keys.take(taken, _take(override="water", version=2), CALENDAR, DUTY_MANAGER, OFFICE)
    assert again.value.code is ErrorCode.KEY_OUT
    with pytest.raises(DomainError) as same_seal:
        keys.give_back(taken, use, ReturnKey(version=2, new_seal_number="S-0001"), OPERATOR, OFFICE)
    assert (same_seal.value.code, same_seal.value.field) == (ErrorCode.KEY_SEAL_REUSED, "new_seal_number")

    sealed, returned = keys.give_back(taken, use, ReturnKey(version=2, new_seal_number="S-0002"), OPERATOR, OFFICE)
    assert (sealed.state, sealed.seal_number, sealed.current_use) == (KeyState.SEALED, "S-0002", None)
    assert (returned.new_seal, returned.returned_by) == ("S-0002", "op1")


def test_a_stale_version_is_a_version_conflict_taking_and_giving_back() -> None:
    with pytest.raises(VersionConflict) as stale:
        keys.take(_key(), _take(override="water", version=7), CALENDAR, DUTY_MANAGER, OFFICE)
    assert (stale.value.code, stale.value.field, stale.value.status) == (ErrorCode.VERSION_CONFLICT, "version", 409)
    taken, use = keys.take(_key(), _take(override="water"), CALENDAR, DUTY_MANAGER, OFFICE)
    with pytest.raises(VersionConflict):
        keys.give_back(taken, use, ReturnKey(version=1, new_seal_number="S-0002"), OPERATOR, OFFICE)


def test_only_the_desk_uses_the_keys_and_units_must_exist() -> None:
    with pytest.raises(Forbidden):
        keys.take(_key(), _take(override="water"), CALENDAR, ENGINEER, OFFICE)
    with pytest.raises(DomainError) as unknown:
        keys.seal(
            NewKey(site_id="ql", building_id="admin", unit="999", seal_number="S-9", sealed_with="李"),
            SITE,
            OPERATOR,
            OFFICE,
            "b" * 32,
        )
    assert (unknown.value.code, unknown.value.field) == (ErrorCode.UNKNOWN_UNIT, "unit")


NATIONAL_DAY = _local(1, 10, month=10)  # Thursday 1 October 2026, 10:00: a public holiday
WORKED_SATURDAY = _local(10, 10, month=10)  # Saturday 10 October 2026: an adjusted working day (调休)


def test_a_public_holiday_is_outside_office_hours_an_adjusted_working_day_is_not() -> None:
    """Office hours are the site calendar's: on National Day a key needs the authorisation and an escort."""
    with pytest.raises(DomainError) as holiday:
        keys.take(_key(), _take(override="water"), CALENDAR, DUTY_MANAGER, NATIONAL_DAY)
    assert (holiday.value.code, holiday.value.field) == (ErrorCode.KEY_AFTER_HOURS, "after_hours")
    _, use = keys.take(_key(), _take(override="water", after_hours=AFTER_HOURS), CALENDAR, DUTY_MANAGER, NATIONAL_DAY)
    assert use.after_hours is not None

    _, worked = keys.take(_key(), _take(override="water"), CALENDAR, DUTY_MANAGER, WORKED_SATURDAY)
    assert worked.after_hours is None


def test_a_calendar_the_site_loaded_decides_too() -> None:
    from frontdesk.models.calendar import YearCalendar

    loaded = site_calendar(SITE.timezone, [YearCalendar(year=2026, holidays=(OFFICE.date(),))])
    with pytest.raises(DomainError) as refused:
        keys.take(_key(), _take(override="water"), loaded, DUTY_MANAGER, OFFICE)
    assert refused.value.code is ErrorCode.KEY_AFTER_HOURS


# ---------------------------------------------------------------------------- telling the client


@pytest.mark.parametrize(
    ("taken", "due"),
    [
        (OFFICE, "2026-11-23T04:00:00.000Z"),  # Monday 10:00 → 12:00
        (_local(23, 16), "2026-11-24T02:00:00.000Z"),  # Monday 16:00 → 18:00 is after hours → Tuesday 10:00
        (EVENING, "2026-11-24T02:00:00.000Z"),  # Monday 19:00 → Tuesday 10:00
        (_local(24, 6), "2026-11-24T00:00:00.000Z"),  # Tuesday 06:00 → 08:00, the morning's start
        (SATURDAY, "2026-11-30T02:00:00.000Z"),  # Saturday → Monday 10:00
        (_local(30, 20, month=9), "2026-10-08T02:00:00.000Z"),  # the eve of National Day → 8 October 10:00
    ],
)
def test_after_an_override_the_client_is_told_in_two_business_hours(taken: datetime, due: str) -> None:
    fields = (
        {"override": "water"}
        if CALENDAR.in_business_hours(taken)
        else {"override": "water", "after_hours": AFTER_HOURS}
    )
    _, use = keys.take(_key(), _take(**fields), CALENDAR, DUTY_MANAGER, taken)
    assert use.tell_due == due


def test_with_the_clients_permission_there_is_nobody_to_tell_afterwards() -> None:
    _, use = keys.take(_key(), _take(permission=PERMISSION), CALENDAR, DUTY_MANAGER, OFFICE)
    assert use.tell_due is None
    with pytest.raises(DomainError) as refused:
        keys.tell_client(use, _tell(), OPERATOR, OFFICE + timedelta(minutes=30))
    assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_NO_OVERRIDE, "use_id")


def _tell(**fields: Any) -> TellClient:
    return TellClient.model_validate(
        {"version": 1, "told": "张老师", "how": "phone", "at": "2026-11-23T10:30:00+08:00", **fields}
    )


def test_the_client_told_is_recorded_once_not_before_the_use_nor_in_the_future() -> None:
    _, use = keys.take(_key(), _take(override="fire"), CALENDAR, DUTY_MANAGER, OFFICE)
    now = OFFICE + timedelta(minutes=40)
    for at, field in (
        ("2026-11-23T09:00:00+08:00", ErrorCode.KEY_TOLD_BEFORE_USE),
        ("2026-11-23T11:00:00+08:00", ErrorCode.KEY_IN_FUTURE),
    ):
        with pytest.raises(DomainError) as refused:
            keys.tell_client(use, _tell(at=at), OPERATOR, now)
        assert (refused.value.code, refused.value.field) == (field, "at")
    with pytest.raises(VersionConflict):
        keys.tell_client(use, _tell(version=5), OPERATOR, now)

    told = keys.tell_client(use, _tell(), OPERATOR, now)
    assert told.client_told is not None
    assert (told.client_told.told, told.client_told.at, told.client_told.recorded_by) == (
        "张老师",
        "2026-11-23T02:30:00.000Z",
        "op1",
    )
    assert told.version == use.version + 1
    with pytest.raises(DomainError) as again:
        keys.tell_client(told, _tell(version=2), OPERATOR, now)
    assert again.value.code is ErrorCode.KEY_CLIENT_TOLD


# ---------------------------------------------------------------------------- an outsider borrows


@pytest.mark.parametrize("missing", ["name", "id_document", "id_number", "deposit_fen", "receipt"])
def test_an_outsider_leaves_an_id_and_a_deposit_every_field_required(missing: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _take(permission=PERMISSION, outsider={k: v for k, v in OUTSIDER.items() if k != missing})
    assert refused.value.errors()[0]["loc"] == ("outsider", missing)
    with pytest.raises(ValidationError):
        _take(permission=PERMISSION, outsider={**OUTSIDER, "deposit_fen": 0})


def test_an_outsiders_deposit_is_accounted_for_at_the_return() -> None:
    taken, use = keys.take(_key(), _take(permission=PERMISSION, outsider=OUTSIDER), CALENDAR, DUTY_MANAGER, OFFICE)
    assert use.outsider is not None and use.outsider.deposit_fen == 20000

    def back(**deposit: Any) -> Any:
        command = ReturnKey.model_validate({"version": 2, "new_seal_number": "S-0002", **deposit})
        return keys.give_back(taken, use, command, OPERATOR, OFFICE)

    for fields, code, field in (
        ({}, ErrorCode.KEY_DEPOSIT_REQUIRED, "deposit"),
        ({"deposit": {"refunded_fen": 20001}}, ErrorCode.KEY_DEPOSIT_TOO_MUCH, "deposit.refunded_fen"),
        ({"deposit": {"refunded_fen": 15000}}, ErrorCode.KEY_DEPOSIT_WITHHELD_REASON, "deposit.withheld_reason"),
    ):
        with pytest.raises(DomainError) as refused:
            back(**fields)
        assert (refused.value.code, refused.value.field) == (code, field)

    _, returned = back(deposit={"refunded_fen": 15000, "withheld_reason": "门锁损坏，扣维修费"})
    assert returned.deposit_back is not None and returned.deposit_back.refunded_fen == 15000
    _, full = back(deposit={"refunded_fen": 20000})
    assert full.deposit_back is not None


def test_a_staff_use_takes_no_deposit() -> None:
    taken, use = keys.take(_key(), _take(permission=PERMISSION), CALENDAR, DUTY_MANAGER, OFFICE)
    command = ReturnKey.model_validate({"version": 2, "new_seal_number": "S-0002", "deposit": {"refunded_fen": 1}})
    with pytest.raises(DomainError) as refused:
        keys.give_back(taken, use, command, OPERATOR, OFFICE)
    assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_DEPOSIT_NOT_TAKEN, "deposit")


def test_the_tell_clock_runs_only_after_an_override_and_is_met_by_the_record() -> None:
    from frontdesk.domain.clocks import CLOCKS
    from frontdesk.models.clock import ClockKind

    timing = CLOCKS[ClockKind.KEY_TELL_CLIENT].timing
    _, allowed = keys.take(_key(), _take(permission=PERMISSION), CALENDAR, DUTY_MANAGER, OFFICE)
    assert timing(allowed) is None
    _, opened = keys.take(_key(), _take(override="smoke"), CALENDAR, DUTY_MANAGER, OFFICE)
    running = timing(opened)
    assert running is not None and (running.due, running.done_at) == (opened.tell_due, None)
    recorded = OFFICE + timedelta(hours=3)  # told at 10:30, recorded at 13:00: the record is what counts
    told = keys.tell_client(opened, _tell(), OPERATOR, recorded)
    met = timing(told)
    assert met is not None and met.done_at == "2026-11-23T05:00:00.000Z"
