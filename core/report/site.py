"""A saved site's client report: its assessment (what the window shows) rendered."""

from __future__ import annotations

import datetime as dt

from core.assessment import assess_site
from core.errors import NotFoundError
from core.models import ArpMode, ScanInfo
from core.report.render import ReportContext, findings_csv, html_report
from core.store import ScanSummary, Store


def site_report(store: Store, site_id: int, fmt: str = "html", prepared_by: str = "",
                today: dt.date | None = None) -> str:
    """The report text (`html` or `csv`) for the site as people left it."""
    site = store.site(site_id)
    scans = store.scans(site_id)
    if not scans:
        raise NotFoundError("This site has no scan to report on yet.", "Run a scan first.")
    assessment = assess_site(store, site_id, today)
    context = ReportContext(site=site.name, client=site.client, prepared_by=prepared_by,
                            scan=scan_info(scans[0]))
    return findings_csv(assessment, context) if fmt == "csv" else html_report(assessment, context)


def scan_info(summary: ScanSummary) -> ScanInfo:
    """The ScanInfo of a saved scan."""
    return ScanInfo(interface=summary.interface, network=summary.network,
                    mode=ArpMode(summary.mode), started=summary.started,
                    finished=summary.finished, version=summary.version,
                    checks_run=summary.checks_run, consent=summary.consent)
