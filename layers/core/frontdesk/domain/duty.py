"""The duty log's rules (000 §3.9): a page per site and shift, entries chained by hash, nothing altered.

- **Shifts** (000 §1.1): day 08:00–17:30, night 17:30–08:00, in the site's time zone. A night page
  carries the date it began (the night of the 22nd runs to 08:00 on the 23rd).
- **Append only.** An entry is written once; a correction is a new entry naming the one it corrects.
- **The chain.** Each entry's ``hash`` is SHA-256 over the hash before it (the page's start for the
  first) and the entry's own content. The page keeps the last hash (``head``); closing the page writes
  it to the evidence bucket under Object Lock. ``verify`` recomputes every hash and names each entry
  whose content is not what was chained, each broken link and each missing number.
- **After closing**, the page takes no more entries: what happens later goes on the next shift's page.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from frontdesk.clock import deadline_iso, parse_iso, to_iso
from frontdesk.domain.clocks import ClockWrite
from frontdesk.domain.errors import DomainError, ErrorCode, IllegalTransition, InvalidInput
from frontdesk.domain.evolve import evolve
from frontdesk.domain.permissions import DESK, require_staff_in
from frontdesk.domain.shifts import ShiftSpan, shift_at
from frontdesk.models.calendar import DAY_END, DAY_START
from frontdesk.models.clock import Clock
from frontdesk.models.duty import (
    MAX_TEXT,
    CarriedClock,
    CarriedKey,
    CarriedParcel,
    CarriedTicket,
    DutyCategory,
    DutyEntry,
    DutyPage,
    DutyPageView,
    DutyVerification,
    Handover,
    HandoverState,
    NewDutyEntry,
    PageState,
    SignIn,
    SignOut,
)
from frontdesk.models.frozen import project
from frontdesk.models.identifiers import DUTY_PAGE
from frontdesk.models.incident import IncidentReport
from frontdesk.models.keys import KeyUse
from frontdesk.models.on_duty import Shift
from frontdesk.models.parcels import Parcel, ParcelState
from frontdesk.models.site import Site
from frontdesk.models.ticket import TERMINAL, Actor, Kind, Status, Ticket

# Kept 3 years (000 §3.9): the table's TTL and the closing hash's Object Lock (EvidenceRetentionDays).
RETENTION_DAYS: Final = 1095
SYSTEM_AUTHOR: Final = "system"
# Tickets that must be entered (000 §3.9d: complaint calls; thefts, accidents, fights are emergencies).
LOGGED_KINDS: Final = frozenset({Kind.COMPLAINT, Kind.EMERGENCY})

# Emergencies (000 §3.4–3.8) and incident categories as duty-log categories (000 §3.9d).
_BY_EMERGENCY: Final[dict[str, DutyCategory]] = {
    "water_leak": DutyCategory.ACCIDENT,
    "power_cut": DutyCategory.ACCIDENT,
    "fire": DutyCategory.ACCIDENT,
    "explosion_or_suspicious_object": DutyCategory.ACCIDENT,
    "theft_or_robbery": DutyCategory.THEFT,
    "fight": DutyCategory.FIGHT,
    "complaint": DutyCategory.COMPLAINT_CALL,
}


class DutyPageNotFound(DomainError, code=ErrorCode.DUTY_PAGE_NOT_FOUND, status=404): ...


class DutyEntryNotFound(DomainError, code=ErrorCode.DUTY_ENTRY_NOT_FOUND, status=400): ...


# ------------------------------------------------------------------------------------------- shifts


def page_id(site_id: str, day: str, shift: Shift) -> str:
    return f"{site_id}-{day}-{shift.value}"


def genesis(page: str) -> str:
    """The chain's start: tied to the page, so an entry moved from another page breaks it."""
    return hashlib.sha256(f"frontdesk duty page {page}".encode()).hexdigest()


def blank_page(site: Site, span: ShiftSpan) -> DutyPage:
    pid = page_id(site.site_id, span.day, span.shift)
    return DutyPage(
        page_id=pid,
        site_id=site.site_id,
        day=span.day,
        shift=span.shift,
        starts_at=to_iso(span.starts),
        ends_at=to_iso(span.ends),
        head=genesis(pid),
    )


