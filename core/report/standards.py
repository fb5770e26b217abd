"""The report's appendix: which findings and checklist items map to which standard clauses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.assessment import DeviceAssessment
from core.guidance.references import lookup

FAMILIES = ("ETSI EN 303 645", "OWASP IoT", "NIST IR 8259A", "UK PSTI")


@dataclass(frozen=True, slots=True)
class ClauseRow:
    """One clause of a standard and the findings and checklist questions that cite it."""

    family: str
    clause: str
    title: str
    findings: tuple[str, ...]
    questions: tuple[str, ...]


def appendix_rows(devices: Iterable[DeviceAssessment]) -> list[ClauseRow]:
    """Every cited clause of the four standards, with what cites it, in standard order."""
    findings: dict[str, set[str]] = {}
    questions: dict[str, set[str]] = {}
    for device in devices:
        for item in device.findings:
            for ref in item.finding.refs:
                findings.setdefault(_clause(ref), set()).add(item.finding.title)
        for checklist_item in device.items:
            for ref in checklist_item.refs:
                questions.setdefault(_clause(ref), set()).add(checklist_item.question)
    rows = [_row(ref, findings.get(ref, set()), questions.get(ref, set()))
            for ref in findings.keys() | questions.keys()]
    return sorted((r for r in rows if r.family), key=_order)


def _clause(ref: str) -> str:
    """ETSI provisions ("5.1-1") are listed under their clause ("5.1")."""
    known = lookup(ref)
    return known.ref if known else ref


def _row(ref: str, findings: set[str], questions: set[str]) -> ClauseRow:
    family = next((f for f in FAMILIES if ref.startswith(f)), "")
    known = lookup(ref)
    return ClauseRow(family=family, clause=ref[len(family):].strip() if family else ref,
                     title=known.title if known else "", findings=tuple(sorted(findings)),
                     questions=tuple(sorted(questions)))


def _order(row: ClauseRow) -> tuple[int, list[tuple[int, int, str]]]:
    parts = row.clause.lstrip("I").split(".")
    return FAMILIES.index(row.family), [(0, int(p), "") if p.isdigit() else (1, 0, p)
                                        for p in parts]
