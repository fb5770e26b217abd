"""The finding catalogue as Python: entries read from resources/findings.toml, and `finding()`."""

from __future__ import annotations

from core.datafiles.findings import Entry, Source, bundled, entry
from core.models import Finding

__all__ = ["CATALOG", "ENTRIES", "Entry", "finding", "trim"]

# The findings the network checks report (tag- and date-based ones live in core.guidance).
ENTRIES: tuple[Entry, ...] = tuple(e for e in bundled().values() if e.source is Source.SCAN)
CATALOG: dict[str, Entry] = {e.id: e for e in ENTRIES}


def finding(finding_id: str, evidence: str = "", port: int | None = None) -> Finding:
    """A Finding for catalogue id `finding_id` with this device's evidence (KeyError if unknown)."""
    return entry(finding_id).with_evidence(trim(evidence), port)


def trim(text: str, limit: int = 400) -> str:
    """Evidence fit for a person: printable characters only, bounded length."""
    clean = "".join(ch if ch.isprintable() or ch in "\n" else "." for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
