"""Presence: the off-hours finding in the one assessment (window, CLI, report) and the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.assessment import assess_one, assess_site
from core.cli import main
from core.datafiles.findings import entry
from core.models import Category, Device
from core.presence import (
    OUTSIDE_HOURS_ID,
    BusinessHours,
    SiteSettings,
    device_presence,
    exempt_from_hours,
    load_settings,
    monitoring_dir,
    save_settings,
)
from core.report.content import site_report_data
from core.store import Store
from tests.fixtures.db.builders import device, scan

PC, CAMERA, PHONE = "a4:4c:c8:00:00:01", "c0:56:e3:00:00:02", "da:a1:19:00:00:03"
HOURS = BusinessHours(timezone="UTC")  # Mon-Fri 08:00-18:00
MONDAY_10 = "2026-11-23T10:00:00Z"
MONDAY_22 = "2026-11-23T22:00:00Z"
TUESDAY_03 = "2026-11-24T03:00:00Z"
TUESDAY_11 = "2026-11-24T11:00:00Z"


def _on(mac: str, ip: str, category: Category = Category.COMPUTER) -> Device:
    return replace(device(mac, ip), category=category)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        opened.create_site("Office")
        yield opened


def _hours(store: Store, hours: BusinessHours | None) -> None:
    save_settings(monitoring_dir(store.path), 1, SiteSettings(business_hours=hours))


def _scan(store: Store, started: str, *macs: str) -> int:
    made = {PC: _on(PC, "192.0.2.1"), CAMERA: _on(CAMERA, "192.0.2.2", Category.CAMERA),
            PHONE: _on(PHONE, "192.0.2.3", Category.PHONE)}
    return store.save_scan(1, scan(started, *(made[m] for m in macs), checks=False))


def _off_hours(store: Store, mac: str) -> list[str]:
    assessed = assess_site(store, 1).device(mac)
    assert assessed is not None
    return [a.finding.evidence for a in assessed.findings if a.finding.id == OUTSIDE_HOURS_ID]


def test_a_device_the_latest_off_hours_scan_saw_has_the_catalogue_finding(store: Store) -> None:
    _hours(store, HOURS)
    _scan(store, MONDAY_10, PC, CAMERA, PHONE)
    _scan(store, MONDAY_22, PC, CAMERA, PHONE)
    _scan(store, TUESDAY_03, PC, CAMERA)
    assessed = assess_site(store, 1).device(PC)
    assert assessed is not None
    found = [a.finding for a in assessed.findings if a.finding.id == OUTSIDE_HOURS_ID]
    catalogue = entry(OUTSIDE_HOURS_ID)
    assert [(f.title, f.severity, f.fix, f.refs) for f in found] == [
        (catalogue.title, catalogue.severity, catalogue.fix, catalogue.refs)]
    assert found[0].evidence == ("Seen on the network at 03:00 on Tue 24 Nov; the site's business "
                                 "hours are Mon, Tue, Wed, Thu, Fri 08:00-18:00 (UTC). Seen by 2 "
                                 "of the 2 recent scans outside those hours.")
    assert _off_hours(store, CAMERA) == []  # cameras record at night on purpose
    assert _off_hours(store, PHONE) == []  # off by 03:00: the latest off-hours scan missed it
    assert any(f == found[0] for f in assessed.score_findings)  # it costs points
    assert [a.finding.evidence for a in assess_one(store, 1, PC).findings
            if a.finding.id == OUTSIDE_HOURS_ID] == [found[0].evidence]


def test_changing_the_hours_or_switching_off_clears_it(store: Store) -> None:
    _hours(store, HOURS)
    _scan(store, MONDAY_22, PC)
    assert len(_off_hours(store, PC)) == 1
    _hours(store, replace(HOURS, end=BusinessHours().end.replace(hour=23)))
    assert _off_hours(store, PC) == []  # 22:00 is inside the new hours
    _hours(store, HOURS)
    assert len(_off_hours(store, PC)) == 1
    exempt_from_hours(store.path, 1, PC.upper().replace(":", "-"))
    assert _off_hours(store, PC) == []
    exempt_from_hours(store.path, 1, PC)  # once is enough
    assert load_settings(monitoring_dir(store.path), 1).business_hours == replace(
        HOURS, exempt_macs=(PC,))
    _hours(store, replace(HOURS, enabled=False))
    assert _off_hours(store, PC) == []
    _hours(store, None)
    assert _off_hours(store, PC) == []
    exempt_from_hours(store.path, 1, PC)  # no hours: nothing to exempt from
    assert load_settings(monitoring_dir(store.path), 1).business_hours is None
    _hours(store, HOURS)
    assert len(_off_hours(store, PC)) == 1
    _scan(store, TUESDAY_03, PHONE)  # the PC was switched off that night
    assert _off_hours(store, PC) == []
    _scan(store, TUESDAY_11, PC)  # a daytime scan says nothing about the night
    assert _off_hours(store, PC) == []


def test_a_broken_settings_file_leaves_the_assessment_working(store: Store) -> None:
    _scan(store, MONDAY_22, PC)
    folder = monitoring_dir(store.path)
    folder.mkdir(exist_ok=True)
    (folder / "site-1.json").write_text("{broken")
    assert _off_hours(store, PC) == []


def test_cli_score_devices_and_report_agree_with_the_window(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _hours(store, HOURS)
    _scan(store, MONDAY_22, PC, CAMERA)
    db = str(tmp_path / "db.sqlite3")
    assert main(["--db", db, "score", "--site", "Office"]) == 0
    score_lines = capsys.readouterr().out.splitlines()
    assert main(["--db", db, "devices", "--site", "Office"]) == 0
    device_lines = capsys.readouterr().out.splitlines()
    assessed = assess_site(store, 1)
    pc, camera = assessed.device(PC), assessed.device(CAMERA)
    assert pc is not None and camera is not None
    assert dict(pc.open_counts) != dict(camera.open_counts)
    for mac, shown in ((PC, pc), (CAMERA, camera)):
        issues = ", ".join(f"{n} {s.value}" for s, n in shown.open_counts) or "none"
        assert any(line.startswith(mac) and issues in line for line in device_lines)
        assert any(f"{shown.score_value:3d}/100" in line and shown.name in line
                   for line in score_lines)
    report = site_report_data(store, 1)
    reported = [(d.mac, a.finding.id) for _, rows in report.by_severity() for d, a in rows]
    assert (PC, OUTSIDE_HOURS_ID) in reported and (CAMERA, OUTSIDE_HOURS_ID) not in reported


def test_the_timeline_view_marks_seen_and_off_hours_scans(store: Store) -> None:
    _hours(store, HOURS)
    ids = [_scan(store, MONDAY_10, PC, PHONE), _scan(store, MONDAY_22, PC),
           _scan(store, TUESDAY_03, PHONE), _scan(store, TUESDAY_11, PC)]
    view = device_presence(store, 1, PC.upper().replace(":", "-"))
    assert [m.scan_id for m in view.marks] == ids  # oldest first
    assert [m.seen for m in view.marks] == [True, True, False, True]
    assert [m.off_hours for m in view.marks] == [False, True, True, False]
    assert [m.text for m in view.marks] == [
        "Mon 23 Nov 10:00: seen", "Mon 23 Nov 22:00: seen, on outside business hours",
        "Tue 24 Nov 03:00: not seen (outside business hours)", "Tue 24 Nov 11:00: seen"]
    assert view.summary == ("Seen by 3 of the last 4 scans, including the latest; on outside "
                            "business hours in 1.")
    assert view.hours == HOURS.describe()
    assert [m.seen for m in device_presence(store, 1, PC, limit=2).marks] == [False, True]


def test_the_timeline_leaves_out_cancelled_scans_and_needs_no_hours(store: Store) -> None:
    _scan(store, MONDAY_10, PC)
    store.save_scan(1, scan(MONDAY_22, cancelled=True))
    view = device_presence(store, 1, PHONE)
    assert [(m.seen, m.off_hours) for m in view.marks] == [(False, False)]
    assert view.summary == "Not seen by the only scan." and view.hours == ""
    assert device_presence(store, 1, PC).summary == "Seen by the only scan so far."
    empty = Store.open(store.path.with_name("other.sqlite3"))
    with empty:
        empty.create_site("Empty")
        assert device_presence(empty, 1, PC).summary == "No finished scans yet."


def test_scan_macs_and_recent_scans_are_light_and_bounded(store: Store) -> None:
    first = _scan(store, MONDAY_10, PC, PHONE)
    second = _scan(store, MONDAY_22, CAMERA)
    empty = store.save_scan(1, scan(TUESDAY_03))
    assert store.scan_macs([first, second, empty]) == {first: frozenset({PC, PHONE}),
                                                      second: frozenset({CAMERA})}
    assert [s.id for s in store.recent_scans(1, 2)] == [empty, second]
    assert store.recent_scans(1, 0) == ()