def writing_page(site: Site, now: datetime, stored: Callable[[str], DutyPage | None]) -> DutyPage:
    """The page an entry written now goes on: the running shift's, or the next one's once the
    running shift closed its page (the handover happens before the shift ends). ``stored(page_id)``
    is the stored page or None."""
    span = shift_at(site, now)
    for _ in range(3):
        page = stored(page_id(site.site_id, span.day, span.shift)) or blank_page(site, span)
        if page.state is PageState.OPEN:
            return page
        span = shift_at(site, span.ends)
    raise IllegalTransition(field="site_id", code=ErrorCode.DUTY_PAGE_CLOSED)


_PAGE_ID: Final = re.compile(DUTY_PAGE)


def parse_page_id(pid: str) -> tuple[str, tuple[str, Shift]]:
    """The site and the (day, shift) a page id names; refused (404) if it names none."""
    found = _PAGE_ID.match(pid)
    if found is None:
        raise DutyPageNotFound(field="page_id")
    try:
        site_id, day, shift = found.groups()
        date.fromisoformat(day)
    except ValueError as error:
        raise DutyPageNotFound(field="page_id") from error
    return site_id, (day, Shift(shift))


def shift_of(site: Site, named: tuple[str, Shift]) -> ShiftSpan:
    day, shift = named
    begins = DAY_START if shift is Shift.DAY else DAY_END
    return shift_at(site, datetime.combine(date.fromisoformat(day), begins, ZoneInfo(site.timezone)))


# ------------------------------------------------------------------------------------------- writing


def check_may_write(actor: Actor) -> None:
    require_staff_in(actor, DESK, "duty_log")


def check_may_read(actor: Actor) -> None:
    require_staff_in(actor, DESK, "duty_log")


def _content(entry: DutyEntry) -> str:
    body = entry.model_dump(mode="json", exclude={"hash", "prev_hash"})
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: DutyEntry, prev_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{_content(entry)}".encode()).hexdigest()


def occurred(request: NewDutyEntry, now: datetime) -> str:
    if request.occurred_at is None:
        return to_iso(now)
    moment = parse_iso(request.occurred_at)
    if moment > now + timedelta(minutes=1):
        raise InvalidInput(field="occurred_at", code=ErrorCode.DUTY_IN_FUTURE)
    return to_iso(moment)


def append(
    page: DutyPage,
    request: NewDutyEntry,
    author: str,
    now: datetime,
    *,
    automatic: bool = False,
    source: str | None = None,
) -> tuple[DutyPage, DutyEntry]:
    """The page with one more entry, and that entry (chained to the page's head)."""
    if page.state is not PageState.OPEN:
        raise IllegalTransition(field="page_id", code=ErrorCode.DUTY_PAGE_CLOSED)
    draft = project(
        request,
        DutyEntry,
        page_id=page.page_id,
        site_id=page.site_id,
        seq=page.count + 1,
        written_at=to_iso(now),
        occurred_at=occurred(request, now),
        author=author,
        automatic=automatic,
        source=source,
        prev_hash=page.head,
        hash="",
    )
    entry = evolve(draft, {"hash": entry_hash(draft, page.head)})
    return evolve(page, {"count": entry.seq, "head": entry.hash, "version": page.version + 1}), entry


def close(page: DutyPage, actor: Actor, version: int, now: datetime) -> DutyPage:
    check_may_write(actor)
    if page.state is not PageState.OPEN:
        raise IllegalTransition(field="page_id", code=ErrorCode.DUTY_PAGE_CLOSED)
    if version != page.version:
        raise IllegalTransition(field="version", code=ErrorCode.DUTY_VERSION_CONFLICT)
    return evolve(
        page,
        {
            "state": PageState.CLOSED,
            "closed_at": to_iso(now),
            "closed_by": actor.id,
            "closing_hash": page.head,
            "version": page.version + 1,
        },
    )


