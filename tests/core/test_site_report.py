"""Site reports: latest scan, person-given names, fixed findings left out, accepted risks noted."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import NotFoundError
from core.report.site import site_report
from core.store import Store
from tests.fixtures.db.builders import device, finding, scan

CAM = "c0:56:e3:00:00:01"
PRN = "3c:d9:2b:00:00:02"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "db.sqlite3")
    yield opened
    opened.close()


def _site_with_two_scans(store: Store) -> int:
    site = store.create_site("Acme Dental", client="Dr Lee")
    old = (device(CAM, "192.0.2.5", findings=(finding("old-problem"),)),)
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", *old))
    new = (device(CAM, "192.0.2.5", findings=(finding("telnet-open", port=23),
                                               finding("rtsp-open", port=554))),
           device(PRN, "192.0.2.6", findings=(finding("http-admin-cleartext", port=80),)))
    store.save_scan(site.id, scan("2026-02-01T10:00:00Z", *new))
    store.update_device(site.id, CAM, label="<b>Front door</b> camera")
    store.set_finding_status(site.id, CAM, "rtsp-open", "fixed", port=554)
    store.set_finding_status(site.id, PRN, "http-admin-cleartext", "accepted",
                             reason="printer is replaced next month", who="Ann", port=80)
    return site.id


def test_html_report_uses_latest_scan_names_and_statuses(store: Store) -> None:
    page = site_report(store, _site_with_two_scans(store), prepared_by="Sam")
    findings = page.split("<h2 class='page'>Findings</h2>")[1].split("<h2")[0]
    assert "Title of telnet-open" in findings
    assert "Title of rtsp-open" not in findings  # marked fixed by a person
    assert "Title of old-problem" not in findings  # only in the older scan
    assert "Fixed on &lt;b&gt;Front door&lt;/b&gt; camera: Title of old-problem" in page
    assert "&lt;b&gt;Front door&lt;/b&gt; camera" in page and "<b>Front door" not in page
    assert "printer is replaced next month" in page
    assert "Dr Lee" in page and "Sam" in page


def test_csv_report_rows_match_open_and_accepted_findings(store: Store) -> None:
    text = site_report(store, _site_with_two_scans(store), fmt="csv")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert sorted(r["finding"] for r in rows) == ["http-admin-cleartext", "telnet-open"]
    assert {r["device"] for r in rows if r["finding"] == "telnet-open"} == {
        "<b>Front door</b> camera"}


def test_site_without_scans_is_a_clear_error(store: Store) -> None:
    site = store.create_site("Empty")
    with pytest.raises(NotFoundError, match="no scan"):
        site_report(store, site.id)


def test_report_cli_for_a_saved_site(store: Store, tmp_path: Path) -> None:
    _site_with_two_scans(store)
    out = tmp_path / "acme.html"
    proc = subprocess.run([sys.executable, "-m", "core", "--db", str(tmp_path / "db.sqlite3"),
                           "report", "--site", "acme dental", "-o", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Title of telnet-open" in out.read_text()


def test_the_report_says_whether_the_checks_were_thorough(store: Store) -> None:
    from dataclasses import replace

    site = store.create_site("Contractor visit")
    standard = scan("2026-01-01T10:00:00Z", device(CAM, "192.0.2.5"))
    store.save_scan(site.id, replace(standard, info=replace(standard.info, checks_run=True)))
    assert "<td>run</td>" in site_report(store, site.id)
    thorough = scan("2026-02-01T10:00:00Z", device(CAM, "192.0.2.5"))
    store.save_scan(site.id, replace(thorough, info=replace(thorough.info, checks_run=True,
                                                             thorough=True)))
    assert "run, thorough (the 1,000 most common TCP ports)" in site_report(store, site.id)
