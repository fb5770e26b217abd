"""docs/findings.md is generated from resources/findings.toml and lists every finding's severity."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from core.datafiles import findings_doc
from core.datafiles.findings import Source, bundled
from core.guidance import lifecycle, placement
from core.models import Device
from core.presence import OUTSIDE_HOURS_ID, BusinessHours, OffHoursSighting, off_hours_finding


def test_the_generated_tables_are_current() -> None:
    page = findings_doc.DOC.read_text(encoding="utf-8")
    assert page == findings_doc.render(page, bundled().values()), (
        "docs/findings.md is out of date: run python -m core.datafiles.findings_doc"
    )


def test_tag_date_and_presence_findings_are_documented_with_their_severity() -> None:
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (?:tag|date|presence) \| (\w+) \|",
                           findings_doc.DOC.read_text(), re.MULTILINE))
    made_in_code = {*placement.FINDING_IDS, *lifecycle.FINDING_IDS, OUTSIDE_HOURS_ID}
    assert made_in_code == set(rows)
    assert {e.id for e in bundled().values() if e.source is not Source.SCAN} == set(rows)
    today = date(2026, 11, 22)
    for made in (lifecycle.support_reminders(date(2026, 1, 1), today),
                 lifecycle.support_reminders(date(2026, 12, 1), today),
                 lifecycle.review_reminder(date(2026, 1, 1), today)):
        assert made is not None
        assert rows[made.id] == made.severity.value
    off = off_hours_finding(Device(mac="aa:00:00:00:00:01"), BusinessHours(timezone="UTC"),
                            OffHoursSighting(datetime(2026, 11, 21, 23, 0, tzinfo=UTC), 1, 1))
    assert off is not None and rows[off.id] == off.severity.value == "low"


def test_render_replaces_only_the_generated_part() -> None:
    page = f"intro\n{findings_doc.BEGIN}\nstale\n{findings_doc.END}\noutro\n"
    fresh = findings_doc.render(page, bundled().values())
    assert fresh.startswith(f"intro\n{findings_doc.BEGIN}\n| id |")
    assert fresh.endswith(f"{findings_doc.END}\noutro\n") and "stale" not in fresh
    assert "| `telnet-open` | high |" in fresh
