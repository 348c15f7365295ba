"""Domain errors carry a machine-readable code, the field at fault and message parameters.

The text a person reads comes from the message catalogue (frontdesk.i18n), in their language.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every code the domain and the use cases refuse with; each has a message in both catalogues
    (frontdesk/i18n/*.json, checked by tests/unit/test_i18n.py)."""

    ANSWER_CLOSED = "answer_closed"
    ANSWER_LIMIT = "answer_limit"
    CALLBACK_CLOSED = "callback_closed"
    CALLBACK_FIELD_REQUIRED = "callback_field_required"
    CALLBACK_NOT_FOUND = "callback_not_found"
    CALLBACK_SATISFIED_WITH_DEFECT = "callback_satisfied_with_defect"
    CALLBACK_TICKET_IN_WORK = "callback_ticket_in_work"
    CALLBACK_VERSION_CONFLICT = "callback_version_conflict"
    CALLBACK_SAME_ASSIGNEE = "callback_same_assignee"
    CALLBACK_NOT_DESK = "callback_not_desk"
    DRAW_MONTH_OPEN = "draw_month_open"
    DRAW_NOT_FOUND = "draw_not_found"
    DRAW_NOT_MANAGER = "draw_not_manager"
    DRAW_NOT_ENGINEER = "draw_not_engineer"
    CANNED_REPLIES_CONFLICT = "canned_replies_conflict"
    DUTY_ENTRY_NOT_FOUND = "duty_entry_not_found"
    DUTY_IN_FUTURE = "duty_in_future"
    DUTY_PAGE_CLOSED = "duty_page_closed"
    DUTY_PAGE_NOT_FOUND = "duty_page_not_found"
    DUTY_VERSION_CONFLICT = "duty_version_conflict"
    ROSTER_DAY_OUTSIDE_MONTH = "roster_day_outside_month"
    ROSTER_NOT_DESK = "roster_not_desk"
    ROSTER_NOT_DUTY_MANAGER = "roster_not_duty_manager"
    ROSTER_SLOT_TWICE = "roster_slot_twice"
    ROSTER_UNKNOWN_PERSON = "roster_unknown_person"
    ROSTER_VERSION_CONFLICT = "roster_version_conflict"
    KEY_AFTER_HOURS = "key_after_hours"
    KEY_ESCORT_SELF = "key_escort_self"
    KEY_EXISTS = "key_exists"
    KEY_IN_FUTURE = "key_in_future"
    KEY_NOT_FOUND = "key_not_found"
    KEY_NOT_OUT = "key_not_out"
    KEY_OUT = "key_out"
    KEY_PERMISSION_OR_OVERRIDE = "key_permission_or_override"
    KEY_SEAL_REUSED = "key_seal_reused"
    KEY_NO_OVERRIDE = "key_no_override"
    KEY_CLIENT_TOLD = "key_client_told"
    KEY_TOLD_BEFORE_USE = "key_told_before_use"
    KEY_USE_NOT_FOUND = "key_use_not_found"
    KEY_DEPOSIT_REQUIRED = "key_deposit_required"
    KEY_DEPOSIT_NOT_TAKEN = "key_deposit_not_taken"
    KEY_DEPOSIT_TOO_MUCH = "key_deposit_too_much"
    KEY_DEPOSIT_WITHHELD_REASON = "key_deposit_withheld_reason"
    KEY_AUDIT_NOT_FOUND = "key_audit_not_found"
    KEY_AUDIT_OUTSIDE_WINDOW = "key_audit_outside_window"
    KEY_AUDIT_STARTED = "key_audit_started"
    KEY_AUDIT_NOT_STARTED = "key_audit_not_started"
    KEY_AUDIT_FILED = "key_audit_filed"
    KEY_AUDIT_UNKNOWN_KEY = "key_audit_unknown_key"
    KEY_AUDIT_CHECKED = "key_audit_checked"
    KEY_AUDIT_INCOMPLETE = "key_audit_incomplete"
    KEY_AUDIT_SEAL_SEEN = "key_audit_seal_seen"
    PARCEL_COLLECTED = "parcel_collected"
    PARCEL_NOT_FOUND = "parcel_not_found"
    PARCEL_NOT_TO_PHONE = "parcel_not_to_phone"
    PARCEL_VERSION_CONFLICT = "parcel_version_conflict"
    HANDOVER_NOT_READY = "handover_not_ready"
    HANDOVER_SAME_PERSON = "handover_same_person"
    DUPLICATE_CLOSED = "duplicate_closed"
    DUPLICATE_LIMIT = "duplicate_limit"
    DUPLICATE_OF_ITSELF = "duplicate_of_itself"
    DUPLICATE_OTHER_SITE = "duplicate_other_site"
    DUPLICATE_PRIMARY_INVALID = "duplicate_primary_invalid"
    EVIDENCE_ORIGINAL_MISSING = "evidence_original_missing"
    EVIDENCE_PACK_NOT_FOUND = "evidence_pack_not_found"
    EVIDENCE_PACK_TOO_LARGE = "evidence_pack_too_large"
    EVIDENCE_UPLOAD_NOT_FOUND = "evidence_upload_not_found"
    EVIDENCE_VERIFY_ONE = "evidence_verify_one"
    FORBIDDEN = "forbidden"
    HANDLE_FIRST = "handle_first"
    HANDOVER_REASON_REQUIRED = "handover_reason_required"
    ILLEGAL_TRANSITION = "illegal_transition"
    MFA_REQUIRED = "mfa_required"
    INCIDENT_FIELD_REQUIRED = "incident_field_required"
    INCIDENT_IN_FUTURE = "incident_in_future"
    INCIDENT_MANAGERS_ONLY = "incident_managers_only"
    INCIDENT_NOT_SUBMITTED = "incident_not_submitted"
    INCIDENT_OWN_REPORT = "incident_own_report"
    INCIDENT_PLACE_REQUIRED = "incident_place_required"
    INCIDENT_REPORT_NOT_FOUND = "incident_report_not_found"
    INCIDENT_REPORT_SUBMITTED = "incident_report_submitted"
    INCIDENT_TICKET_OTHER_SITE = "incident_ticket_other_site"
    INCIDENT_VERSION_CONFLICT = "incident_version_conflict"
    INVALID = "invalid"
    MAILING_LIST_FULL = "mailing_list_full"
    MAILING_LIST_UNKNOWN = "mailing_list_unknown"
    MAILING_MEMBER_NOT_FOUND = "mailing_member_not_found"
    NOT_FOUND = "not_found"
    NOTE_REQUIRED = "note_required"
    NUMBERING_BUSY = "numbering_busy"
    PHOTO_LIMIT_REACHED = "photo_limit_reached"
    PHOTO_TOO_LARGE = "photo_too_large"
    PHOTO_TYPE_NOT_ALLOWED = "photo_type_not_allowed"
    PHOTO_UPLOADS_CLOSED = "photo_uploads_closed"
    QUOTE_REQUIRED = "quote_required"
    REPLY_BY_NOT_FOR_KIND = "reply_by_not_for_kind"
    REPLY_BY_OUT_OF_RANGE = "reply_by_out_of_range"
    RESCHEDULE_AFTER_DEADLINE = "reschedule_after_deadline"
    RESCHEDULE_NOT_LATER = "reschedule_not_later"
    SAME_ASSIGNEE = "same_assignee"
    SAMPLE_NOT_FOUND = "sample_not_found"
    SURVEY_NOT_FOUND = "survey_not_found"
    SAMPLE_WEEK_INVALID = "sample_week_invalid"
    CAMPAIGN_ANSWERED = "campaign_answered"
    CAMPAIGN_CLOSED = "campaign_closed"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_NO_UNITS = "campaign_no_units"
    SITE_NOT_FOUND = "site_not_found"
    TICKET_NOT_FOUND = "ticket_not_found"
    UNIT_OR_LOCATION_REQUIRED = "unit_or_location_required"
    UNKNOWN_BUILDING = "unknown_building"
    UNKNOWN_CATEGORY = "unknown_category"
    COMPLAINT_FIELD_ONLY = "complaint_field_only"
    DISABLED_OCCUPANTS_REQUIRED = "disabled_occupants_required"
    FIRE_FIELD_ONLY = "fire_field_only"
    LINKED_REPAIRS_FULL = "linked_repairs_full"
    ALREADY_REPLIED = "already_replied"
    REPLY_NOT_APPROVED = "reply_not_approved"
    NO_DRAFT_TO_APPROVE = "no_draft_to_approve"
    NOT_A_WRITTEN_COMPLAINT = "not_a_written_complaint"
    OUR_FAULT_NEEDS_VALID = "our_fault_needs_valid"
    APOLOGY_NOT_OWED = "apology_not_owed"
    APOLOGY_NO_ADDRESS = "apology_no_address"
    APOLOGY_ALREADY_MAILED = "apology_already_mailed"
    CORRECTIVE_NOT_MAJOR = "corrective_not_major"
    CORRECTIVE_VERIFIED = "corrective_verified"
    CORRECTIVE_DUE_OUT_OF_RANGE = "corrective_due_out_of_range"
    CORRECTIVE_NOT_FOUND = "corrective_not_found"
    REPLY_AFTER_DEADLINE = "reply_after_deadline"
    UNKNOWN_ENGINEER = "unknown_engineer"
    UNKNOWN_UNIT = "unknown_unit"
    VERSION_CONFLICT = "version_conflict"
    # the API's own refusals (frontdesk.api): the body, the caller, the idempotency key
    JSON_TOO_DEEP = "json_too_deep"
    JSON_NUMBER_TOO_LONG = "json_number_too_long"
    JSON_INVALID = "json_invalid"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    UNAUTHORIZED = "unauthorized"
    VALIDATION_FAILED = "validation_failed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    INTERNAL = "internal"
    BUSY = "busy"
    BODY_TOO_LARGE = "body_too_large"
    BODY_ENCODING = "body_encoding"


