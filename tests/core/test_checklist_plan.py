"""Essentials first: a few questions per device, led by what the scan found, the rest optional."""

from __future__ import annotations

import subprocess
import sys

from core.guidance import ESSENTIALS, checklist_plan, how_for, items_for
from core.models import Category, Severity
from tests.fixtures.db.builders import finding


def test_every_category_starts_with_at_most_eight_questions() -> None:
    for category in Category:
        items = items_for(category)
        plan = checklist_plan(items)
        assert 0 < len(plan.essentials) <= ESSENTIALS
        assert len(plan.essentials) + len(plan.more) + len(plan.by_evidence) == len(items)
        assert not {i.id for i in plan.essentials} & {i.id for i in plan.more}


def test_what_the_scan_found_leads_the_essentials() -> None:
    items = items_for(Category.CAMERA)
    quiet = checklist_plan(items)
    telnet = checklist_plan(items, (finding("telnet-open", port=23),))
    assert telnet.essentials[0].id == "enc-no-telnet-ftp"
    assert quiet.essentials[0].id != "enc-no-telnet-ftp"


def test_the_worst_finding_leads_when_several_were_found() -> None:
    items = items_for(Category.CAMERA)
    found = (finding("http-admin-cleartext", Severity.MEDIUM, port=80),
             finding("telnet-open", port=23))
    plan = checklist_plan(items, found)
    assert [i.id for i in plan.essentials[:2]] == ["enc-no-telnet-ftp", "enc-admin-https"]


def test_progress_says_when_the_essentials_are_done() -> None:
    items = items_for(Category.PRINTER)
    plan = checklist_plan(items)
    answers = {item.id: "yes" for item in plan.essentials}
    done = checklist_plan(items, (), answers)
    assert not plan.essentials_done and done.essentials_done
    assert done.more_progress.answered == 0


def test_how_shows_the_devices_own_address() -> None:
    item = next(i for i in items_for(Category.NAS) if i.id == "pw-default-changed")
    assert "http://192.0.2.7:5000" in how_for(item, Category.NAS, "Synology", "192.0.2.7")
    assert "<ip>" not in how_for(item, Category.NAS, "Synology")


def test_cli_prints_only_the_essentials() -> None:
    out = subprocess.run([sys.executable, "-m", "core", "checklist", "--category", "camera",
                          "--essentials"], capture_output=True, text=True, timeout=60,
                         check=True).stdout.splitlines()
    assert 0 < len(out) <= ESSENTIALS and all(line.endswith("?") for line in out)
    full = subprocess.run([sys.executable, "-m", "core", "checklist", "--category", "camera"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    assert full.index("[essential]") < full.index("More questions")


def test_evidence_sentences_end_with_one_full_stop() -> None:
    from dataclasses import replace

    from core.guidance import evidence_for

    item = next(i for i in items_for(Category.CAMERA) if i.id == "enc-no-telnet-ftp")
    for ending in (".", ";", "..", ":"):
        banner = replace(finding("telnet-open", port=23),
                         evidence=f"login with the password{ending}")
        evidence = evidence_for(item, (banner,), "yes")
        for text in (evidence.note, evidence.contradiction):
            assert ".." not in text and ".;" not in text and ";." not in text, text
