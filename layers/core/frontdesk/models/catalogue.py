"""What the pages show and check, served from the models that enforce it (GET /public/catalogue).

The tenant form and the staff console repeat none of it: kinds, categories, departments, the
length limits and the patterns they check before sending all come from here, so a category added
to ``CATEGORIES`` appears in both pages and a limit changed in ``commands`` changes their checks.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel

from frontdesk.domain.evidence import MAX_BYTES, MAX_PHOTOS
from frontdesk.domain.intake import FIRE
from frontdesk.models import apology, campaign, canned, corrective, incident, parcels
from frontdesk.models import callback as cb
from frontdesk.models import commands as cmd
from frontdesk.models import identifiers as ids
from frontdesk.models.callback_reason import CallbackReason
from frontdesk.models.duty import MAX_TEXT as MAX_DUTY_TEXT
from frontdesk.models.duty import DutyCategory, PageId, SignOut
from frontdesk.models.duty_roster import Month
from frontdesk.models.frozen import Frozen
from frontdesk.models.incident import INCIDENT_CATEGORIES, IncidentSeverity
from frontdesk.models.key_audit import CheckKey, Finding
from frontdesk.models.keys import (
    Emergency,
    IdDocument,
    NewKey,
    PermissionBy,
    ReturnKey,
    SealNumber,
    TakeKey,
    TellClient,
)
from frontdesk.models.mailing import EMAIL_SHAPE, MAX_EMAIL
from frontdesk.models.parcels import IdDocument as PickupDocument
from frontdesk.models.parcels import IdTail, ParcelKind, TrackingNo
from frontdesk.models.photo import OwnerKind, UploadRequest
from frontdesk.models.ticket import CATEGORIES, Department, DisabledOccupants, Kind, Severity
from frontdesk.models.views import BoardSearch


class Limits(Frozen):
    text: int
    short_text: int
    name: int
    unit: int
    email: int
    photos_per_ticket: int
    photos_per_report: int
    photo_mb: int
    duty_text: int


class Patterns(Frozen):
    """Regular expressions the pages may test before sending (the API checks them again)."""

    phone: str
    email: str
    duty_page: str  # a duty page's id: the console's staff#duty=<page> links
    seal_number: str  # an emergency key's seal number
    roster_month: str  # a duty roster's month: the console's staff#roster=<month> links
    site_id: str  # the console's staff#callbacks=<site> and staff#quarterly=<site>/<quarter> links
    quarter: str
    ticket_id: str  # the console's staff#ticket=<id> links (the mails')
    report_id: str  # an incident report's: the console's staff#report=<id> links
    tracking_token: str  # a tracking or survey link's token, its length too (track#<token>, survey#<token>)


def _pattern(shape: object) -> str:
    """The pattern of an ``Annotated[str, StringConstraints(pattern=...)]``."""
    (constraints,) = get_args(shape)[1:]
    return str(constraints.pattern)


def _sized(pattern: str, shortest: int, longest: int) -> str:
    """A pattern of one character class repeated (``^[…]+$``), its length bounded: one test for the page."""
    return pattern.removesuffix("+$") + f"{{{shortest},{longest}}}$"


# A pattern of one character class repeated {m,n} times: n is its longest value.
_LONGEST = re.compile(r"\{\d+,(\d+)\}\$$")


class FormRules(Frozen):
    """What the API checks of one console form, by each field's path in its body (``lines.*.item``
    for a list's items): the page sets its inputs' limits from here and keeps no copy."""

    max_length: dict[str, int]  # a text's longest value
    maximum: dict[str, int]  # a number's largest (an amount in fen)
    minimum: dict[str, int]  # the smallest of a number that has a largest (a rating's 1 of 1…5)
    choices: dict[str, list[str]]  # what a select offers: the values the field takes
    max_items: dict[str, int]  # a list's most rows (``lines``: the quote's lines)


def _form(*models: type[BaseModel]) -> FormRules:
    """What the API checks of a form's fields, read from the models' schemas (the ones it validates
    with): the text fields' longest values, the numbers' ranges and the choices' values, by the
    field's path."""
    found = FormRules(max_length={}, maximum={}, minimum={}, choices={}, max_items={})
    for model in models:
        schema = model.model_json_schema()
        _walk(schema, schema.get("$defs", {}), "", found)
    return found