class DomainError(Exception):
    """A refusal people read: an HTTP status, a code the catalogue names, the field it concerns.

    A refusal is declared in one line: ``class NotFound(DomainError, code=ErrorCode.NOT_FOUND, status=404)``.
    """

    status = 400
    code: ErrorCode = ErrorCode.INVALID

    def __init_subclass__(cls, *, code: ErrorCode | None = None, status: int | None = None) -> None:
        super().__init_subclass__()
        if code is not None:
            cls.code = code
        if status is not None:
            cls.status = status

    def __init__(self, field: str | None = None, code: ErrorCode | None = None, **params: str | int) -> None:
        self.field = field
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} field={field} {params}")


class InvalidInput(DomainError, code=ErrorCode.INVALID, status=400): ...


class NotFound(DomainError, code=ErrorCode.NOT_FOUND, status=404): ...


class Forbidden(DomainError, code=ErrorCode.FORBIDDEN, status=403): ...


class SecondFactorRequired(DomainError, code=ErrorCode.MFA_REQUIRED, status=403):
    """A manager signed in without TOTP set up, where the site requires it (docs/decisions/0025)."""


class IllegalTransition(DomainError, code=ErrorCode.ILLEGAL_TRANSITION, status=409): ...


class VersionConflict(DomainError, code=ErrorCode.VERSION_CONFLICT, status=409): ...


class Busy(DomainError, code=ErrorCode.BUSY, status=503):
    """The table refused for now (throttled, after the SDK's own retries): nothing was written."""
