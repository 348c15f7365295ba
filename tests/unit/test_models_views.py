"""Input models refuse what callers may not send; views never leak staff names or full phone numbers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from frontdesk.models import commands as cmd
from frontdesk.models.frozen import project
from frontdesk.models.site import Site
from frontdesk.models.ticket import Kind, Status
from frontdesk.models.views import PUBLIC_DETAIL, PublicTicket, mask_phone, public_view

from .builders import T0, Walk, public_request, staff_request, walk_to


def _errors(model: type[BaseModel], body: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as invalid:
        model.model_validate(body)
    return {".".join(map(str, e["loc"])): e["type"] for e in invalid.value.errors()}


def _public_body(**overrides: Any) -> dict[str, Any]:
    return {**public_request().model_dump(mode="json"), **overrides}


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "closed"), ("assignee", "eng1"), ("severity", "critical"), ("channel", "phone"), ("version", 9)],
)
def test_public_form_refuses_fields_it_may_not_set(field: str, value: object) -> None:
    assert _errors(cmd.NewTicket, _public_body(**{field: value})) == {field: "extra_forbidden"}


@pytest.mark.parametrize("kind", ["paid_service", "emergency", "unknown"])
def test_public_form_offers_only_repair_complaint_and_inquiry(kind: str) -> None:
    assert _errors(cmd.NewTicket, _public_body(kind=kind)) == {"kind": "literal_error"}


def test_public_form_kind_error_names_the_choices_as_a_person_types_them() -> None:
    with pytest.raises(ValidationError) as invalid:
        cmd.NewTicket.model_validate(_public_body(kind="paid_service"))
    expected = str(invalid.value.errors()[0]["ctx"]["expected"])
    assert "Kind." not in expected and "<" not in expected
    assert "'repair'" in expected


def test_description_up_to_2000_characters() -> None:
    assert cmd.NewTicket.model_validate(_public_body(description="漏" * 2000)).description == "漏" * 2000
    assert _errors(cmd.NewTicket, _public_body(description="漏" * 2001)) == {"description": "string_too_long"}


def test_blank_text_is_refused_after_stripping() -> None:
    assert _errors(cmd.NewTicket, _public_body(description="   ")) == {"description": "string_too_short"}
    assert cmd.NewTicket.model_validate(_public_body(description="  漏水  ")).description == "漏水"


@pytest.mark.parametrize("phone", ["12", "phone", "138001380001380013800138", "+", "１３８００１３８０００", ""])
def test_bad_phone_is_refused(phone: str) -> None:
    assert _errors(cmd.NewTicket, _public_body(contact_phone=phone)) == {"contact_phone": "string_pattern_mismatch"}


@pytest.mark.parametrize("phone", ["13800138000", "+86 138 0013 8000", "0531-8888 6666", "  13800138000  "])
def test_good_phone_is_accepted(phone: str) -> None:
    assert cmd.NewTicket.model_validate(_public_body(contact_phone=phone)).contact_phone == phone.strip()


def test_public_form_needs_a_phone_and_staff_intake_does_not() -> None:
    body = _public_body()
    del body["contact_phone"]
    assert _errors(cmd.NewTicket, body) == {"contact_phone": "missing"}
    assert staff_request(contact_phone=None).contact_phone is None


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("a@b", "email_domain_invalid"),
        ("no at", "email_invalid"),
        ("a@@b.cn", "email_invalid"),
        ("a b@c.cn", "email_invalid"),
        # Accepted before, then refused by SES at the first escalation (one rule for every address now).
        ("tenant,typo@example.com", "email_local_invalid"),
    ],
)
def test_bad_email_is_refused_with_the_reason(email: str, reason: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        cmd.NewTicket.model_validate(_public_body(contact_email=email))
    [error] = invalid.value.errors()
    assert (error["loc"], error["ctx"]["error"].args[0]) == (("contact_email",), reason)


def test_identifiers_are_restricted() -> None:
    assert _errors(cmd.NewTicket, _public_body(site_id="ql/../x")) == {"site_id": "string_pattern_mismatch"}
    assert _errors(cmd.NewTicket, _public_body(language="fr")) == {"language": "literal_error"}


def test_staff_intake_channel_is_not_web() -> None:
    body = {**staff_request().model_dump(mode="json"), "channel": "web"}
    assert _errors(cmd.StaffNewTicket, body) == {"channel": "literal_error"}


def test_commands_refuse_unknown_fields_and_need_a_version() -> None:
    assert _errors(cmd.Dispatch, {"version": 1, "assignee": "eng1", "status": "arrived"}) == {
        "status": "extra_forbidden"
    }
    assert _errors(cmd.Arrive, {}) == {"version": "missing"}
    assert _errors(cmd.Arrive, {"version": 0}) == {"version": "greater_than_equal"}


def test_reschedule_needs_a_time_zone_and_who_agreed() -> None:
    errors = _errors(cmd.Reschedule, {"version": 1, "new_arrival": "2026-11-22T10:30:00", "contact_method": "phone"})
    assert errors == {"new_arrival": "value_error", "agreed_with": "missing"}


def test_quote_needs_at_least_one_line_and_no_negative_amounts() -> None:
    errors = _errors(
        cmd.QuoteIn,
        {"version": 1, "lines": [{"item": "x", "amount_cents": -1}], "tax_cents": 0, "labour_cents": 0},
    )
    assert errors == {"lines.0.amount_cents": "greater_than_equal"}
    assert _errors(cmd.QuoteIn, {"version": 1, "lines": [], "tax_cents": 0, "labour_cents": 0}) == {
        "lines": "too_short"
    }


def test_rating_between_one_and_five() -> None:
    assert _errors(cmd.Acceptance, {"version": 1, "satisfied": True, "rating": 0}) == {"rating": "greater_than_equal"}
    assert _errors(cmd.Acceptance, {"version": 1, "satisfied": True, "rating": 6}) == {"rating": "less_than_equal"}


def test_site_code_and_id_shape() -> None:
    with pytest.raises(ValidationError):
        Site(site_id="QL", code="QL", name="x")
    with pytest.raises(ValidationError):
        Site(site_id="ql", code="ql", name="x")


# ------------------------------------------------------------------------------------------ views


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("+86 138 0013 8000", "+86*******8000"),
        ("0531-88886666", "053*****6666"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_public_view_masks_the_phone_and_names_no_staff() -> None:
    walk = Walk(Kind.REPAIR)
    walk.do("dispatch", assignee="eng1")
    walk.later(minutes=3).do("arrive")
    walk.do("unfinished", reason="等配件")
    walk.later(hours=3).do("complete", summary="已更换")
    view = public_view(walk.ticket, walk.events, ["accept"], "Asia/Shanghai")
    text = json.dumps(view.model_dump(mode="json"), ensure_ascii=False)

    assert view.contact_phone == "138****8000"
    assert "13800138000" not in text
    for staff_name in ("eng1", "op1"):
        assert staff_name not in text
    assert [event.by for event in view.timeline] == ["staff", "staff", "staff", "staff", "staff"]
    assert [event.to_status for event in view.timeline] == [
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ARRIVED,
        Status.UNFINISHED,
        Status.COMPLETED,
    ]
    assert view.timeline[1].detail == {"arrival_due": "2026-11-22T02:05:00.000Z"}
    assert view.timeline[3].detail == {"reason": "等配件"}
    assert all(set(event.detail) <= PUBLIC_DETAIL for event in view.timeline)
    assert view.actions == ["accept"]
    assert view.work_summary == "已更换"


def test_public_view_shows_the_client_their_own_actions_and_the_quote() -> None:
    walk = walk_to(Kind.PAID_SERVICE, Status.QUOTED)
    walk.clock.advance(seconds=timedelta(minutes=1).total_seconds())
    view = public_view(walk.ticket, walk.events, ["quote_decision"], "Asia/Shanghai")
    assert view.quote is not None and view.quote.total_cents == 8085
    assert view.timeline[-1].detail == {"total_cents": "8085"}
    assert view.created_at == "2026-11-22T02:00:00.000Z" == T0.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_the_public_view_shows_only_what_it_declares() -> None:
    """Views are cut from records by the view's own fields: a record's private fields never leak."""
    ticket = walk_to(Kind.REPAIR, Status.CLOSED).ticket
    shown = public_view(ticket, [], [], "Asia/Shanghai").model_dump()
    assert set(shown) == set(PublicTicket.model_fields)
    for private in ("ticket_id", "site_id", "contact", "assignment", "escalation", "local_day"):
        assert private not in shown
    assert shown["contact_phone"] == mask_phone(ticket.contact.phone) != ticket.contact.phone


def test_a_projection_validates_what_it_copies() -> None:
    class Narrow(BaseModel):
        number: int  # the ticket's number is a string like QL-1122-001

    with pytest.raises(ValidationError):
        project(walk_to(Kind.REPAIR, Status.CLOSED).ticket, Narrow)