def seal(page: DutyPage) -> dict[str, Any]:
    """What the evidence bucket keeps of a closed page: enough to prove it unchanged."""
    return {
        "page_id": page.page_id,
        "site_id": page.site_id,
        "day": page.day,
        "shift": page.shift.value,
        "entries": page.count,
        "closing_hash": page.closing_hash,
        "closed_at": page.closed_at,
        "closed_by": page.closed_by,
    }


def seal_key(page: DutyPage) -> str:
    return f"duty/{page.site_id}/{page.page_id}.json"


def view(page: DutyPage, entries: Sequence[DutyEntry]) -> DutyPageView:
    corrected: dict[int, list[int]] = {}
    for entry in entries:
        if entry.corrects is not None and entry.corrects.page_id == page.page_id:
            corrected.setdefault(entry.corrects.seq, []).append(entry.seq)
    return DutyPageView(
        page=page, entries=tuple(entries), corrected_by={k: tuple(v) for k, v in sorted(corrected.items())}
    )


# ------------------------------------------------------------------------------------------- verifying


def verify(page: DutyPage, entries: Sequence[DutyEntry], sealed_hash: str | None) -> DutyVerification:
    """Recompute the chain: name each entry whose content changed, each broken link, each gap."""
    altered: list[int] = []
    broken: list[int] = []
    by_seq = {entry.seq: entry for entry in entries}
    expected_count = max(page.count, max(by_seq, default=0))
    missing = [seq for seq in range(1, expected_count + 1) if seq not in by_seq]
    prev = genesis(page.page_id)
    for seq in range(1, expected_count + 1):
        entry = by_seq.get(seq)
        if entry is None:
            prev = ""
            continue
        if entry_hash(entry, entry.prev_hash) != entry.hash or entry.page_id != page.page_id or entry.seq != seq:
            altered.append(seq)
        if prev and entry.prev_hash != prev:
            broken.append(seq)
        prev = entry.hash
    last = by_seq.get(page.count)
    head_matches = (last.hash if last else genesis(page.page_id)) == page.head and not missing
    seal_matches = None if sealed_hash is None else sealed_hash == page.head == page.closing_hash
    ok = not altered and not broken and not missing and head_matches and seal_matches is not False
    return DutyVerification(
        page_id=page.page_id,
        ok=ok,
        entries=len(entries),
        altered=tuple(altered),
        broken=tuple(broken),
        missing=tuple(missing),
        head_matches=head_matches,
        sealed=sealed_hash is not None,
        seal_matches=seal_matches,
    )


# ------------------------------------------------------------------------------------------- automatic entries


def ticket_entry(ticket: Ticket) -> NewDutyEntry | None:
    """A complaint or an emergency must be entered (000 §3.9d): the entry its intake writes."""
    if ticket.kind not in LOGGED_KINDS:
        return None
    if ticket.kind is Kind.COMPLAINT:
        category = DutyCategory.COMPLAINT_CALL
    else:
        category = _BY_EMERGENCY.get(ticket.category, DutyCategory.OTHER)
    place = " ".join(part for part in (ticket.building_id, ticket.unit, ticket.location) if part)
    return NewDutyEntry(
        site_id=ticket.site_id,
        category=category,
        happened=f"{ticket.number} {place}: {ticket.description}"[:MAX_TEXT],
        occurred_at=ticket.created_at,
        tickets=(ticket.ticket_id,),
    )


def report_entry(report: IncidentReport) -> NewDutyEntry:
    """An incident report opened (000 §3.9a: every major incident has its report)."""
    place = " ".join(part for part in (report.building_id, report.unit, report.place) if part)
    return NewDutyEntry(
        site_id=report.site_id,
        category=_BY_EMERGENCY.get(report.category, DutyCategory.OTHER),
        happened=f"{report.number} {place}: {report.details}"[:MAX_TEXT],
        occurred_at=report.occurred_at,
        tickets=(report.ticket_id,) if report.ticket_id else (),
        reports=(report.report_id,),
    )


# ------------------------------------------------------------------------------------------- handover

# 003; 004 QW21-06: the next shift comes early, both sign; not done 30 min after the change escalates.
HANDOVER_GRACE: Final = timedelta(minutes=30)
# A ticket's next deadline, as the handover shows it.
_DUE_FIELDS: Final = ("arrival_due", "completion_due", "reply_due")