def _walk(node: dict[str, Any], defs: dict[str, Any], prefix: str, found: FormRules) -> None:
    for name, field in node.get("properties", {}).items():
        for option in field.get("anyOf", [field]):
            path = prefix + name
            if "items" in option:  # a list's: ``lines.*.item``
                if "maxItems" in option:
                    found.max_items[path] = option["maxItems"]
                option, path = option["items"], path + ".*"
            if "$ref" in option:
                option = defs[option["$ref"].rsplit("/", 1)[-1]]
                if "enum" not in option:
                    _walk(option, defs, f"{path}.", found)
            if "enum" in option:
                found.choices[path] = list(option["enum"])
            elif "maxLength" in option:
                found.max_length[path] = option["maxLength"]
            elif longest := _LONGEST.search(option.get("pattern", "")):
                found.max_length[path] = int(longest[1])
            elif "maximum" in option:
                found.maximum[path] = option["maximum"]
                if "minimum" in option:
                    found.minimum[path] = option["minimum"]


class CallbackRules(Frozen):
    """What the console's callback form offers (frontdesk.models.callback)."""

    reasons: list[CallbackReason]
    methods: list[cb.Method]
    results: list[cb.Result]
    survey_results: list[cb.Result]  # what the client may answer by the survey link
    mark_min: int
    mark_max: int
    text: int
    unreachable_days: int


class ParcelRules(Frozen):
    """What the console's parcel register offers and checks (frontdesk.models.parcels)."""

    kinds: list[ParcelKind]
    id_documents: list[PickupDocument]  # a campus card too, unlike a key's outsider
    tracking_no: str
    id_tail: str
    name: int  # the recipient's name, the name signed on pickup
    short_text: int  # the courier, the tracking number
    id_tail_length: int


class SurveyRules(Frozen):
    """The semi-annual survey campaign's months and target (frontdesk.models.campaign)."""

    campaign_months: list[int]
    target_percent: int


class KeyRules(Frozen):
    """What the console's emergency key forms offer (frontdesk.models.keys, frontdesk.models.key_audit)."""

    emergencies: list[Emergency]  # the only reasons for the override
    permission_ways: list[PermissionBy]
    id_documents: list[IdDocument]
    findings: list[Finding]
    max_length: dict[str, int]  # by the field's path in the forms' bodies (``outsider.name``)
    maximum: dict[str, int]  # the deposits' largest amounts (fen), by the same paths


# The console's forms whose limits are served (``forms``), each by the models its body is checked with.
_FORMS: dict[str, tuple[type[BaseModel], ...]] = {
    "reschedule": (cmd.Reschedule,),
    "agree_reply": (cmd.AgreeReply,),
    "quote": (cmd.QuoteIn,),
    "reply": (cmd.Reply,),
    "apology": (apology.SendApology,),
    "corrective": (corrective.WriteCorrectiveAction,),
    "verify_corrective": (corrective.VerifyCorrectiveAction,),
    "canned_replies": (canned.CannedRepliesIn,),
    "incident_report": (incident.NewIncidentReport, incident.UpdateIncidentReport),
    "duty_sign_out": (SignOut,),
    "photo_upload": (UploadRequest,),  # the tenant's pages' too
    "acceptance": (cmd.Acceptance,),  # the tracking page's
    "answer": (cmd.Said,),  # the tracking page's answer to the desk
    "board_search": (BoardSearch,),  # the board's search box and assignee filter (query parameters)
}


R = TypeVar("R", bound=Frozen)


