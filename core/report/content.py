"""What a client report says, gathered once from the site's assessment and its scan history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.assessment import AssessedFinding, DeviceAssessment, SiteAssessment, assess_site
from core.errors import NotFoundError
from core.models import ArpMode, ScanInfo, Severity
from core.store import Changes, FindingStatus, ScanSummary, Store

TOP_RISKS = 5


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Who the report is for and by, and from which scan it was made."""

    site: str = ""
    client: str = ""
    prepared_by: str = ""
    notes: str = ""
    scan: ScanInfo | None = None
    logo: bytes = b""  # PNG or JPEG bytes, shown on the cover
    logo_type: str = ""  # "image/png" | "image/jpeg"


@dataclass(frozen=True, slots=True)
class Trend:
    """How the latest scan compares with the one before: open issues found by each."""

    previous_started: str
    previous_counts: tuple[tuple[Severity, int], ...]
    latest_counts: tuple[tuple[Severity, int], ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a report renders: the assessment plus context, trend and changes."""

    assessment: SiteAssessment
    context: ReportContext
    generated: str
    trend: Trend | None = None
    changes: Changes | None = None

    @property
    def devices(self) -> tuple[DeviceAssessment, ...]:
        return self.assessment.devices

    def top_risks(self, limit: int = TOP_RISKS) -> list[tuple[DeviceAssessment, AssessedFinding]]:
        """The worst open findings above info across the site, worst first."""
        found = [(d, a) for d in self.devices for a in d.findings
                 if a.is_open and a.finding.severity is not Severity.INFO]
        found.sort(key=lambda pair: (-pair[1].finding.severity.rank, pair[0].score.value))
        return found[:limit]

    def by_severity(self) -> list[tuple[Severity, list[tuple[DeviceAssessment, AssessedFinding]]]]:
        """Open findings grouped by severity, worst first (empty groups left out)."""
        groups: list[tuple[Severity, list[tuple[DeviceAssessment, AssessedFinding]]]] = []
        for severity in Severity:
            items = [(d, a) for d in self.devices for a in d.findings
                     if a.is_open and a.finding.severity is severity]
            if items:
                groups.append((severity, items))
        return groups

    def accepted(self) -> list[tuple[DeviceAssessment, AssessedFinding]]:
        return [(d, a) for d in self.devices for a in d.findings
                if a.status is FindingStatus.ACCEPTED]


def site_report_data(store: Store, site_id: int, context: ReportContext | None = None,
                     today: dt.date | None = None) -> ReportData:
    """The report's content for a saved site: its assessment, latest scan, trend and changes."""
    site = store.site(site_id)
    scans = store.scans(site_id)
    if not scans:
        raise NotFoundError("This site has no scan to report on yet.", "Run a scan first.")
    base = context or ReportContext()
    context = ReportContext(site=base.site or site.name, client=base.client or site.client,
                            prepared_by=base.prepared_by, notes=base.notes,
                            scan=scan_info(scans[0]), logo=base.logo, logo_type=base.logo_type)
    trend = Trend(scans[1].started, scans[1].finding_counts, scans[0].finding_counts) \
        if len(scans) > 1 else None
    changes = store.changes(site_id) if len(scans) > 1 else None
    return ReportData(assess_site(store, site_id, today), context, _now(), trend, changes)


def scan_report_data(assessment: SiteAssessment, context: ReportContext) -> ReportData:
    """The report's content for an unsaved scan (no history, so no trend or changes)."""
    return ReportData(assessment, context, _now())


def scan_info(summary: ScanSummary) -> ScanInfo:
    """The ScanInfo of a saved scan."""
    return ScanInfo(interface=summary.interface, network=summary.network,
                    mode=ArpMode(summary.mode), started=summary.started,
                    finished=summary.finished, version=summary.version,
                    checks_run=summary.checks_run, consent=summary.consent,
                    thorough=summary.thorough)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
