"""Client reports from the site's assessment: HTML (and, through the app, PDF), CSV and JSON."""

from core.report.content import (
    ReportContext,
    ReportData,
    scan_info,
    scan_report_data,
    site_report_data,
)
from core.report.pdf import render_pdf, set_pdf_renderer
from core.report.render import html_report, severity_summary
from core.report.site import TEXT_FORMATS, render_text, site_report
from core.report.tables import BOM, findings_csv, inventory_csv, site_json

__all__ = [
    "BOM",
    "TEXT_FORMATS",
    "ReportContext",
    "ReportData",
    "findings_csv",
    "html_report",
    "inventory_csv",
    "render_pdf",
    "render_text",
    "scan_info",
    "scan_report_data",
    "set_pdf_renderer",
    "severity_summary",
    "site_json",
    "site_report",
    "site_report_data",
]
