"""docs/findings.md also lists every finding made from tags and dates, with its severity."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from core.guidance import lifecycle, placement

DOCS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"


def test_tag_and_date_findings_are_documented_with_their_severity() -> None:
    rows = dict(re.findall(r"^\| ([a-z0-9]+-[a-z0-9-]+) \| (\w+) \|", DOCS.read_text(),
                           re.MULTILINE))
    assert set(placement.FINDING_IDS) | set(lifecycle.FINDING_IDS) == set(rows)
    today = date(2026, 11, 22)
    for made in (lifecycle.support_reminders(date(2026, 1, 1), today),
                 lifecycle.support_reminders(date(2026, 12, 1), today),
                 lifecycle.review_reminder(date(2026, 1, 1), today)):
        assert made is not None
        assert rows[made.id] == made.severity.value
