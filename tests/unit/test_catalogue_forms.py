"""The console forms' limits the catalogue serves (``forms``) are the models' own constraints: a limit
changed in a model changes what the console's inputs allow, and the pages keep no copy of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from frontdesk.app.tokens import could_be_token, new_token
from frontdesk.models import commands as cmd
from frontdesk.models.apology import SendApology
from frontdesk.models.canned import CannedRepliesIn, CannedReply
from frontdesk.models.catalogue import catalogue
from frontdesk.models.corrective import WriteCorrectiveAction
from frontdesk.models.duty import SignOut
from frontdesk.models.identifiers import TRACKING_TOKEN
from frontdesk.models.incident import NewIncidentReport
from frontdesk.models.keys import DepositBack, Outsider
from frontdesk.models.photo import UploadRequest
from frontdesk.models.views import BoardSearch

ASSETS = Path(__file__).resolve().parents[2] / "functions/public_api/web/assets"
OPENAPI = Path(__file__).resolve().parents[2] / "docs/openapi/staff.json"


def constraint(model: type[BaseModel], name: str, kind: str) -> int:
    """The field's ``max_length`` or ``le``, read from the model's own metadata (not its schema); an
    optional field's (``Name | None``) from its type's."""
    info = model.model_fields[name]
    metadata = info.metadata or [m for t in get_args(info.annotation) for m in getattr(t, "__metadata__", ())]
    found = [getattr(m, kind) for m in metadata if getattr(m, kind, None) is not None]
    assert len(found) == 1, (model.__name__, name, kind)
    value: int = found[0]
    return value


@pytest.mark.parametrize(
    ("form", "path", "model", "name"),
    [
        ("corrective", "owner", WriteCorrectiveAction, "owner"),
        ("apology", "signatory", SendApology, "signatory"),
        ("reschedule", "agreed_with", cmd.Reschedule, "agreed_with"),
        ("agree_reply", "agreed_with", cmd.AgreeReply, "agreed_with"),
        ("quote", "lines.*.item", cmd.QuoteLineIn, "item"),
        ("canned_replies", "replies.*.title_zh", CannedReply, "title_zh"),
        ("canned_replies", "replies.*.title_en", CannedReply, "title_en"),
        ("incident_report", "place", NewIncidentReport, "place"),
        ("incident_report", "police_file_number", NewIncidentReport, "police_file_number"),
        ("incident_report", "reported_by_name", NewIncidentReport, "reported_by_name"),
        ("photo_upload", "filename", UploadRequest, "filename"),
        ("acceptance", "comment", cmd.Acceptance, "comment"),
        ("answer", "text", cmd.Said, "text"),
        ("board_search", "q", BoardSearch, "q"),
        ("board_search", "assignee", BoardSearch, "assignee"),
    ],
)
def test_each_form_field_is_served_the_models_longest_value(
    form: str, path: str, model: type[BaseModel], name: str
) -> None:
    assert catalogue().forms[form].max_length[path] == constraint(model, name, "max_length")


@pytest.mark.parametrize(
    ("form", "path", "model", "name"),
    [
        ("quote", "lines.*.amount_cents", cmd.QuoteLineIn, "amount_cents"),
        ("quote", "tax_cents", cmd.QuoteIn, "tax_cents"),
        ("quote", "labour_cents", cmd.QuoteIn, "labour_cents"),
        ("duty_sign_out", "cash_cents", SignOut, "cash_cents"),
    ],
)
def test_each_amount_is_served_the_models_ceiling(form: str, path: str, model: type[BaseModel], name: str) -> None:
    assert catalogue().forms[form].maximum[path] == constraint(model, name, "le")


@pytest.mark.parametrize(
    ("form", "path", "model", "name"),
    [("quote", "lines", cmd.QuoteIn, "lines"), ("canned_replies", "replies", CannedRepliesIn, "replies")],
)
def test_each_list_is_served_the_models_most_rows(form: str, path: str, model: type[BaseModel], name: str) -> None:
    """The quote's lines and the canned replies: the console stops adding rows at the model's cap."""
    assert catalogue().forms[form].max_items[path] == constraint(model, name, "max_length")


@pytest.mark.parametrize("name", ["q", "assignee"])
def test_the_board_search_route_checks_the_limits_served_to_the_console(name: str) -> None:
    """The search's query parameters (the staff API's own document) take what the catalogue serves."""
    document = json.loads(OPENAPI.read_text("utf-8"))
    (parameter,) = [p for p in document["paths"]["/staff/tickets/search"]["get"]["parameters"] if p["name"] == name]
    assert parameter["schema"]["maxLength"] == catalogue().forms["board_search"].max_length[name]


def literal_values(annotation: Any) -> list[str]:
    """The values of a ``Literal`` field, an optional one's too (``Language | None``)."""
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    return [value for arg in get_args(annotation) for value in literal_values(arg)]


