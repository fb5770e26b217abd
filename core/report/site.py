"""A saved site's client report in any format, from its assessment (what the window shows)."""

from __future__ import annotations

import datetime as dt

from core.report.content import ReportContext, ReportData, site_report_data
from core.report.render import html_report
from core.report.tables import findings_csv, inventory_csv, site_json
from core.store import Store

TEXT_FORMATS = ("html", "csv", "inventory-csv", "json")


def site_report(store: Store, site_id: int, fmt: str = "html", prepared_by: str = "",
                today: dt.date | None = None, context: ReportContext | None = None) -> str:
    """The report text (html, csv, inventory-csv or json) for the site as people left it."""
    base = context or ReportContext(prepared_by=prepared_by)
    return render_text(site_report_data(store, site_id, base, today), fmt)


def render_text(data: ReportData, fmt: str) -> str:
    """One of the text formats of a report's content."""
    if fmt == "csv":
        return findings_csv(data.assessment, bom=True)
    if fmt == "inventory-csv":
        return inventory_csv(data.assessment)
    if fmt == "json":
        return site_json(data)
    return html_report(data)
