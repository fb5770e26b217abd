"""The command line answers --version and help without a display and without scanning."""

from __future__ import annotations

import subprocess
import sys

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
