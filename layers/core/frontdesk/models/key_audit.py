"""The monthly key-cabinet audit (钥匙清理统计, 004 QW21-04 §4.5.6): every key of the site checked on
the 25th–27th (present? seal intact? the seal number the register says?), the result filed on the
28th; what does not match is listed as a discrepancy (docs/decisions/0024)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from frontdesk.models.frozen import Frozen, Model
from frontdesk.models.identifiers import HEX_ID
from frontdesk.models.keys import SealNumber

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class AuditState(StrEnum):
    PENDING = "pending"  # the month's audit is due; nobody has started it
    RUNNING = "running"  # started in the window: the keys are being checked
    FILED = "filed"  # the result is in


class Finding(StrEnum):
    MISSING = "missing"  # not in the cabinet, and not out on a registered use
    SEAL_BROKEN = "seal_broken"
    SEAL_MISMATCH = "seal_mismatch"  # the seal on the envelope is not the register's


class AuditedKey(Frozen):
    """A key of the site as the register had it when the audit started."""

    key_id: str
    building_id: str
    unit: str
    seal_number: str
    out: bool = Field(default=False, description="Out on a registered use: not expected in the cabinet")


class CheckKey(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    key_id: str = Field(pattern=HEX_ID)
    present: bool
    seal_intact: bool = Field(default=False, description="Only for a key in the cabinet")
    seal_number_seen: SealNumber | None = Field(default=None, description="Required for a key in the cabinet")
    note: Note = ""


class KeyCheck(Frozen):
    key_id: str
    present: bool
    seal_intact: bool
    seal_number_seen: str | None = None
    note: str = ""
    findings: tuple[Finding, ...] = ()
    checked_by: str
    checked_at: str


class FileAudit(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    note: Note = ""


class Discrepancy(Frozen):
    key_id: str
    building_id: str
    unit: str
    finding: Finding
    expected_seal: str
    seal_seen: str | None = None


class KeyAudit(Frozen):
    site_id: str
    month: str  # YYYY-MM, site-local
    state: AuditState = AuditState.PENDING
    opens_at: str = Field(description="The 25th, 00:00 site-local: the audit may start from then")
    starts_by: str = Field(description="The 28th, 00:00 site-local: it cannot start any later")
    due: str = Field(description="The 28th, end of the day shift site-local: the result filed by then")
    keys: tuple[AuditedKey, ...] = ()
    checks: tuple[KeyCheck, ...] = ()
    started_at: str | None = None
    started_by: str | None = None
    filed_at: str | None = None
    filed_by: str | None = None
    note: str = ""
    discrepancies: tuple[Discrepancy, ...] = ()
    version: int = 1

    @property
    def audit_id(self) -> str:
        return f"{self.site_id}-{self.month}"


class KeyAuditView(Frozen):
    audit: KeyAudit
    unchecked: tuple[str, ...] = Field(default=(), description="Keys of the audit not checked yet")
    discrepancies: tuple[Discrepancy, ...] = Field(default=(), description="So far (the filed list once filed)")
