"""The window, the CLI and the client report agree: same counts, scores and finding ids."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.assessment import SiteAssessment, assess_site
from core.guidance import HOME_ON_WORK
from core.guidance.lifecycle import UNSUPPORTED
from core.models import Severity, Tag
from core.report import site_report
from core.store import Store
from tests.fixtures.db.builders import device, finding, scan
from tests.gui.conftest import WindowFactory, settle

CAM, PRN, TV = "c0:56:e3:00:00:01", "3c:d9:2b:00:00:02", "f4:f5:d8:00:00:03"
SHOWN = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def _build_site(db: Path) -> int:
    """Stored, fixed, accepted and derived findings, and a device missing from the last scan."""
    with Store.open(db) as store:
        site = store.create_site("Acme", networks=("192.0.2.0/24",),
                                 work_networks=("192.0.2.0/24",))
        store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                      device(TV, "192.0.2.7", findings=(finding("upnp-igd"),))))
        latest = (device(CAM, "192.0.2.5", findings=(
                      finding("telnet-open", port=23),
                      finding("rtsp-open", Severity.MEDIUM, port=554))),
                  device(PRN, "192.0.2.6", findings=(
                      finding("http-admin-cleartext", Severity.MEDIUM, port=80),
                      finding("ftp-cleartext", Severity.LOW, port=21))))
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", *latest))
        store.update_device(site.id, PRN, tag=Tag.HOME)
        store.update_device(site.id, CAM, support_end="2020-01-01", label="Front door")
        store.set_finding_status(site.id, CAM, "rtsp-open", "fixed", port=554)
        store.set_finding_status(site.id, PRN, "ftp-cleartext", "accepted", reason="lab only",
                                 who="Ann", port=21)
        store.record_answer(site.id, CAM, "pw-default-changed", "yes")
        return site.id


def _assessment(db: Path, site_id: int) -> SiteAssessment:
    with Store.open(db) as store:
        return assess_site(store, site_id)


def test_the_assessment_holds_derived_and_stored_findings(db_path: Path) -> None:
    site = _assessment(db_path, _build_site(db_path))
    ids = dict(site.finding_ids)
    assert HOME_ON_WORK in ids[PRN] and "http-admin-cleartext" in ids[PRN]
    assert "ftp-cleartext" not in ids[PRN]  # accepted: kept, but not open
    assert UNSUPPORTED in ids[CAM] and "telnet-open" in ids[CAM]
    assert "rtsp-open" not in ids[CAM]  # marked fixed
    assert site.device(TV) is not None and not site.device(TV).in_latest_scan  # type: ignore[union-attr]


def test_window_cli_and_report_agree(qtbot: QtBot, make_window: WindowFactory,
                                     db_path: Path) -> None:
    site_id = _build_site(db_path)
    truth = _assessment(db_path, site_id)
    counts = dict(truth.severity_counts)
    assert counts[Severity.HIGH] >= 2  # telnet plus the unsupported camera

    window = make_window()
    settle(qtbot, window)
    assert window.site is not None and window.site.id == site_id
    labels = window.dashboard.severity_labels.items()
    shown = {s: int(label.text().split()[0]) for s, label in labels}
    assert shown == {s: counts.get(s, 0) for s in SHOWN}
    assert window.dashboard.score_label.text() == f"{truth.score.value} / 100"
    rows = {r.device.mac: r for r in window.table_model.rows}
    assert {mac: r.score for mac, r in rows.items()} == {
        d.mac: d.score.value for d in truth.devices}
    assert {mac: r.assessment.open_ids for mac, r in rows.items()  # type: ignore[union-attr]
            } == dict(truth.finding_ids)

    cli = _cli(db_path, "score", "--site", "Acme")
    assert truth.score.device_count == 2  # the TV missed the latest scan: not in the average
    assert f"Site: {truth.score.value}/100 over 2 devices" in cli
    for d in truth.devices:
        assert re.search(rf"^\s*{d.score.value}/100  {re.escape(d.name)}  ", cli, re.M), cli
    devices = _cli(db_path, "devices", "--site", "Acme")
    for d in truth.devices:
        line = next(li for li in devices.splitlines() if li.startswith(d.mac))
        assert f" {d.score.value} " in line

    with Store.open(db_path) as store:
        page = site_report(store, site_id)
        table = site_report(store, site_id, fmt="csv")
    summary = ", ".join(f"{n} {s.value}" for s, n in truth.severity_counts)
    assert f"Open issues: {summary}." in page
    assert f"The site scores <b>{truth.score.value} out of 100</b> over 2 devices" in page
    assert "Home device" in page or HOME_ON_WORK in table
    assert table.startswith("\ufeff")  # UTF-8 with BOM, for spreadsheets
    csv_rows = list(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    by_device: dict[str, set[str]] = {}
    for row in csv_rows:
        if row["status"] == "open":
            by_device.setdefault(row["mac"], set()).add(row["finding"])
        assert int(row["device_score"]) == truth.device(row["mac"]).score.value  # type: ignore[union-attr]
    assert {mac: tuple(sorted(ids)) for mac, ids in by_device.items()} == {
        mac: ids for mac, ids in truth.finding_ids if ids}
    assert [r["finding"] for r in csv_rows if r["status"] == "accepted"] == ["ftp-cleartext"]


def test_derived_findings_use_todays_date(db_path: Path) -> None:
    site_id = _build_site(db_path)
    with Store.open(db_path) as store:
        before = assess_site(store, site_id, today=dt.date(2019, 6, 1))
    assert UNSUPPORTED not in dict(before.finding_ids)[CAM]


def _cli(db: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "core", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
