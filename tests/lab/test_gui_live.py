"""Lab: the real window scans the lab office live (inside the scanner namespace) end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.lab.office import CAMERA, OFFICE, PRINTER, Office

pytestmark = pytest.mark.lab


def test_window_scans_lab_live_and_keeps_answers(office: Office, tmp_path: Path) -> None:
    lab = office.lab
    proc = lab.run_scanner([sys.executable, "-m", "tests.lab.devices.gui_driver",
                            "--db", str(tmp_path / "gui.sqlite3"), "--open-mac", CAMERA.mac],
                           timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["welcome_networks"] == ["eth0"], "only the lab network exists in here"
    assert report["rows_before_scan"] == 0 and report["scan_enabled_after_welcome"]
    devices = report["devices"]
    for spec in OFFICE:
        assert spec.mac in devices, f"{spec.name} missing from the window"
    assert report["max_rows_while_scanning"] > 0, "devices appear while the scan runs"
    assert "finished" in report["status"]
    assert devices[CAMERA.mac]["open"].get("high", 0) >= 1, devices[CAMERA.mac]  # telnet
    assert devices[PRINTER.mac]["score"] is not None
    assert report["tag_after_restart"] == "work"
    assert report["answers_after_restart"] == report["answers_given"]
