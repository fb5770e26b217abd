"""The one assessment: the scanning computer, derived findings, what counts in the site score."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from core.assessment import Origin, assess_device, assess_scan
from core.guidance import HOME_ON_WORK
from core.guidance.lifecycle import UNSUPPORTED
from core.models import Severity, Site, Tag
from core.store import DeviceRecord, FindingRecord, FindingStatus
from tests.fixtures.db.builders import device, finding, scan

SELF, PRN = "02:00:00:00:00:01", "3c:d9:2b:00:00:02"


def test_the_scanning_computer_has_no_checklist_and_no_score() -> None:
    me = replace(device(SELF, "192.0.2.10", ports=(22,)), is_self=True)
    printer = device(PRN, "192.0.2.6", findings=(finding("telnet-open", port=23),))
    site = assess_scan(scan("2026-01-01T10:00:00Z", me, printer))
    computer = site.device(SELF)
    assert computer is not None and computer.name == "This computer"
    assert computer.items == () and computer.score_value is None and not computer.scored
    assert site.score.device_count == 1
    assert all(a.device != "This computer" for a in site.actions)


def test_a_home_device_on_the_work_network_gets_a_derived_finding() -> None:
    printer = device(PRN, "192.0.2.6")
    site = Site(id=1, name="x", work_networks=("192.0.2.0/24",))
    record = DeviceRecord(site_id=1, mac=PRN, label="", display_name="Printer", owner="",
                          location="", tag=Tag.HOME, notes="", support_end="2020-01-01",
                          review_date="", retired=False, first_seen="", last_seen="",
                          latest=printer)
    today = dt.date(2026, 1, 2)
    home = assess_device(record, (), {}, site, today)
    derived = {a.finding.id for a in home.findings if a.origin is Origin.DERIVED}
    assert {HOME_ON_WORK, UNSUPPORTED} <= derived
    untagged = assess_device(replace(record, tag=Tag.UNKNOWN, support_end=""), (), {}, site,
                             today)
    assert HOME_ON_WORK not in untagged.open_ids and home.score.value < untagged.score.value


def test_accepting_a_risk_costs_less_than_leaving_it_but_more_than_fixing_it() -> None:
    telnet = finding("telnet-open", Severity.HIGH, port=23)
    site = Site(id=1, name="x")
    record = DeviceRecord(site_id=1, mac=PRN, label="", display_name="Printer", owner="",
                          location="", tag=Tag.WORK, notes="", support_end="", review_date="",
                          retired=False, first_seen="", last_seen="",
                          latest=device(PRN, "192.0.2.6", findings=(telnet,)))
    today = dt.date(2026, 1, 2)

    def scored(status: FindingStatus) -> int:
        stored = FindingRecord(PRN, telnet, status, "reason", "Ann", "", "")
        return assess_device(record, (stored,), {}, site, today).score.value

    assert scored(FindingStatus.OPEN) < scored(FindingStatus.ACCEPTED) < scored(
        FindingStatus.FIXED)
