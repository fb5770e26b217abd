"""A KEV match leads next best actions (with CVE ids) and is the firmware item's evidence."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from core.assessment import assess_scan
from core.datafiles.findings import entry
from core.fingerprints import kev_findings, load_catalog
from core.fingerprints.identify import from_texts
from core.guidance.checklists import evidence_for, is_done, items_for
from core.models import Category, Device, Finding, Fingerprint
from core.scoring import gains
from core.scoring.actions import KEV_STEP
from tests.fixtures.db.builders import scan

TODAY = dt.date(2026, 3, 1)
APACHE = tuple(from_texts([("http_header.server", "Apache/2.4.49 (Unix)")]))
CONFIRMED = tuple(kev_findings(APACHE, load_catalog()))
POSSIBLE = tuple(kev_findings([Fingerprint("service", "Apache", "HTTPD", "",
                                           cpe="cpe:/a:apache:http_server")], load_catalog()))
DEFAULT_PASSWORD = entry("default-credentials-accepted").with_evidence("admin/admin", port=80)


def _router(mac: str, findings: tuple[Finding, ...], prints: tuple[Fingerprint, ...] = ()
            ) -> Device:
    return Device(mac=mac, ips=("192.0.2.1",), category=Category.ROUTER, vendor="NETGEAR",
                  findings=findings, fingerprints=prints)


def _upd_current() -> object:
    return next(i for i in items_for(Category.ROUTER, "NETGEAR") if i.id == "upd-current")


def test_the_kev_step_leads_the_device_with_its_cve_ids() -> None:
    findings = (*CONFIRMED, DEFAULT_PASSWORD)  # another critical finding competes for the top
    steps = gains(findings, items_for(Category.ROUTER, "NETGEAR"), {})
    first = steps[0].step
    assert first.text.startswith(KEV_STEP) and "CVE-2021-41773" in first.text
    cves = {c for f in CONFIRMED for c in re.findall(r"CVE-\d+-\d+", f.evidence)}
    assert len(cves) == 3 and all(c in first.text for c in cves)  # every one named
    assert first.item_id == "upd-current" and first.urgent
    assert "replace the device" in first.detail
    assert not any(s.step.urgent for s in steps[1:])
    assert sum(s.step.text.startswith(KEV_STEP) for s in steps) == 1


def test_a_device_without_checklist_items_still_gets_the_kev_step() -> None:
    (step,) = gains(CONFIRMED[:1], (), {})
    assert step.step.text.startswith(f"{KEV_STEP} (CVE-") and step.step.item_id is None


def test_many_cve_ids_are_named_up_to_four_and_counted() -> None:
    many = tuple(replace(CONFIRMED[0], evidence=f"CVE-2020-000{n} (x) in y") for n in range(6))
    (step,) = gains(many, (), {})
    assert step.step.text.endswith("CVE-2020-0003 and 2 more)")


def test_a_possible_match_is_urgent_too() -> None:
    steps = gains((*POSSIBLE, DEFAULT_PASSWORD), items_for(Category.ROUTER, "NETGEAR"), {})
    assert steps[0].step.text.startswith(KEV_STEP) and steps[0].step.urgent


def test_the_site_lists_kev_steps_first_across_devices() -> None:
    result = scan("2026-03-01T10:00:00Z",
                  _router("02:00:00:00:00:01", (DEFAULT_PASSWORD,)),
                  _router("02:00:00:00:00:02", CONFIRMED, APACHE))
    site = assess_scan(result, today=TODAY)
    first = site.actions[0]
    assert first.urgent and first.key == "02:00:00:00:00:02"
    assert first.text.startswith(KEV_STEP) and "CVE-2021-42013" in first.text
    assert "known-exploited-vulnerability" in first.finding_ids


def test_the_update_item_shows_the_kev_finding_and_is_not_done() -> None:
    item = _upd_current()
    found = evidence_for(item, CONFIRMED, None)  # type: ignore[arg-type]
    assert found.pre_answer == "no" and found.answered_by in CONFIRMED
    assert "known-exploited" not in found.note  # plain words: the title, then the evidence
    assert "attackers are using now: CVE-" in found.note
    assert "That answers this question: No" in found.note
    assert not is_done(item, None, found)  # type: ignore[arg-type]
    said_yes = evidence_for(item, CONFIRMED, "yes")  # type: ignore[arg-type]
    assert said_yes.contradicted and "You answered Yes" in said_yes.contradiction
    assert not is_done(item, "yes", said_yes)  # type: ignore[arg-type]
    possible = evidence_for(item, POSSIBLE, None)  # type: ignore[arg-type]
    assert possible.pre_answer == "unsure" and not is_done(item, None, possible)  # type: ignore[arg-type]


def test_the_assessment_puts_the_update_item_first_in_the_plan() -> None:
    device = _router("02:00:00:00:00:02", CONFIRMED, APACHE)
    assessed = assess_scan(scan("2026-03-01T10:00:00Z", device), today=TODAY).devices[0]
    assert assessed.plan is not None and assessed.plan.essentials[0].id == "upd-current"
    assert "upd-current" not in {i.id for i in assessed.plan.by_evidence}
    assert assessed.gains[0].step.text.startswith(KEV_STEP)


def test_without_a_kev_finding_nothing_is_urgent() -> None:
    steps = gains((DEFAULT_PASSWORD,), items_for(Category.ROUTER, "NETGEAR"), {})
    assert steps and not any(s.step.urgent or KEV_STEP in s.step.text for s in steps)
    unrelated = replace(DEFAULT_PASSWORD, evidence="CVE-2021-41773 mentioned in a banner")
    assert not gains((unrelated,), (), {})[0].step.urgent
