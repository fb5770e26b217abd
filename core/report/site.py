"""A site's client report from the store: the latest scan, open and accepted findings only."""

from __future__ import annotations

from dataclasses import replace

from core.errors import NotFoundError
from core.models import ArpMode, ScanInfo, ScanResult
from core.report.render import ReportContext, findings_csv, html_report
from core.store import Store
from core.store.codec import finding_key
from core.store.records import FindingStatus


def site_report(store: Store, site_id: int, fmt: str = "html", prepared_by: str = "") -> str:
    """The report text (`html` or `csv`) for the site's latest scan, as people left it."""
    site = store.site(site_id)
    result = latest_result(store, site_id)
    labels = tuple((r.mac, r.label) for r in store.devices(site_id) if r.label)
    context = ReportContext(site=site.name, client=site.client, prepared_by=prepared_by,
                            notes=_accepted_note(store, site_id), labels=labels)
    if fmt == "csv":
        return findings_csv(result, context)
    return html_report(result, context)


def latest_result(store: Store, site_id: int) -> ScanResult:
    """The latest scan of the site with the findings people marked fixed left out."""
    scans = store.scans(site_id)
    if not scans:
        raise NotFoundError("This site has no scan to report on yet.", "Run a scan first.")
    summary = scans[0]
    hidden = {(r.mac, finding_key(r.finding)) for r in store.findings(site_id)
              if r.status is FindingStatus.FIXED}
    devices = tuple(replace(d, findings=tuple(f for f in d.findings
                                              if (d.mac, finding_key(f)) not in hidden))
                    for d in store.scan_devices(summary.id))
    info = ScanInfo(interface=summary.interface, network=summary.network,
                    mode=ArpMode(summary.mode), started=summary.started,
                    finished=summary.finished, version=summary.version,
                    checks_run=summary.checks_run, consent=summary.consent)
    return ScanResult(info=info, devices=devices, cancelled=summary.cancelled)


def _accepted_note(store: Store, site_id: int) -> str:
    accepted = [r for r in store.findings(site_id) if r.status is FindingStatus.ACCEPTED]
    if not accepted:
        return ""
    parts = [f"{r.finding.title} on {r.mac} (by {r.who or 'unknown'}: {r.reason})"
             for r in accepted]
    return "Risks accepted: " + "; ".join(parts)
