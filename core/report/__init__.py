"""Client reports: HTML and CSV, built from the site's assessment."""

from core.report.render import ReportContext, findings_csv, html_report
from core.report.site import site_report

__all__ = ["ReportContext", "findings_csv", "html_report", "site_report"]
