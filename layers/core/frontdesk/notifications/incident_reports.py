"""What an incident report says in mail and in the evidence pack: pure formatting from the catalogues.

- the submitted report, mailed to the managers and department heads: bilingual (zh-CN, then en);
- the overdue notice of a rung: bilingual, number, deadline, lateness and a link, no details;
- the alert on the escalation topic: ids and numbers only (it may become an SMS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontdesk.clock import parse_iso
from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.incident import IncidentReport
from frontdesk.models.site import Site
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import duration, local_time

FIELDS = (
    "number",
    "severity",
    "category",
    "report_date",
    "occurred_at",
    "place",
    "details",
    "immediate_action",
    "police_file_number",
    "photos",
    "remarks",
    "open_problems",
    "reported_by_name",
    "due_at",
    "submitted_at",
    "ticket_number",
)


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def place(report: IncidentReport, site: Site, language: str) -> str:
    building = site.building(report.building_id) if report.building_id else None
    name = ""
    if building is not None:
        name = (building.name_en or building.name) if language == "en" else building.name
    return " ".join(part for part in (name, report.unit, report.place) if part)


def values(report: IncidentReport, site: Site, photos: int, language: str) -> dict[str, str]:
    """Every field of the report as a person reads it, in one language (empty when not given)."""
    none = message("incident.value.none", language)
    zone = site.timezone
    return {
        "number": report.number,
        "severity": message(f"incident.severity.{report.severity.value}", language),
        "category": message(f"incident.category.{report.category}", language),
        "report_date": report.report_date,
        "occurred_at": f"{local_time(report.occurred_at, zone)} ({zone})",
        "place": place(report, site, language) or none,
        "details": report.details,
        "immediate_action": report.immediate_action or none,
        "police_file_number": report.police_file_number or none,
        "photos": str(photos),
        "remarks": report.remarks or none,
        "open_problems": report.open_problems or none,
        "reported_by_name": report.reported_by_name,
        "due_at": f"{local_time(report.due_at, zone)} ({zone})",
        "submitted_at": f"{local_time(report.submitted_at, zone)} ({zone})" if report.submitted_at else none,
        "ticket_number": report.ticket_number or none,
    }


def label(name: str, language: str) -> str:
    return message(f"incident.field.{name}", language)


def submitted_mail(report: IncidentReport, site: Site, photos: int, base_url: str) -> Mail:
    parts = []
    subjects = []
    for language in LANGUAGES:
        fields = values(report, site, photos, language)
        lines = [message("field.line", language, label=label(name, language), value=fields[name]) for name in FIELDS]
        late = "" if report.on_time is not False else message("incident.mail.late", language) + "\n"
        intro = message(
            "incident.mail.intro",
            language,
            number=report.number,
            link=staff_link(base_url, StaffView.REPORT, report.report_id),
        )
        parts.append(f"{intro}\n{late}\n" + "\n".join(lines))
        subjects.append(message("incident.mail.subject", language, **fields))
    return Mail(subject=" / ".join(subjects), body="\n\n-----\n\n".join(parts) + "\n")


def overdue_mail(report: IncidentReport, site: Site, level: int, late_seconds: int, base_url: str) -> Mail:
    def params(language: str) -> dict[str, Any]:
        return {
            "number": report.number,
            "level": level,
            "severity": message(f"incident.severity.{report.severity.value}", language),
            "hours": 12 if report.severity.value == "major" else 24,
            "due": local_time(report.due_at, site.timezone),
            "timezone": site.timezone,
            "late": duration(late_seconds, language),
            "reported_by": report.reported_by_name,
            "link": staff_link(base_url, StaffView.REPORT, report.report_id),
        }

    subject = " / ".join(message("incident.overdue.subject", lang, **params(lang)) for lang in LANGUAGES)
    body = "\n\n".join(message("incident.overdue.body", lang, **params(lang)) for lang in LANGUAGES)
    return Mail(subject=subject, body=body + "\n")


def alert(report: IncidentReport, level: int, at: str) -> tuple[dict[str, Any], dict[str, str]]:
    late = max(int((parse_iso(at) - parse_iso(report.due_at)).total_seconds()), 0)
    body = {
        "type": "incident_report_overdue",
        "report_id": report.report_id,
        "number": report.number,
        "site_id": report.site_id,
        "severity": report.severity.value,
        "phase": "incident_report",
        "level": level,
        "deadline": report.due_at,
        "late_seconds": late,
        "at": at,
    }
    return body, {"site_id": report.site_id, "phase": "incident_report", "level": str(level)}
