"""Write the finding tables of docs/findings.md from resources/findings.toml (`python -m` this)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from core.datafiles.findings import Entry, Source, bundled

DOC = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
BEGIN = "<!-- BEGIN generated from resources/findings.toml by core.datafiles.findings_doc -->"
END = "<!-- END generated -->"


def tables(entries: Iterable[Entry]) -> str:
    """The generated part of the page: every finding, when it appears, the ones not from checks."""
    scan = [e for e in entries if e.source is Source.SCAN]
    other = [e for e in entries if e.source is not Source.SCAN]
    lines = ["| id | severity | title | references |", "|---|---|---|---|"]
    lines += [f"| `{e.id}` | {e.severity.value} | {_cell(e.title)} | {_refs(e)} |" for e in scan]
    lines += ["", "## When each finding is reported", "| id | reported when |", "|---|---|"]
    lines += [f"| `{e.id}` | {_cell(e.when)} |" for e in scan]
    lines += [
        "",
        "## Findings from tags, dates and presence (not from the checks)",
        "These come from what people record, or from when scans saw a device, not from a check;",
        "they are added when a device is scored and shown (`core/guidance/placement.py`,",
        "`core/guidance/lifecycle.py`, `core/presence/off_hours.py`).",
        "Same rules: stable ids, plain-words fix, references.",
        "",
        "| id | from | severity | title | when | references |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{e.id}` | {e.source.value} | {e.severity.value} | {_cell(e.title)} | "
        f"{_cell(e.when)} | {_refs(e)} |"
        for e in other
    ]
    return "\n".join(lines)


def render(page: str, entries: Iterable[Entry]) -> str:
    """`page` with the text between the BEGIN and END markers replaced by fresh tables."""
    head, begin, rest = page.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"{DOC.name} has lost its generated-section markers")
    return f"{head}{BEGIN}\n{tables(entries)}\n{END}{tail}"


def main() -> int:
    """Rewrite docs/findings.md in place; 0 when it was already current, 1 when it changed."""
    page = DOC.read_text(encoding="utf-8")
    fresh = render(page, bundled().values())
    if fresh == page:
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    print(f"{DOC} updated.", file=sys.stderr)
    return 1


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _refs(entry: Entry) -> str:
    return "; ".join(entry.refs)


if __name__ == "__main__":
    sys.exit(main())
