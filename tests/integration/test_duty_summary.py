"""The weekly duty summary against the stack (000 §3.9g-h; docs/decisions/0024): once the site's week
has ended, one mail to the deputy manager and the manager lists with the week's entries by category,
open items, keys used, parcels and the handovers late; a second run mails nothing; records of the
next week are not counted."""

from __future__ import annotations

from typing import Any

from frontdesk.clock import FixedClock

from .conftest import Api, import_function
from .lambda_support import LambdaContext, sent_mail
from .staff_calls import call, key_taken_after_hours

DEPUTY, MANAGER = "deputy@example.com", "manager@example.com"


def _run() -> dict[str, Any]:
    result: dict[str, Any] = import_function("duty_summary").lambda_handler({}, LambdaContext())
    return result


def _summaries() -> list[Any]:
    return [m for m in sent_mail() if "值班周报" in m.subject]


def test_the_week_is_summarised_once_to_the_deputy_and_the_manager(staff: Api, clock: FixedClock) -> None:
    # the lists are a manager's to fill, like the ladder's
    for name, address in (("deputy_manager", DEPUTY), ("centre_manager", MANAGER)):
        added = call(staff, "POST", f"/staff/sites/ql/mailing-lists/{name}/add", {"email": address}, "mgr1", "manager")
        assert added.status == 200, added.raw
    # Sunday 22 November, 10:00 in Shanghai: the last day of week 47
    entry = {"site_id": "ql", "category": "theft", "happened": "自行车失窃"}
    page = call(staff, "POST", "/staff/duty-entries", entry).body["page"]
    call(staff, "POST", "/staff/duty-entries", {**entry, "category": "fight", "happened": "争执"})
    parcel = {"site_id": "ql", "building_id": "admin", "unit": "101", "recipient": "张三"}
    assert call(staff, "POST", "/staff/parcels", parcel).status == 201
    key = key_taken_after_hours(staff)["key"]
    clock.advance(hours=3)  # back an hour late
    back = call(
        staff, "POST", f"/staff/emergency-keys/{key['key_id']}/return", {"version": 2, "new_seal_number": "S-2"}
    )
    assert back.status == 200, back.raw
    closed = call(staff, "POST", f"/staff/duty-pages/{page['page_id']}/close", {"version": page["version"] + 1})
    assert closed.status == 200, closed.raw  # closed, never signed: its handover is late by Monday

    assert _run()["mailed"] == ["ql 2026-W46"]  # week 47 has not ended: the one before it (empty) is mailed
    before = len(_summaries())
    clock.advance(hours=11, minutes=5)  # Monday 00:05
    # the next week begins: what is written now is not week 47's
    assert call(staff, "POST", "/staff/duty-entries", {**entry, "category": "construction"}).status == 201
    first = _run()
    assert (first["mailed"], first["recipients"]) == (["ql 2026-W47"], 2)
    assert _run()["mailed"] == []  # twice: mailed once
    (mail,) = _summaries()[before:]
    assert sorted(mail.to) == [DEPUTY, MANAGER]
    assert mail.subject.startswith("【值班周报】齐鲁校区 2026-11-16 至 2026-11-22")
    body = mail.body
    assert "值班记录 2 条" in body and "失窃：1 条" in body and "打架：1 条" in body and "施工" not in body
    assert "使用 1 次，其中紧急先行开启 1 次，逾期归还 1 次" in body
    assert "本周收到 1 件，尚未领取 1 件" in body
    assert f"逾期 1 次。逾期的班次：{page['page_id']}" in body
    assert "Duty log: 2 entries" in body
