"""The command line answers --version and help without a display and without scanning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core import __version__


def test_version_works_headless() -> None:
    proc = subprocess.run([sys.executable, "-m", "gui.launcher", "--version"],
                          capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"iot-hygiene {__version__}"


def test_help_lists_usage() -> None:
    proc = subprocess.run([sys.executable, "-m", "core", "--help"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    assert "usage: iot-hygiene" in proc.stdout


def test_report_from_a_scan_json_file(tmp_path: Path) -> None:
    from core.scan.jsonio import scan_to_json
    from tests.core.test_report import _scan

    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(scan_to_json(_scan("front door"))))
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "core", "report", str(scan), "-o", str(out),
                           "--site", "Acme"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "Telnet is open" in out.read_text()


def test_report_on_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "core", "report", str(bad)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "Cannot read the scan file" in proc.stderr
    assert "Traceback" not in proc.stderr
