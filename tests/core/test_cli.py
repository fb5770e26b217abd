"""The command line answers --version and help without a display and without scanning."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

from core import __version__
from core.cli import COMMAND_MODULES, SUBCOMMAND_MODULES


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


def test_each_command_is_registered_by_the_module_the_table_names() -> None:
    registered: dict[str, str] = {}
    for module in SUBCOMMAND_MODULES:
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(subparsers)
        registered.update(dict.fromkeys(subparsers.choices, module))
    assert registered == COMMAND_MODULES


def test_a_discovery_only_scan_imports_neither_the_checks_nor_the_store() -> None:
    """`scan --no-checks` starts fast: what it does not use is not imported."""
    code = ("import sys\n"
            "from core.cli import build_parser\n"
            "from core.scan import run_scan, scan_to_json\n"
            "build_parser(['--db', 'x.db', 'scan', '-i', 'eth0', '--no-checks'])\n"
            "from core.cli import scan_cmd\n"
            "scan_cmd._scan_interruptibly = lambda request, checks: None\n"
            "scan_cmd._scan_with_consent(None, None, None)\n"
            "heavy = ['core.checks', 'core.store', 'sqlite_utils', 'cryptography', 'keyring']\n"
            "print([name for name in heavy if name in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "[]"
