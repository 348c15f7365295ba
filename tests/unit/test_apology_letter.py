"""The apology letter (致歉信): owed only by a complaint judged valid and our fault, filled in from the
site's template and the complaint, mailed once or printed (frontdesk.domain.apology)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontdesk.domain import apology
from frontdesk.domain.errors import Forbidden, IllegalTransition, InvalidInput
from frontdesk.models.apology import ApologyTemplate, ApologyTemplates, SendApology
from frontdesk.models.ticket import Kind

from .builders import ENGINEER, MANAGER, OPERATOR, Walk, staff_request

ACTION = "已对当班保安批评教育"


def _send(version: int, delivery: str = "mail", **changes: object) -> SendApology:
    fields = {
        "version": version,
        "delivery": delivery,
        "action": "已对当班保安批评教育",
        "signatory": "客服中心 李经理",
    }
    return SendApology.model_validate({**fields, **changes})


def _complaint(valid: bool = True, our_fault: bool = True, email: str | None = "client@example.com") -> Walk:
    walk = Walk(request=staff_request(Kind.COMPLAINT, category="security", contact_email=email))
    walk.do("validity", MANAGER, valid=valid, reason="保安确有失职" if valid else "客户误会", our_fault=our_fault)
    return walk


def test_the_letter_is_filled_in_from_the_complaint_in_the_language_asked() -> None:
    walk = _complaint()
    ticket = walk.ticket
    template = apology.default_templates()
    zh = apology.fill(template.of("zh-CN"), ticket, walk.site, "已对当班保安批评教育", "李经理", "zh-CN")
    assert zh.subject == f"致歉信：关于您的投诉（{ticket.number}）"
    for part in (
        f"尊敬的{ticket.contact.name}：",
        ticket.number,
        ticket.local_day,
        ticket.description,
        "已对当班保安批评教育",
        "李经理",
        walk.site.name,
    ):
        assert part in zh.body
    assert "{" not in zh.body
    en = apology.fill(template.of("en"), ticket, walk.site, "the guard was retrained", "Ms Li", "en")
    assert en.body.startswith(f"Dear {ticket.contact.name},") and "the guard was retrained" in en.body


def test_a_clients_words_that_look_like_a_placeholder_are_left_as_they_are() -> None:
    walk = Walk(request=staff_request(Kind.COMPLAINT, category="security", description="门口写着 {action} 字样"))
    template = ApologyTemplate(subject="{number}", body="{matter} / {action}")
    letter = apology.fill(template, walk.ticket, walk.site, "已处理", "李", "zh-CN")
    assert letter.body == "门口写着 {action} 字样 / 已处理"


@pytest.mark.parametrize(("valid", "our_fault"), [(True, False), (False, False)])
def test_the_letter_is_owed_only_when_valid_and_our_fault(valid: bool, our_fault: bool) -> None:
    walk = _complaint(valid=valid, our_fault=our_fault)
    assert not apology.owed(walk.ticket)
    assert apology.offered(walk.ticket, OPERATOR) == []
    with pytest.raises(IllegalTransition) as refused:
        apology.check_may_send(walk.ticket, _send(walk.ticket.version), OPERATOR)
    assert (refused.value.field, refused.value.code) == ("action", "apology_not_owed")


def test_an_unjudged_complaint_owes_nothing_and_our_fault_needs_a_valid_complaint() -> None:
    walk = Walk(Kind.COMPLAINT)
    assert not apology.owed(walk.ticket)
    with pytest.raises(InvalidInput) as refused:
        walk.do("validity", MANAGER, valid=False, reason="客户误会", our_fault=True)
    assert (refused.value.field, refused.value.code) == ("our_fault", "our_fault_needs_valid")


def test_valid_and_our_fault_offers_the_letter_to_the_desk_and_records_it_on_the_timeline() -> None:
    walk = _complaint()
    assert walk.ticket.validity is not None and walk.ticket.validity.our_fault
    assert walk.events[-1].detail["our_fault"] == "true"
    assert apology.offered(walk.ticket, OPERATOR) == ["apology"]
    assert apology.offered(walk.ticket, ENGINEER) == []
    command = _send(walk.ticket.version)
    apology.check_may_send(walk.ticket, command, OPERATOR)
    letter = apology.Letter(language="zh-CN", subject="致歉信", body="正文")
    change = apology.send(walk.ticket, command, letter, OPERATOR, walk.clock.now())
    assert change.ticket.apology_mailed_at is not None and change.ticket.status is walk.ticket.status
    assert change.event.action == "apology"
    assert {k: change.event.detail[k] for k in ("delivery", "letter_subject", "letter")} == {
        "delivery": "mail",
        "letter_subject": "致歉信",
        "letter": "正文",
    }
    with pytest.raises(IllegalTransition) as again:
        apology.check_may_send(change.ticket, _send(change.ticket.version), OPERATOR)
    assert (again.value.field, again.value.code) == ("delivery", "apology_already_mailed")
    apology.check_may_send(change.ticket, _send(change.ticket.version, "print"), OPERATOR)  # reprinting is fine


def test_mail_needs_the_clients_address_and_an_engineer_sends_nothing() -> None:
    walk = _complaint(email=None)
    with pytest.raises(InvalidInput) as refused:
        apology.check_may_send(walk.ticket, _send(walk.ticket.version), OPERATOR)
    assert (refused.value.field, refused.value.code) == ("delivery", "apology_no_address")
    apology.check_may_send(walk.ticket, _send(walk.ticket.version, "print"), OPERATOR)
    with pytest.raises(Forbidden):
        apology.check_may_send(walk.ticket, _send(walk.ticket.version, "print"), ENGINEER)


def test_a_template_names_only_known_placeholders_in_both_languages() -> None:
    good = {"subject": "致歉 {number}", "body": "尊敬的{client}"}
    ApologyTemplates.model_validate({"templates": {"zh-CN": good, "en": good}})
    with pytest.raises(ValidationError, match="apology_placeholder_unknown"):
        ApologyTemplate.model_validate({"subject": "x", "body": "Dear {name}"})
    with pytest.raises(ValidationError, match="apology_languages"):
        ApologyTemplates.model_validate({"templates": {"zh-CN": good}})
