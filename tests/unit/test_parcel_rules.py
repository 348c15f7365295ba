"""The parcel register's rules (004 QW21-04 §4.2.4): the recipient is told between 17:00 and 18:00
site-local, by mail when an address is known and otherwise on the desk's "to phone" list, and never
twice; a pickup records the name signed and the ID shown and closes the parcel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from frontdesk.adapters import parcels as parcel_store
from frontdesk.adapters.dynamodb import EXPIRES_AT
from frontdesk.app.parcels import ParcelNotices
from frontdesk.app.ports import MailRefused
from frontdesk.clock import FixedClock
from frontdesk.domain import parcels
from frontdesk.domain.errors import DomainError, ErrorCode, Forbidden, VersionConflict
from frontdesk.models.parcels import NewParcel, Notice, Parcel, ParcelState, Phoned, PickUp
from frontdesk.models.site import Site

from .builders import ENGINEER, OPERATOR, make_site

SITE = make_site()
ID = "b" * 32


def _local(hour: int, minute: int = 0, day: int = 23) -> datetime:
    """A Shanghai wall-clock time on Monday 23 November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def _parcel(email: str | None = "tenant@example.org", at: datetime | None = None, parcel_id: str = ID) -> Parcel:
    request = NewParcel(
        site_id="ql", building_id="admin", unit="101", recipient="张三", courier="EMS", tracking_no="EA123", email=email
    )
    return parcels.log(request, SITE, OPERATOR, at or _local(10), parcel_id)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (_local(16, 59), False),
        (_local(17, 0), True),
        (_local(17, 59), True),
        (_local(18, 0), False),
        (_local(3), False),
    ],
)
def test_the_notice_window_is_17_to_18_site_local(moment: datetime, inside: bool) -> None:
    assert parcels.in_notice_window(SITE, moment) is inside
    assert bool(parcels.due_notices(SITE, [_parcel()], moment)) is inside


def test_the_window_is_the_sites_own_time() -> None:
    london = make_site(timezone="Europe/London")
    assert parcels.in_notice_window(london, datetime(2026, 11, 23, 17, 30, tzinfo=UTC))
    assert not parcels.in_notice_window(SITE, datetime(2026, 11, 23, 17, 30, tzinfo=UTC))  # 01:30 in Shanghai


def test_a_parcel_is_logged_for_a_unit_of_the_site() -> None:
    parcel = _parcel()
    assert (parcel.state, parcel.notice, parcel.received_by, parcel.version) == (ParcelState.WAITING, None, "op1", 1)
    with pytest.raises(DomainError) as unit:
        parcels.log(
            NewParcel(site_id="ql", building_id="admin", unit="999", recipient="张三"), SITE, OPERATOR, _local(9), ID
        )
    assert (unit.value.code, unit.value.field) == (ErrorCode.UNKNOWN_UNIT, "unit")
    with pytest.raises(DomainError) as building:
        parcels.log(
            NewParcel(site_id="ql", building_id="gym", unit="1", recipient="张三"), SITE, OPERATOR, _local(9), ID
        )
    assert building.value.field == "building_id"
    with pytest.raises(Forbidden):
        parcels.log(
            NewParcel(site_id="ql", building_id="admin", unit="101", recipient="张"), SITE, ENGINEER, _local(9), ID
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("recipient", " "), ("email", "not-an-address"), ("tracking_no", "EA 123"), ("kind", "crate"), ("phone", "12")],
)
def test_a_bad_field_is_named(field: str, value: str) -> None:
    body: dict[str, Any] = {"site_id": "ql", "building_id": "admin", "unit": "101", "recipient": "张三", field: value}
    with pytest.raises(ValidationError) as refused:
        NewParcel.model_validate(body)
    assert refused.value.errors()[0]["loc"][0] == field


def test_a_notice_is_recorded_once_by_mail_or_to_phone() -> None:
    mailed = parcels.notify(_parcel(), _local(17, 5))
    assert (mailed.notice, mailed.notified_at, mailed.version) == (Notice.MAILED, "2026-11-23T09:05:00.000Z", 2)
    assert parcels.notify(_parcel(email=None), _local(17, 5)).notice is Notice.TO_PHONE
    assert parcels.due_notices(SITE, [mailed], _local(17, 30)) == []  # told: never owed again
    with pytest.raises(DomainError):
        parcels.notify(mailed, _local(17, 30))


def test_a_parcel_collected_before_the_window_is_owed_no_notice() -> None:
    collected = parcels.collect(_parcel(), _pickup(), OPERATOR, _local(12))
    assert parcels.due_notices(SITE, [collected], _local(17, 5)) == []


def _pickup(version: int = 1) -> PickUp:
    return PickUp(version=version, collected_by="张三", id_document="id_card", id_tail="123x")