def _offering(rules: type[R], **given: Any) -> R:
    """``rules`` with each of its ``list[<an enum>]`` fields that is not given holding every value of
    the enum, in its order: what a page offers is the enum the model takes, never a copy of it (a
    field that offers fewer, as the desk's callback methods, is given)."""
    for name, info in rules.model_fields.items():
        item = get_args(info.annotation)[0] if get_origin(info.annotation) is list else None
        if name not in given and isinstance(item, type) and issubclass(item, Enum):
            given[name] = list(item)
    return rules(**given)


class Catalogue(Frozen):
    kinds: list[Kind]
    public_kinds: list[Kind]
    intake_channels: list[str]  # how a ticket the desk takes came in (phone, walk-in, letter)
    categories: dict[Kind, list[str]]
    departments: list[Department]
    severities: list[Severity]
    disabled_occupants: list[DisabledOccupants]
    fire_category: str  # the emergency whose intake asks about occupants with disabilities
    incident_categories: list[str]
    incident_severities: list[IncidentSeverity]
    duty_categories: list[DutyCategory]
    limits: Limits
    patterns: Patterns
    callbacks: CallbackRules
    parcels: ParcelRules
    surveys: SurveyRules
    keys: KeyRules
    forms: dict[str, FormRules]  # by the form's name (a ticket action's is the action's)


def catalogue() -> Catalogue:
    key_forms = _form(NewKey, TakeKey, ReturnKey, TellClient, CheckKey)
    return _offering(
        Catalogue,
        public_kinds=[Kind(kind) for kind in get_args(cmd.NewTicket.model_fields["kind"].annotation)],
        intake_channels=list(get_args(cmd.StaffNewTicket.model_fields["channel"].annotation)),
        categories={kind: list(CATEGORIES[kind]) for kind in Kind},
        fire_category=FIRE,
        incident_categories=list(INCIDENT_CATEGORIES),
        limits=Limits(
            text=cmd.MAX_TEXT,
            short_text=cmd.MAX_SHORT,
            name=cmd.MAX_NAME,
            unit=cmd.MAX_UNIT,
            email=MAX_EMAIL,
            photos_per_ticket=MAX_PHOTOS[OwnerKind.TICKET],
            photos_per_report=MAX_PHOTOS[OwnerKind.REPORT],
            photo_mb=MAX_BYTES // (1024 * 1024),
            duty_text=MAX_DUTY_TEXT,
        ),
        patterns=Patterns(
            phone=cmd.PHONE_PATTERN,
            email=EMAIL_SHAPE,
            duty_page=_pattern(PageId),
            seal_number=_pattern(SealNumber),
            roster_month=_pattern(Month),
            site_id=ids.SITE_ID,
            quarter=ids.QUARTER,
            ticket_id=ids.HEX_ID,
            report_id=ids.REPORT_ID,
            tracking_token=_sized(ids.TRACKING_TOKEN, ids.TOKEN_MIN_LENGTH, ids.TOKEN_MAX_LENGTH),
        ),
        callbacks=_offering(
            CallbackRules,
            methods=list(cb.DESK_METHODS),
            survey_results=list(get_args(cb.SurveyIn.model_fields["result"].annotation)),
            mark_min=cb.MIN_MARK,
            mark_max=cb.MAX_MARK,
            text=cb.MAX_TEXT,
            unreachable_days=cb.UNREACHABLE_DAYS,
        ),
        parcels=_offering(
            ParcelRules,
            tracking_no=_pattern(TrackingNo),
            id_tail=_pattern(IdTail),
            name=parcels.MAX_NAME,
            short_text=parcels.MAX_SHORT,
            id_tail_length=parcels.ID_TAIL,
        ),
        surveys=SurveyRules(campaign_months=list(campaign.CAMPAIGN_MONTHS), target_percent=campaign.TARGET_PERCENT),
        keys=_offering(
            KeyRules,
            max_length=key_forms.max_length,
            maximum=key_forms.maximum,
        ),
        forms={name: _form(*models) for name, models in _FORMS.items()},
    )
