"""Domain errors carry a machine-readable code, the field at fault and message parameters.

The text a person reads comes from the message catalogue (frontdesk.i18n), in their language.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, field: str | None = None, code: str | None = None, **params: str | int) -> None:
        self.field = field
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(f"{self.code} field={field} {params}")


class InvalidInput(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


class VersionConflict(DomainError):
    status = 409
    code = "version_conflict"
