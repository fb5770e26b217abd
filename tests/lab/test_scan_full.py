"""Lab: the default scan runs discovery and checks, saves to a site, and reports changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.lab.office import Office

pytestmark = pytest.mark.lab


def _scan(office: Office, db: Path, *extra: str) -> dict[str, Any]:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "--db", str(db), "scan", "--interface", "eth0",
                                      "--mode", "kernel", "--timeout", "4", "--json", *extra),
                           timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _cli(office: Office, db: Path, *args: str) -> str:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "--db", str(db), *args), timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def saved(office: Office, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    db = tmp_path_factory.mktemp("fullscan") / "hygiene.sqlite3"
    return db, _scan(office, db, "--save", "--site", "Lab Office")


def test_default_scan_runs_checks_and_finds_real_exposures(
        office: Office, saved: tuple[Path, dict[str, Any]]) -> None:
    _, doc = saved
    assert doc["scan"]["checks_run"] is True
    devices = {d["mac"]: d for d in doc["devices"]}
    camera = devices[office.expected["camera"].mac]
    assert 23 in camera["open_ports"]
    assert "telnet-open" in {f["id"] for f in camera["findings"]}
    hub = devices[office.expected["hub"].mac]
    assert "mqtt-anonymous" in {f["id"] for f in hub["findings"]}
    router = devices[office.expected["router"].mac]
    assert "upnp-igd" in {f["id"] for f in router["findings"]}
    for device in doc["devices"]:
        for finding in device["findings"]:
            assert finding["fix"] and finding["severity"], finding


def test_saved_scan_is_listed_and_a_second_scan_shows_changes(
        office: Office, saved: tuple[Path, dict[str, Any]]) -> None:
    db, _ = saved
    assert "Lab Office" in _cli(office, db, "sites")
    listing = _cli(office, db, "devices", "--site", "Lab Office")
    assert office.expected["printer"].mac in listing
    lab = office.lab
    lab.exec(office.hosts["camera"].ns, ["ip", "link", "set", "eth0", "down"])
    # A later visit: the scanner's neighbour cache no longer remembers the camera.
    lab.exec(lab.scanner.ns, ["ip", "neigh", "flush", "dev", "eth0"])
    try:
        _scan(office, db, "--save", "--site", "Lab Office", "--no-checks")
        changes = _cli(office, db, "changes", "--site", "Lab Office")
    finally:
        office.lab.exec(office.hosts["camera"].ns, ["ip", "link", "set", "eth0", "up"])
    assert "device gone" in changes
    assert office.expected["camera"].mac in changes
    assert "closed" not in changes  # the second scan ran no checks: it knows no ports


def test_no_checks_skips_ports_and_findings(office: Office, tmp_path: Path) -> None:
    doc = _scan(office, tmp_path / "db.sqlite3", "--no-checks")
    assert doc["scan"]["checks_run"] is False
    assert all(d["open_ports"] == [] for d in doc["devices"])


def test_report_from_a_lab_scan_escapes_and_lists_findings(
        office: Office, saved: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, doc = saved
    scan_file = tmp_path / "scan.json"
    scan_file.write_text(json.dumps(doc))
    out = tmp_path / "report.html"
    _cli(office, tmp_path / "db.sqlite3", "report", str(scan_file), "-o", str(out))
    page = out.read_text()
    assert "Telnet" in page and "<script" not in page.lower()


def test_back_to_back_scans_of_a_calm_office_change_nothing(office: Office,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "calm.sqlite3"
    for _ in range(2):
        _scan(office, db, "--save", "--site", "Calm")
    changes = _cli(office, db, "changes", "--site", "Calm")
    assert "nothing to act on" in changes, changes
    assert "new device" not in changes and "device gone" not in changes
