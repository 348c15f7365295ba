"""Language negotiation and the message catalogues (zh-CN default, en)."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from frontdesk.api import errors as api_errors
from frontdesk.domain.errors import DomainError, ErrorCode
from frontdesk.i18n import DEFAULT, LANGUAGES, catalogue, message, negotiate, supported
from frontdesk.models import commands as cmd
from frontdesk.models.ticket import Status

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(REPO / "layers/core/frontdesk").rglob("*.py"), *(REPO / "functions").rglob("*.py")])


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("EN-gb", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("fr-FR, en;q=0.5", "en"),
        ("en;q=0.5, zh;q=0.8", "zh-CN"),
        ("zh;q=0.3, en;q=0.7", "en"),
        ("en;q=0.8, zh-CN;q=0.8", "en"),  # equal quality: the order given decides
        ("de, fr", "zh-CN"),
        ("*", "zh-CN"),
        ("en; q=0.4, de; q=0.9", "en"),
        ("en;q=abc, zh;q=0.1", "zh-CN"),  # a malformed weight counts as zero
        (" en ", "en"),
    ],
)
def test_negotiate(header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_a_language_without_a_catalogue_reads_the_default_in_every_mail() -> None:
    assert [supported(language) for language in ("en", "zh-CN", "fr", "")] == ["en", "zh-CN", DEFAULT, DEFAULT]
    assert message("survey.mail.subject", "fr", number="QL-1") == message("survey.mail.subject", DEFAULT, number="QL-1")


def test_negotiate_q_zero_means_not_acceptable() -> None:
    """RFC 9110 §12.4.2: q=0 refuses the language; the default is the answer, not English."""
    assert negotiate("en;q=0, fr") == DEFAULT


def test_default_is_zh_cn() -> None:
    assert DEFAULT == "zh-CN"
    assert LANGUAGES == ("zh-CN", "en")


def test_catalogues_have_the_same_keys() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


@pytest.mark.parametrize("key", sorted(catalogue("en")))
def test_catalogues_use_the_same_placeholders(key: str) -> None:
    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(text) if name}

    assert names(catalogue("zh-CN")[key]) == names(catalogue("en")[key])
    if not key.endswith(".sep"):  # a separator may be empty (Chinese needs no space between units)
        assert catalogue("zh-CN")[key].strip() and catalogue("en")[key].strip()


def _domain_error_codes() -> set[str]:
    assert api_errors.Unauthorized.code  # the API's own DomainError subclasses are registered
    found: set[str] = set()
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        error = pending.pop()
        found.add(error.code)
        pending.extend(error.__subclasses__())
    return found


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text("utf-8")
        found.update(re.findall(r"\bcode=\"([a-z_]+)\"", text))
    return found


def _validator_codes() -> set[str]:
    """Codes the models' validators raise (``ValueError("email_invalid")``): field errors people read."""
    return {code for path in SOURCES for code in re.findall(r"ValueError\(\"([a-z_]+)\"\)", path.read_text("utf-8"))}


RAISED = sorted(_domain_error_codes() | set(ErrorCode) | _codes_in_source() | _validator_codes())


def test_every_refusal_names_an_error_code_member_not_a_string() -> None:
    stringly = [p.name for p in SOURCES if re.search(r"\bcode( =|=)\s*\"[a-z_]+\"", p.read_text("utf-8"))]
    assert stringly == []


def test_the_source_scan_finds_the_codes() -> None:
    assert {"forbidden", "illegal_transition", "quote_required", "json_invalid", "idempotency_key_reused"} <= set(
        RAISED
    )
    assert {"bidi_control", "control_characters", "email_invalid"} <= _validator_codes()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", RAISED)
def test_every_error_code_the_code_raises_has_a_message(code: str, language: str) -> None:
    assert code in catalogue(language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_name(status: Status, language: str) -> None:
    assert f"status.{status.value}" in catalogue(language)


# Malformed bodies a form or a console can send: every validation error code needs a message.
MALFORMED: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (cmd.Arrive, {}),
    (cmd.Arrive, {"version": "abc"}),
    (cmd.Arrive, {"version": 0}),
    (cmd.Arrive, {"version": 1.5}),
    (cmd.Arrive, {"version": 1, "extra": 1}),
    (cmd.Acceptance, {"version": 1, "satisfied": "maybe", "rating": 9}),
    (cmd.Acceptance, {"version": 1, "satisfied": True, "rating": 4.5}),
    (cmd.Dispatch, {"version": 1, "assignee": 7, "department": "plumbers"}),
    (cmd.QuoteIn, {"version": 1, "lines": [], "tax_cents": -1, "labour_cents": 0}),
    (cmd.QuoteIn, {"version": 1, "lines": "tap", "tax_cents": 0, "labour_cents": 0}),
    (cmd.QuoteIn, {"version": 1, "lines": ["tap"], "tax_cents": 0, "labour_cents": 0}),
    (cmd.Reschedule, {"version": 1, "new_arrival": "tomorrow", "agreed_with": "张三", "contact_method": "fax"}),
    (cmd.Reschedule, {"version": 1, "new_arrival": "2026-11-22T10:00", "agreed_with": "张", "contact_method": "sms"}),
    (cmd.NewTicket, {"site_id": "q l", "kind": "paid_service", "description": " ", "contact_phone": "12"}),
    (cmd.NewTicket, {"building_id": ["x"], "contact_name": "n" * 61, "contact_email": "bad", "language": "fr"}),
]


def _error_types() -> list[object]:
    cases: list[object] = []
    for model, body in MALFORMED:
        try:
            model.model_validate(body)
        except ValidationError as invalid:
            for error in invalid.errors():
                kind = error["type"]
                if kind == "value_error":
                    kind = str(error["ctx"]["error"])
                cases.append(pytest.param(kind, id=f"{model.__name__}-{'.'.join(map(str, error['loc']))}-{kind}"))
        else:
            raise AssertionError(f"{model.__name__} accepted {body}")
    return cases


@pytest.mark.parametrize("code", _error_types())
def test_every_validation_error_code_has_a_message_in_both_languages(code: str) -> None:
    assert code in catalogue("zh-CN")
    assert code in catalogue("en")


def test_message_fills_parameters_and_names_the_status_in_the_language() -> None:
    assert (
        message("illegal_transition", "en", status="dispatched")
        == "Not possible while the ticket is “Engineer dispatched”."
    )
    assert "已派工" in message("illegal_transition", "zh-CN", status="dispatched")
    assert "2000" in message("string_too_long", "en", max_length=2000)


def test_message_falls_back_to_the_default_language_and_generic_text() -> None:
    assert message("forbidden", "fr") == catalogue("zh-CN")["forbidden"]
    assert message("no_such_code", "en") == catalogue("en")["invalid"]
    assert message("reschedule_not_later", "en") == "The new arrival time must be later than the current deadline ()."
