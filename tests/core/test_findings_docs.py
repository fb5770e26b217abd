"""docs/findings.md is generated from resources/findings.toml and lists every finding's severity."""

from __future__ import annotations

import re
from datetime import date

from core.datafiles import findings_doc
from core.datafiles.findings import Source, bundled
from core.guidance import lifecycle, placement


def test_the_generated_tables_are_current() -> None:
    page = findings_doc.DOC.read_text(encoding="utf-8")
    assert page == findings_doc.render(page, bundled().values()), (
        "docs/findings.md is out of date: run python -m core.datafiles.findings_doc"
    )


def test_tag_and_date_findings_are_documented_with_their_severity() -> None:
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (?:tag|date) \| (\w+) \|",
                           findings_doc.DOC.read_text(), re.MULTILINE))
    assert set(placement.FINDING_IDS) | set(lifecycle.FINDING_IDS) == set(rows)
    assert {e.id for e in bundled().values() if e.source is not Source.SCAN} == set(rows)
    today = date(2026, 11, 22)
    for made in (lifecycle.support_reminders(date(2026, 1, 1), today),
                 lifecycle.support_reminders(date(2026, 12, 1), today),
                 lifecycle.review_reminder(date(2026, 1, 1), today)):
        assert made is not None
        assert rows[made.id] == made.severity.value


def test_render_replaces_only_the_generated_part() -> None:
    page = f"intro\n{findings_doc.BEGIN}\nstale\n{findings_doc.END}\noutro\n"
    fresh = findings_doc.render(page, bundled().values())
    assert fresh.startswith(f"intro\n{findings_doc.BEGIN}\n| id |")
    assert fresh.endswith(f"{findings_doc.END}\noutro\n") and "stale" not in fresh
    assert "| `telnet-open` | high |" in fresh
