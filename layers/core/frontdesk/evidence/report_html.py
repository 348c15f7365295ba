"""The report as one self-contained HTML page for the evidence pack (no scripts, no external files;
the photos are shown from the pack's own photos/ folder). Every value is escaped."""

from __future__ import annotations

from html import escape

from frontdesk.i18n import message
from frontdesk.models.incident import IncidentReport, ReportEvent
from frontdesk.models.site import Site
from frontdesk.notifications.incident_reports import FIELDS, label, values
from frontdesk.notifications.messages import local_time

_STYLE = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "color:#111}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;"
    "padding:.4rem .6rem;text-align:left;vertical-align:top}th{width:12rem;background:#f2f2f2}"
    "td{white-space:pre-wrap}figure{display:inline-block;margin:.5rem;max-width:15rem}img{max-width:15rem}"
    "figcaption{font-size:.8rem;word-break:break-all}"
)


def render(
    report: IncidentReport,
    site: Site,
    photos: list[tuple[str, str, str]],
    timeline: list[ReportEvent],
    language: str,
    generated_at: str,
) -> str:
    """``photos``: (path in the pack, SHA-256, capture time or "") per photo."""
    fields = values(report, site, len(photos), language)
    rows = "".join(
        f"<tr><th>{escape(label(name, language))}</th><td>{escape(fields[name])}</td></tr>" for name in FIELDS
    )
    if report.approved_at:  # archived after the manager's approval (000 §3.5.2c)
        approved = f"{report.approved_by} · {local_time(report.approved_at, site.timezone)}"
        rows += f"<tr><th>{escape(label('approved_at', language))}</th><td>{escape(approved)}</td></tr>"
    figures = "".join(
        f'<figure><a href="{escape(path)}"><img src="{escape(path)}" alt="{escape(path)}"></a>'
        f"<figcaption>{escape(path)}<br>SHA-256 {escape(digest)}"
        + (f"<br>{escape(_captured(captured, language))}" if captured else "")
        + "</figcaption></figure>"
        for path, digest, captured in photos
    )
    events = "".join(
        f"<tr><td>{escape(local_time(e.at, site.timezone))}</td><td>{escape(e.actor.id)}</td>"
        f"<td>{escape(e.action)}</td><td>{escape(', '.join(f'{k}={v}' for k, v in sorted(e.detail.items())))}</td></tr>"
        for e in timeline
    )
    title = message("incident.pack.title", language, number=report.number)
    generated = message("incident.pack.generated", language, at=local_time(generated_at, site.timezone))
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(site.name)} · {escape(generated)}</p>"
        f"<table>{rows}</table>"
        f"<h2>{escape(message('incident.field.photos', language))}</h2>{figures}"
        f"<h2>{escape(message('incident.pack.timeline', language))}</h2><table>{events}</table>"
        "</body></html>\n"
    )


def _captured(captured: str, language: str) -> str:
    return message("field.line", language, label=message("incident.field.captured_at", language), value=captured)
