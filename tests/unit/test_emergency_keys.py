"""The emergency key register's rules (000 §3.10): a use needs the client's permission or, only for
water, fire, smoke or explosion, the emergency override; outside office hours also the stamped
authorisation and an escort who is not the one taking the key; the key comes back under a new seal
and is due back 2 hours after it was taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.domain import keys
from frontdesk.domain.calendar import site_calendar
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.models.keys import KeyState, NewKey, ReturnKey, TakeKey

from .builders import DUTY_MANAGER, ENGINEER, OPERATOR, make_site

SITE = make_site()
CN = site_calendar(SITE.timezone, ())


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in November 2026 (the 23rd is a Monday, the 28th a Saturday), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


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
    taken, use = keys.take(_key(), _take(override=emergency), CN, DUTY_MANAGER, OFFICE)
    assert (taken.state, use.override, use.permission) == (KeyState.OUT, emergency, None)


@pytest.mark.parametrize("reason", ["theft", "power_cut", "lockout", "noise", ""])
def test_the_override_is_refused_for_anything_else(reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _take(override=reason)
    assert refused.value.errors()[0]["loc"] == ("override",)


def test_a_use_needs_the_clients_permission_or_the_override_and_not_both() -> None:
    for fields in ({}, {"override": "water", "permission": PERMISSION}):
        with pytest.raises(DomainError) as refused:
            keys.take(_key(), _take(**fields), CN, DUTY_MANAGER, OFFICE)
        assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_PERMISSION_OR_OVERRIDE, "permission")
    _, use = keys.take(_key(), _take(permission=PERMISSION), CN, DUTY_MANAGER, OFFICE)
    assert use.permission is not None and use.permission.given_by == "张老师"


# a public holiday is after hours all day (New Year's Day 2026, a Thursday, in the shipped calendar)
NEW_YEAR = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("moment", [EVENING, SATURDAY, _local(24, 7, 59), _local(24, 17, 30), NEW_YEAR])
def test_after_hours_a_use_needs_the_authorisation_and_an_escort(moment: datetime) -> None:
    assert not keys.office_hours(CN, moment)
    with pytest.raises(DomainError) as refused:
        keys.take(_key(), _take(override="fire"), CN, DUTY_MANAGER, moment)
    assert (refused.value.code, refused.value.field) == (ErrorCode.KEY_AFTER_HOURS, "after_hours")

    with pytest.raises(DomainError) as alone:
        keys.take(
            _key(), _take(override="fire", after_hours={**AFTER_HOURS, "escort": "dm1"}), CN, DUTY_MANAGER, moment
        )
    assert (alone.value.code, alone.value.field) == (ErrorCode.KEY_ESCORT_SELF, "after_hours.escort")

    _, use = keys.take(_key(), _take(override="fire", after_hours=AFTER_HOURS), CN, DUTY_MANAGER, moment)
    assert use.after_hours is not None and use.after_hours.escort == "op1"


def test_in_office_hours_no_authorisation_is_needed() -> None:
    assert keys.office_hours(CN, OFFICE) and keys.office_hours(CN, _local(23, 8))
    _, use = keys.take(_key(), _take(override="smoke"), CN, DUTY_MANAGER, OFFICE)
    assert use.after_hours is None


def test_the_key_is_due_back_in_two_hours_and_comes_back_under_a_new_seal() -> None:
    key = _key()
    taken, use = keys.take(key, _take(override="water"), CN, DUTY_MANAGER, OFFICE)
    assert use.return_due == "2026-11-23T04:00:00.000Z" and use.old_seal == "S-0001"
    assert (taken.uses, taken.current_use, taken.version) == (1, use.use_id, 2)

    with pytest.raises(DomainError) as again:
        keys.take(taken, _take(override="water", version=2), CN, DUTY_MANAGER, OFFICE)
    assert again.value.code is ErrorCode.KEY_OUT
    with pytest.raises(DomainError) as same_seal:
        keys.give_back(taken, use, ReturnKey(version=2, new_seal_number="S-0001"), OPERATOR, OFFICE)
    assert (same_seal.value.code, same_seal.value.field) == (ErrorCode.KEY_SEAL_REUSED, "new_seal_number")

    sealed, returned = keys.give_back(taken, use, ReturnKey(version=2, new_seal_number="S-0002"), OPERATOR, OFFICE)
    assert (sealed.state, sealed.seal_number, sealed.current_use) == (KeyState.SEALED, "S-0002", None)
    assert (returned.new_seal, returned.returned_by) == ("S-0002", "op1")


def test_a_stale_version_is_a_version_conflict_taking_and_giving_back() -> None:
    with pytest.raises(VersionConflict) as stale:
        keys.take(_key(), _take(override="water", version=7), CN, DUTY_MANAGER, OFFICE)
    assert (stale.value.code, stale.value.field, stale.value.status) == (ErrorCode.VERSION_CONFLICT, "version", 409)
    taken, use = keys.take(_key(), _take(override="water"), CN, DUTY_MANAGER, OFFICE)
    with pytest.raises(VersionConflict):
        keys.give_back(taken, use, ReturnKey(version=1, new_seal_number="S-0002"), OPERATOR, OFFICE)


def test_only_the_desk_uses_the_keys_and_units_must_exist() -> None:
    with pytest.raises(Forbidden):
        keys.take(_key(), _take(override="water"), CN, ENGINEER, OFFICE)
    with pytest.raises(DomainError) as unknown:
        keys.seal(
            NewKey(site_id="ql", building_id="admin", unit="999", seal_number="S-9", sealed_with="李"),
            SITE,
            OPERATOR,
            OFFICE,
            "b" * 32,
        )
    assert (unknown.value.code, unknown.value.field) == (ErrorCode.UNKNOWN_UNIT, "unit")
