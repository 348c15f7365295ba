"""Complaints as the statistics count them (004 QW21-04 §4.1.3), and what a fire call asks (000 §3.8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain import intake, lifecycle
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput
from frontdesk.i18n import catalogue as i18n_catalogue
from frontdesk.models.catalogue import catalogue
from frontdesk.models.ticket import CATEGORIES, Channel, Department, DisabledOccupants, Kind, Severity, Status

from .builders import DUTY_MANAGER, MANAGER, OPERATOR, SITE, T0, TICKET_ID, Walk, staff_request

# The manual's own words for the eight items the desk counts each month (004 QW21-04 §4.1.3.1.1-8), in
# its order. The test reads the categories from the model and checks them against the manual through
# their Chinese labels, so a category added, dropped, moved or mislabelled fails here.
MANUAL_COMPLAINT_ITEMS = ("安保工作", "清洁", "绿化", "工程维修", "信件、报刊收发", "装修管理", "员工服务态度", "其它")


def test_the_complaint_categories_are_the_eight_the_desk_counts_and_the_catalogue_serves_them() -> None:
    labels = i18n_catalogue("zh-CN")
    assert [labels[f"category.complaint.{name}"] for name in CATEGORIES[Kind.COMPLAINT]] == list(MANUAL_COMPLAINT_ITEMS)
    served = catalogue()
    assert served.categories[Kind.COMPLAINT] == list(CATEGORIES[Kind.COMPLAINT])
    assert served.severities == [Severity.NORMAL, Severity.SERIOUS, Severity.LEADERSHIP]
    assert served.disabled_occupants == list(DisabledOccupants)


def test_a_complaint_records_the_department_and_the_staff_member_or_equipment_concerned() -> None:
    request = staff_request(
        Kind.COMPLAINT,
        category="security",
        severity=Severity.SERIOUS,
        department_concerned=Department.SECURITY,
        concerning="  保安 王五 ",
    )
    change = intake.open_ticket(request, SITE, OPERATOR, T0, TICKET_ID, 1)
    assert change.ticket.department_concerned is Department.SECURITY
    assert change.ticket.concerning == "保安 王五"
    assert change.ticket.severity is Severity.SERIOUS
    assert change.event.detail["severity"] == "serious"


@pytest.mark.parametrize(
    ("kind", "overrides", "field", "code"),
    [
        (Kind.REPAIR, {"department_concerned": "security"}, "department_concerned", "complaint_field_only"),
        (Kind.INQUIRY, {"concerning": "电梯"}, "concerning", "complaint_field_only"),
        (Kind.REPAIR, {"severity": "serious"}, "severity", "complaint_field_only"),
        (Kind.EMERGENCY, {"category": "fire"}, "disabled_occupants", "disabled_occupants_required"),
        (
            Kind.EMERGENCY,
            {"category": "water_leak", "disabled_occupants": "no"},
            "disabled_occupants",
            "fire_field_only",
        ),
        (Kind.COMPLAINT, {"disabled_occupants": "yes"}, "disabled_occupants", "fire_field_only"),
    ],
)
def test_a_field_that_does_not_describe_the_ticket_is_refused_by_its_name(
    kind: Kind, overrides: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        intake.open_ticket(staff_request(kind, **overrides), SITE, OPERATOR, T0, TICKET_ID, 1)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_fire_call_records_whether_the_unit_has_occupants_with_disabilities() -> None:
    request = staff_request(Kind.EMERGENCY, category="fire", disabled_occupants="yes")
    change = intake.open_ticket(request, SITE, OPERATOR, T0, TICKET_ID, 1)
    assert change.ticket.disabled_occupants is DisabledOccupants.YES
    assert change.event.detail["disabled_occupants"] == "yes"


def test_a_manager_judges_a_complaint_valid_with_a_reason_on_the_timeline() -> None:
    walk = Walk(Kind.COMPLAINT)
    change = walk.do("validity", MANAGER, valid=False, reason="客户误会，非我方责任")
    validity = change.ticket.validity
    assert validity is not None
    assert (validity.valid, validity.reason, validity.by) == (False, "客户误会，非我方责任", "mgr1")
    assert change.event.action == "validity"
    assert change.event.detail == {"valid": "false", "reason": "客户误会，非我方责任"}
    assert change.ticket.status is walk.events[0].to_status  # the judgement moves nothing


@pytest.mark.parametrize("actor", [OPERATOR, DUTY_MANAGER])
def test_only_a_manager_judges_validity(actor: Any) -> None:
    with pytest.raises(Forbidden):
        Walk(Kind.COMPLAINT).do("validity", actor)


def test_a_written_complaint_is_replied_only_with_a_written_reply_a_manager_approved() -> None:
    walk = Walk(request=staff_request(Kind.COMPLAINT, channel=Channel.LETTER))
    walk.do("handle")
    assert "reply" not in lifecycle.allowed_actions(walk.ticket, OPERATOR)
    with pytest.raises(IllegalTransition) as early:
        walk.do("reply")
    assert early.value.code == "reply_not_approved"
    with pytest.raises(IllegalTransition) as nothing:
        walk.do("approve_reply")
    assert nothing.value.code == "no_draft_to_approve"

    walk.do("draft_reply", text="尊敬的业主：……特此函复。")
    with pytest.raises(Forbidden):
        walk.do("approve_reply", OPERATOR)
    approved = walk.do("approve_reply", MANAGER)
    assert approved.ticket.written_reply is not None and approved.ticket.written_reply.approved_by == "mgr1"
    assert approved.event.action == "approve_reply"
    # a new draft after the approval needs approving again
    walk.do("draft_reply", text="尊敬的业主：修改稿。")
    with pytest.raises(IllegalTransition):
        walk.do("reply")
    walk.do("approve_reply", MANAGER)
    replied = walk.do("reply", method="letter")
    assert replied.ticket.status is Status.REPLIED and replied.event.detail["approved_by"] == "mgr1"


def test_a_complaint_by_phone_needs_no_written_reply() -> None:
    walk = Walk(Kind.COMPLAINT)
    walk.do("handle")
    assert walk.do("reply").ticket.status is Status.REPLIED


def test_the_console_asks_about_occupants_with_disabilities_on_the_category_the_catalogue_names() -> None:
    """The fire call's extra field (000 §3.8) is intake's rule: the console reads its category from
    GET /public/catalogue and keeps no copy of it."""
    served = catalogue()
    assert served.fire_category == intake.FIRE
    assert served.fire_category in served.categories[Kind.EMERGENCY]
    script = Path(__file__).resolve().parents[2] / "functions/public_api/web/assets/staff-complaint.js"
    assert '"fire"' not in script.read_text("utf-8")