@dataclass(frozen=True)
class HandoverWrite:
    """A handover as it must be written, over the version read (0: new), with its clocks' writes."""

    handover: Handover
    previous_version: int
    clocks: Sequence[ClockWrite] = ()


def new_handover(site: Site, page: DutyPage) -> Handover:
    """The handover of the page's shift, written with the page: its clock runs from then."""
    change = parse_iso(page.ends_at)
    following = shift_at(site, change)
    return Handover(
        page_id=page.page_id,
        site_id=page.site_id,
        next_page_id=page_id(site.site_id, following.day, following.shift),
        shift_change_at=to_iso(change),
        due_at=deadline_iso(change + HANDOVER_GRACE),
    )


def carried(ticket: Ticket) -> CarriedTicket:
    dues = [due for due in (getattr(ticket, name) for name in _DUE_FIELDS) if due]
    return CarriedTicket(
        ticket_id=ticket.ticket_id,
        number=ticket.number,
        kind=ticket.kind.value,
        category=ticket.category,
        status=ticket.status.value,
        building_id=ticket.building_id,
        unit=ticket.unit,
        due=min(dues) if dues else None,
    )


def prepare(
    handover: Handover,
    tickets: Sequence[Ticket],
    clocks: Sequence[Clock],
    keys_out: Sequence[KeyUse],
    parcels: Sequence[Parcel],
    now: datetime,
) -> Handover:
    """The form pre-filled as the page closes: the open tickets, the unfinished work, the running
    clocks, the emergency keys out, the parcels not yet collected."""
    open_tickets = [t for t in tickets if t.status not in TERMINAL]
    return evolve(
        handover,
        {
            "state": HandoverState.PREPARED,
            "prepared_at": to_iso(now),
            "open_tickets": tuple(carried(t) for t in open_tickets if t.status is not Status.UNFINISHED),
            "unfinished": tuple(carried(t) for t in open_tickets if t.status is Status.UNFINISHED),
            "running_clocks": tuple(
                CarriedClock(
                    clock_id=c.clock_id,
                    kind=c.kind.value,
                    subject_type=c.subject_type.value,
                    subject_id=c.subject_id,
                    due=c.due,
                    level=c.level,
                )
                for c in clocks
                if c.is_open and c.subject_id != handover.page_id
            ),
            "keys_out": tuple(project(u, CarriedKey) for u in keys_out),
            "parcels_waiting": tuple(
                project(p, CarriedParcel, kind=p.kind.value, notice=p.notice.value if p.notice else None)
                for p in parcels
                if p.state is ParcelState.WAITING
            ),
            "version": handover.version + 1,
        },
    )


def _expect(handover: Handover, state: HandoverState, version: int) -> None:
    if handover.state is not state:
        raise IllegalTransition(field="state", code=ErrorCode.HANDOVER_NOT_READY, state=handover.state.value)
    if version != handover.version:
        raise IllegalTransition(field="version", code=ErrorCode.DUTY_VERSION_CONFLICT)


def sign_out(handover: Handover, command: SignOut, actor: Actor, now: datetime) -> Handover:
    """The outgoing shift counted the cash and signs (after closing its page)."""
    check_may_write(actor)
    _expect(handover, HandoverState.PREPARED, command.version)
    return evolve(
        handover,
        {
            "state": HandoverState.SIGNED_OUT,
            "cash_cents": command.cash_cents,
            "cash_note": command.cash_note,
            "outgoing_by": actor.id,
            "outgoing_at": to_iso(now),
            "version": handover.version + 1,
        },
    )


def sign_in(handover: Handover, command: SignIn, actor: Actor, now: datetime) -> Handover:
    """The incoming shift signs: another person than the one who signed out."""
    check_may_write(actor)
    _expect(handover, HandoverState.SIGNED_OUT, command.version)
    if actor.id == handover.outgoing_by:
        raise IllegalTransition(field="actor", code=ErrorCode.HANDOVER_SAME_PERSON)
    return evolve(
        handover,
        {
            "state": HandoverState.COMPLETED,
            "incoming_by": actor.id,
            "incoming_at": to_iso(now),
            "version": handover.version + 1,
        },
    )
