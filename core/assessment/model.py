"""What the assessment returns: per device findings, checklist progress and score; site totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from core.fingerprints import Catalog, Identity
from core.guidance import ChecklistItem, ChecklistPlan, ChecklistProgress
from core.models import Device, Finding, Severity, Site, Tag
from core.scoring import Action, DeviceInput, DeviceScore, Gain, SiteScore
from core.store import DeviceRecord, FindingStatus

SEVERITIES = tuple(Severity)  # critical first


class Origin(StrEnum):
    """Where a finding comes from."""

    SCAN = "scan"  # a check found it and the store keeps its lifecycle
    DERIVED = "derived"  # computed from the tag, the site's networks, dates or answers
    PRESENCE = "presence"  # computed from when scans saw it and the site's business hours


@dataclass(frozen=True, slots=True)
class AssessedFinding:
    """One finding of one device with what people decided about it."""

    finding: Finding
    status: FindingStatus = FindingStatus.OPEN
    origin: Origin = Origin.SCAN
    reason: str = ""
    who: str = ""

    @property
    def is_open(self) -> bool:
        return self.status is FindingStatus.OPEN

    @property
    def derived(self) -> bool:
        return self.origin is not Origin.SCAN


@dataclass(frozen=True, slots=True)
class DeviceAssessment:
    """One device, assessed: every finding, its checklist, its score and the inputs behind them."""

    record: DeviceRecord
    device: Device
    findings: tuple[AssessedFinding, ...]
    items: tuple[ChecklistItem, ...]
    answers: Mapping[str, str]
    checklist: ChecklistProgress
    score: DeviceScore
    in_latest_scan: bool
    gains: tuple[Gain, ...] = field(default=(), compare=False, repr=False)
    plan: ChecklistPlan | None = field(default=None, compare=False, repr=False)
    # What the score counts: open findings plus accepted ones one severity lower.
    score_findings: tuple[Finding, ...] = field(default=(), compare=False, repr=False)
    identity: Identity = field(default_factory=Identity)  # model and firmware, with sources

    @property
    def is_self(self) -> bool:
        """The computer that scanned: it gets no checklist and no score."""
        return self.device.is_self

    @property
    def scored(self) -> bool:
        """Counts in the site score: a real device the latest scan saw, or one a person keeps."""
        return (self.in_latest_scan or self.record.kept) and not self.is_self

    @property
    def score_value(self) -> int | None:
        """The score to show (None for the scanning computer)."""
        return None if self.is_self else self.score.value

    @property
    def name(self) -> str:
        return "This computer" if self.is_self and not self.record.label \
            else self.record.display_name

    @property
    def mac(self) -> str:
        return self.record.mac

    @property
    def tag(self) -> Tag:
        return self.record.tag

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(a.finding for a in self.findings if a.is_open)

    @property
    def open_ids(self) -> tuple[str, ...]:
        """The ids of the open findings, sorted, each once."""
        return tuple(sorted({f.id for f in self.open_findings}))

    @property
    def open_counts(self) -> tuple[tuple[Severity, int], ...]:
        """Open findings per severity, worst first, info and zero counts left out."""
        return count_open(self.open_findings)

    @property
    def worst(self) -> Severity | None:
        ranked = [f for f in self.open_findings if f.severity is not Severity.INFO]
        return max(ranked, key=lambda f: f.severity.rank).severity if ranked else None

    @property
    def score_input(self) -> DeviceInput:
        return DeviceInput(label=self.name, findings=self.score_findings, items=self.items,
                           answers=self.answers, key=self.mac, score=self.score,
                           gains=self.gains)


@dataclass(frozen=True, slots=True)
class KevUse:
    """Which known-exploited catalogue the findings come from: in use now, and the scan's."""

    version: str = ""  # the catalogue the assessment matched fingerprints against
    released: str = ""  # its release date (YYYY-MM-DD)
    entries: int = 0
    scan_version: str = ""  # the catalogue the latest scan's checks used ("" if not recorded)

    @classmethod
    def of(cls, catalog: Catalog, scan_version: str = "") -> KevUse:
        return cls(catalog.version, catalog.released[:10], len(catalog.vulnerabilities),
                   scan_version)

    def describe(self) -> str:
        """"CISA KEV 2025.08.25 (released 2025-08-25, 1,412 entries); the scan used 2025.08.01"."""
        text = f"CISA KEV {self.version} (released {self.released}, {self.entries:,} entries)"
        if self.scan_version and self.scan_version != self.version:
            text += f"; the latest scan used {self.scan_version}"
        return text


@dataclass(frozen=True, slots=True)
class SiteAssessment:
    """A site, assessed: its devices worst first, its score, totals and next best actions."""

    site: Site
    today: dt.date
    devices: tuple[DeviceAssessment, ...]
    score: SiteScore
    actions: tuple[Action, ...]
    latest_scan_id: int | None = None
    kev: KevUse = field(default_factory=KevUse)
    by_mac: Mapping[str, DeviceAssessment] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False)

    @property
    def severity_counts(self) -> tuple[tuple[Severity, int], ...]:
        """Open findings per severity over the site, worst first, info and zeros left out."""
        return count_open(f for d in self.devices for f in d.open_findings)

    @property
    def checklist_answered(self) -> int:
        return sum(d.checklist.answered for d in self.devices)

    @property
    def checklist_total(self) -> int:
        return sum(d.checklist.total for d in self.devices)

    @property
    def finding_ids(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(MAC, open finding ids) per device: what every view of the site must agree on."""
        return tuple((d.mac, d.open_ids) for d in self.devices)

    def device(self, mac: str) -> DeviceAssessment | None:
        return self.by_mac.get(mac.lower())


def count_open(findings: Iterable[Finding]) -> tuple[tuple[Severity, int], ...]:
    """Counts per severity of the given findings, worst first, info and zeros left out."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return tuple((s, n) for s, n in counts.items() if n and s is not Severity.INFO)