@pytest.mark.parametrize(
    ("form", "name", "model"),
    [
        ("reschedule", "contact_method", cmd.Reschedule),
        ("agree_reply", "contact_method", cmd.AgreeReply),
        ("reply", "method", cmd.Reply),
        ("apology", "delivery", SendApology),
        ("apology", "language", SendApology),
    ],
)
def test_each_select_offers_the_values_the_model_takes(form: str, name: str, model: type[BaseModel]) -> None:
    offered = catalogue().forms[form].choices[name]
    assert offered == literal_values(model.model_fields[name].annotation) and offered


def test_the_acceptance_offers_the_models_marks() -> None:
    served = catalogue().forms["acceptance"]
    rating = (served.minimum["rating"], served.maximum["rating"])
    assert rating == (constraint(cmd.Acceptance, "rating", "ge"), constraint(cmd.Acceptance, "rating", "le"))


def test_the_key_deposits_are_served_the_models_ceilings() -> None:
    """The deposit taken from an outsider and the one refunded: the key forms' only amounts."""
    served = catalogue().keys.maximum
    assert served == {
        "outsider.deposit_fen": constraint(Outsider, "deposit_fen", "le"),
        "deposit.refunded_fen": constraint(DepositBack, "refunded_fen", "le"),
    }


def test_a_report_draft_and_a_new_report_are_served_one_set_of_limits() -> None:
    """Both bodies of the report form (new, and a draft's update) take the same fields' lengths."""
    served = catalogue().forms["incident_report"].max_length
    assert served["place"] == 200 and served["details"] == cmd.MAX_TEXT


def test_the_console_forms_type_none_of_the_served_limits() -> None:
    """The forms moved to the catalogue keep no number of their own (each had one: 60, 40, 200 …)."""
    for name in ("staff-corrective.js", "staff-actions.js", "staff-canned.js", "staff-report-edit.js", "staff-duty.js"):
        text = (ASSETS / name).read_text("utf-8")
        assert re.findall(r"\bmax: \d", text) == [], name
    actions = (ASSETS / "staff-actions.js").read_text("utf-8")
    assert r"\d{1," not in actions, "the quote's amounts are checked against the served ceiling"
    assert re.findall(r'options: \["(?!true|false)', actions) == [], "a select's values: the model's, served"
    board = (ASSETS / "staff-board.js").read_text("utf-8")
    assert "slice(0, 1" not in board, "a linked view's search text: the served limit"
    page = (ASSETS.parent / "staff.html").read_text("utf-8")
    assert re.findall(r'id="board-(?:q|assignee)"[^>]*maxlength', page) == [], "the board's: served"
    for name in ("staff-actions.js", "staff-canned.js"):
        assert re.findall(r"\b30\b", (ASSETS / name).read_text("utf-8")) == [], "a list's cap (30): served"
    people = (ASSETS / "staff-people.js").read_text("utf-8")
    assert re.findall(r"maxlength: \d", people) == [], "the engineer search is as long as a name"


# A new token is random: its id is fixed, so every run (and every xdist worker) collects the same tests.
@pytest.mark.parametrize(
    "token",
    [pytest.param(new_token(), id="new_token"), "a" * 15, "a" * 16, "a" * 64, "a" * 65, "a" * 20 + "#", "", "Ab_-" * 4],
)
def test_the_served_token_pattern_takes_what_the_api_looks_up(token: str) -> None:
    """track#<token> and survey#<token>: the page tests the shape the API's path takes, length too."""
    served = re.fullmatch(catalogue().patterns.tracking_token, token) is not None
    assert served == (could_be_token(token) and re.fullmatch(TRACKING_TOKEN, token) is not None)


def test_the_tenant_pages_type_no_token_shape_or_file_name_length() -> None:
    for script in ASSETS.glob("*.js"):
        assert "{16,64}" not in script.read_text("utf-8"), script.name
    assert "slice(0, 200)" not in (ASSETS / "photos.js").read_text("utf-8"), "a photo's file name: the served limit"
    assert "[1, 2, 3, 4, 5]" not in (ASSETS / "track.js").read_text("utf-8"), "the acceptance's marks: the model's"
    assert "maxlength" not in (ASSETS.parent / "track.html").read_text("utf-8"), "the texts' limits: the models'"