def test_a_pickup_records_the_signature_and_closes_the_parcel() -> None:
    collected = parcels.collect(_parcel(), _pickup(), OPERATOR, _local(18, 30))
    assert (collected.state, collected.collected_by, collected.id_tail, collected.handed_over_by) == (
        ParcelState.COLLECTED,
        "张三",
        "123X",
        "op1",
    )
    with pytest.raises(DomainError) as twice:
        parcels.collect(collected, _pickup(2), OPERATOR, _local(19))
    assert twice.value.code is ErrorCode.PARCEL_COLLECTED
    with pytest.raises(VersionConflict):
        parcels.collect(_parcel(), _pickup(version=3), OPERATOR, _local(19))
    with pytest.raises(ValidationError):
        PickUp.model_validate({"version": 1, "collected_by": "张三", "id_document": "id_card", "id_tail": "12"})


def test_the_desks_call_is_recorded_only_for_a_parcel_to_phone() -> None:
    to_phone = parcels.notify(_parcel(email=None), _local(17, 5))
    called = parcels.phoned(to_phone, Phoned(version=2), OPERATOR)
    assert (called.notice, called.phoned_by) == (Notice.PHONED, "op1")
    assert parcels.to_phone([to_phone, called]) == [to_phone]
    with pytest.raises(DomainError) as mailed:
        parcels.phoned(parcels.notify(_parcel(), _local(17, 5)), Phoned(version=2), OPERATOR)
    assert mailed.value.code is ErrorCode.PARCEL_NOT_TO_PHONE


# ------------------------------------------------------------------------------ the scheduled run


class _Records:
    def __init__(self, *stored: Parcel) -> None:
        self.items = {p.parcel_id: p for p in stored}
        self.moved_meanwhile: set[str] = set()

    def get(self, parcel_id: str) -> Parcel | None:
        return self.items.get(parcel_id)

    def waiting(self, site_id: str) -> list[Parcel]:
        return [p for p in self.items.values() if p.state is ParcelState.WAITING]

    def save(self, parcel: Parcel, previous_version: int) -> None:
        if parcel.parcel_id in self.moved_meanwhile or self.items[parcel.parcel_id].version != previous_version:
            raise VersionConflict(field="version")
        self.items[parcel.parcel_id] = parcel

    def received(self, site_id: str, start: str, end: str) -> list[Parcel]:
        return []


class _Mailer:
    def __init__(self, refuse: bool = False, fail: bool = False) -> None:
        self.sent: list[tuple[Sequence[str], str]] = []
        self.refuse = refuse
        self.fail = fail

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.refuse:
            raise MailRefused(subject)
        if self.fail:
            raise ConnectionError("the mail service is down")
        self.sent.append((to, subject))


class _Sites:
    def all(self) -> list[Site]:
        return [SITE]


def _run(records: _Records, mailer: _Mailer, moment: datetime) -> Any:
    return ParcelNotices(records, _Sites(), mailer, FixedClock(moment)).run()


def test_the_run_tells_each_recipient_once_in_the_window() -> None:
    records = _Records(_parcel(), _parcel(email=None, parcel_id="c" * 32))
    mailer = _Mailer()
    assert _run(records, mailer, _local(16, 55)).mailed == []  # before the window: nothing
    first = _run(records, mailer, _local(17, 0))
    assert (first.mailed, first.to_phone) == ([ID], ["c" * 32])
    assert [to for to, _ in mailer.sent] == [["tenant@example.org"]]
    assert "包裹" in mailer.sent[0][1] and "parcel" in mailer.sent[0][1]
    again = _run(records, mailer, _local(17, 5))
    assert (again.mailed, again.to_phone, len(mailer.sent)) == ([], [], 1)  # never twice


def test_a_parcel_logged_after_the_window_is_told_the_next_day() -> None:
    records = _Records(_parcel(at=_local(18, 20)))
    mailer = _Mailer()
    assert _run(records, mailer, _local(18, 25)).mailed == []
    assert _run(records, mailer, _local(17, 0, day=24)).mailed == [ID]


def test_a_refused_mail_puts_the_parcel_on_the_list_to_phone() -> None:
    records = _Records(_parcel())
    report = _run(records, _Mailer(refuse=True), _local(17, 10))
    assert (report.mailed, report.to_phone) == ([], [ID])
    assert records.items[ID].notice is Notice.TO_PHONE


def test_a_parcel_moved_during_the_run_is_not_told() -> None:
    records = _Records(_parcel())
    records.moved_meanwhile.add(ID)  # collected between the run's read and its write
    mailer = _Mailer()
    report = _run(records, mailer, _local(17, 10))
    assert (report.busy, mailer.sent) == ([ID], [])


def test_a_mail_the_service_failed_to_take_is_owed_again() -> None:
    records = _Records(_parcel())
    with pytest.raises(ConnectionError):
        _run(records, _Mailer(fail=True), _local(17, 10))
    assert (records.items[ID].notice, records.items[ID].notified_at) == (None, None)
    mailer = _Mailer()
    assert _run(records, mailer, _local(17, 15)).mailed == [ID]
    assert len(mailer.sent) == 1


def test_a_parcel_is_kept_as_long_as_the_duty_log() -> None:
    """It holds the recipient's name and contact: gone with the duty log, three years (and a day) on."""
    item = parcel_store._item(_parcel(at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert item[EXPIRES_AT] == int(datetime(2029, 1, 1, tzinfo=UTC).timestamp())
