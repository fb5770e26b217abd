"""The finding catalogue file (findings.toml): severity, title, fix and refs per finding id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from core.datafiles import fields
from core.datafiles.references import Reference, check_refs, load_references
from core.models import Finding, Severity
from core.paths import resource

NAME = "findings.toml"
_KEYS = ("id", "severity", "source", "title", "fix", "refs", "when")


class Source(StrEnum):
    SCAN = "scan"  # found on the network by the checks
    TAG = "tag"  # follows from a device's tag and the site's work networks
    DATE = "date"  # follows from dates in checklist answers
    PRESENCE = "presence"  # follows from when scans saw the device (the site's business hours)


@dataclass(frozen=True, slots=True)
class Entry:
    """How one kind of finding is described to people, whatever device it is found on."""

    id: str
    severity: Severity
    title: str
    fix: str
    refs: tuple[str, ...]
    source: Source = Source.SCAN
    when: str = ""  # what makes it appear (for docs/findings.md)

    def with_evidence(self, evidence: str, port: int | None = None) -> Finding:
        """This kind of finding on one device, with what shows it there."""
        return Finding(id=self.id, severity=self.severity, title=self.title, evidence=evidence,
                       fix=self.fix, refs=self.refs, port=port)


def read_findings(path: Path, known_refs: Mapping[str, Reference]) -> tuple[Entry, ...]:
    """Every entry in the file, in order; DataFileError naming file, finding and key."""
    data = fields.table(fields.read_toml(path, NAME), NAME, ("finding",))
    entries: list[Entry] = []
    for index, raw in enumerate(fields.tables(data, "finding", NAME), 1):
        entry = _entry(raw, f"{NAME}: finding #{index} {raw.get('id', '?')!r}", known_refs)
        if any(entry.id == seen.id for seen in entries):
            raise fields.fail(f"{NAME}: finding #{index}", f"id {entry.id!r} is used twice")
        entries.append(entry)
    if not entries:
        raise fields.fail(NAME, "finding: lists no findings")
    return tuple(entries)


def _entry(raw: Mapping[str, Any], label: str, known_refs: Mapping[str, Reference]) -> Entry:
    fields.table(raw, label, _KEYS)
    fix = fields.text(raw, "fix", label)
    if not fix.endswith("."):
        raise fields.fail(label, "fix must be whole sentences ending with '.'")
    refs = fields.strings(raw, "refs", label)
    check_refs(refs, label, known_refs)
    return Entry(
        id=fields.ident(raw, "id", label),
        severity=fields.enum(raw, "severity", label, Severity),
        title=fields.text(raw, "title", label),
        fix=fix,
        refs=refs,
        source=fields.enum(raw, "source", label, Source),
        when=fields.text(raw, "when", label),
    )


@cache
def bundled() -> Mapping[str, Entry]:
    """The bundled catalogue by id, read once."""
    entries = read_findings(resource(NAME), load_references())
    return {entry.id: entry for entry in entries}


def entry(finding_id: str) -> Entry:
    """The bundled entry for `finding_id`; KeyError if there is none."""
    return bundled()[finding_id]
