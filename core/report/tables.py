"""The report as data: inventory and findings CSV (UTF-8 with BOM, formula-safe) and site JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from core import __version__
from core.assessment import AssessedFinding, DeviceAssessment, SiteAssessment
from core.report.content import ReportData
from core.store import FindingStatus

BOM = "\ufeff"  # Excel reads UTF-8 only when the file says so
MAX_CELL = 2000  # a hostile 10 kB device name must not swamp a spreadsheet
FINDING_COLUMNS = ("device", "ip", "mac", "tag", "device_score", "model", "firmware",
                   "severity", "finding", "status", "origin", "title", "port", "evidence", "fix",
                   "references", "kev_catalog")
INVENTORY_COLUMNS = ("device", "category", "vendor", "model", "firmware", "identified_by", "ip",
                     "mac", "private_mac", "tag", "owner", "location", "score", "open_issues",
                     "checklist_done", "checklist_total", "last_seen", "in_latest_scan",
                     "kev_catalog")


def findings_csv(site: SiteAssessment, bom: bool = False) -> str:
    """One row per open or accepted finding, every cell formula-safe."""
    kev = site.kev.describe()
    rows = ([*_device_cells(d), *_finding_cells(a), kev]
            for d in site.devices for a in reported(d.findings))
    return _csv(FINDING_COLUMNS, rows, bom)


def inventory_csv(site: SiteAssessment, bom: bool = True) -> str:
    """One row per device, every cell formula-safe."""
    kev = site.kev.describe()
    return _csv(INVENTORY_COLUMNS, (_inventory_cells(d, kev) for d in site.devices), bom)


def site_json(data: ReportData) -> str:
    """The whole assessed site as one JSON document (for scripts and other tools)."""
    site = data.assessment
    doc: dict[str, Any] = {
        "generator": f"iot-hygiene {__version__}", "generated": data.generated,
        "site": site.site.name, "client": data.context.client,
        "score": site.score.value, "open_issues": {s.value: n for s, n in site.severity_counts},
        "checklist": {"answered": site.checklist_answered, "total": site.checklist_total},
        "kev_catalog": {"version": site.kev.version, "released": site.kev.released,
                        "entries": site.kev.entries, "used_by_latest_scan": site.kev.scan_version,
                        "text": site.kev.describe()},
        "next_actions": [{"text": a.text, "device": a.device, "mac": a.key, "points": a.points,
                          "urgent": a.urgent} for a in site.actions],
        "devices": [_device_json(d, site.kev.describe()) for d in site.devices],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def reported(findings: Iterable[AssessedFinding]) -> list[AssessedFinding]:
    """Open and accepted findings (fixed ones left out), open and worst first."""
    kept = [f for f in findings if f.status is not FindingStatus.FIXED]
    return sorted(kept, key=lambda a: (not a.is_open, -a.finding.severity.rank, a.finding.id,
                                       a.finding.port or 0))


def score_text(device: DeviceAssessment) -> str:
    return "" if device.score_value is None else str(device.score_value)


def cell_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in any cell; bound the length."""
    text = text[:MAX_CELL]
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]], bom: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_safe(str(cell)) for cell in row])
    return (BOM if bom else "") + out.getvalue()


def _device_cells(d: DeviceAssessment) -> list[object]:
    return [d.name, d.device.ip, d.mac, d.tag.value, score_text(d), d.identity.model,
            d.identity.firmware]


def _finding_cells(a: AssessedFinding) -> list[object]:
    f = a.finding
    return [f.severity.value, f.id, a.status.value, a.origin.value, f.title, f.port or "",
            f.evidence, f.fix, "; ".join(f.refs)]


def _inventory_cells(d: DeviceAssessment, kev: str) -> list[object]:
    dev, rec, who = d.device, d.record, d.identity
    issues = ", ".join(f"{n} {s.value}" for s, n in d.open_counts) or "none"
    return [d.name, dev.category.value, dev.vendor, who.model, who.firmware, who.explained(),
            dev.ip, d.mac, "yes" if dev.mac_random else "no", d.tag.value, rec.owner,
            rec.location, score_text(d), issues, d.checklist.done, d.checklist.total,
            rec.last_seen, "yes" if d.in_latest_scan else "no", kev]


def _device_json(d: DeviceAssessment, kev: str) -> dict[str, Any]:
    cells = dict(zip(INVENTORY_COLUMNS, _inventory_cells(d, kev), strict=True))
    del cells["kev_catalog"]  # once, at the top of the document
    who = d.identity
    cells["identity"] = {"model": who.model, "model_source": who.model_source,
                         "model_precision": who.model_precision, "firmware": who.firmware,
                         "firmware_source": who.firmware_source,
                         "firmware_precision": who.firmware_precision}
    cells["score"] = d.score_value
    cells["findings"] = [{"id": a.finding.id, "severity": a.finding.severity.value,
                          "status": a.status.value, "origin": a.origin.value,
                          "title": a.finding.title, "port": a.finding.port,
                          "evidence": a.finding.evidence, "fix": a.finding.fix,
                          "refs": list(a.finding.refs), "reason": a.reason}
                         for a in reported(d.findings)]
    return cells
