"""The quarterly callback analysis as a CSV (one row per finding) and as the managers' mail
(bilingual, zh-CN then en: the lists' members read either)."""

from __future__ import annotations

import csv
import io
from typing import Final

from frontdesk.i18n import LANGUAGES, message
from frontdesk.models.quarterly import QuarterlyAnalysis, RepeatedIssue
from frontdesk.models.site import Site
from frontdesk.notifications.links import StaffView, staff_link
from frontdesk.notifications.messages import Mail

CSV_COLUMNS: Final = (
    "finding",
    "building_id",
    "unit",
    "kind",
    "category",
    "count",
    "threshold",
    "tickets",
    "callback_id",
    "concluded_at",
    "defect_remains",
)
# A spreadsheet runs a cell that starts with one of these as a formula: such a cell is quoted.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _repeat_row(finding: str, issue: RepeatedIssue) -> list[object]:
    return [
        finding,
        issue.building_id,
        issue.unit,
        issue.kind,
        issue.category,
        issue.count,
        issue.threshold,
        " ".join(issue.tickets),
        "",
        "",
        "",
    ]


def csv_text(analysis: QuarterlyAnalysis) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows: list[list[object]] = [
        [
            "failed_callback",
            f.building_id,
            f.unit,
            "callback",
            f.reason.value,
            1,
            1,
            f.ticket_number,
            f.callback_id,
            f.done_at,
            str(f.defect_remains).lower(),
        ]
        for f in analysis.failed_callbacks
    ]
    rows += [_repeat_row("repeated_complaint", issue) for issue in analysis.repeated_complaints]
    rows += [_repeat_row("repeated_repair", issue) for issue in analysis.repeated_repairs]
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return out.getvalue()


def _lines(analysis: QuarterlyAnalysis, language: str) -> list[str]:
    lines = [
        message(
            "quarterly.mail.failed_row",
            language,
            number=f.ticket_number,
            place=f"{f.building_id} {f.unit}".strip(),
            reason=message(f"callback.reason.{f.reason.value}", language),
        )
        for f in analysis.failed_callbacks
    ]
    lines += [
        message(
            "quarterly.mail.repeat_row",
            language,
            place=f"{issue.building_id} {issue.unit}",
            category=message(f"category.{issue.kind}.{issue.category}", language),
            count=issue.count,
            numbers=", ".join(issue.tickets),
        )
        for issue in (*analysis.repeated_complaints, *analysis.repeated_repairs)
    ]
    return lines


def analysis_mail(site: Site, analysis: QuarterlyAnalysis, base_url: str) -> Mail:
    subjects: list[str] = []
    parts: list[str] = []
    for language in LANGUAGES:
        params = {
            "site": site.name_in(language),
            "quarter": analysis.quarter,
            "failed": len(analysis.failed_callbacks),
            "complaints": len(analysis.repeated_complaints),
            "repairs": len(analysis.repeated_repairs),
            "link": staff_link(base_url, StaffView.QUARTERLY, f"{site.site_id}/{analysis.quarter}"),
        }
        subjects.append(message("quarterly.mail.subject", language, **params))
        parts.append("\n".join([message("quarterly.mail.body", language, **params), *_lines(analysis, language)]))
    return Mail(subject=" / ".join(subjects), body="\n\n".join(parts) + "\n")
