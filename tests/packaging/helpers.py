"""Shared steps of the packaging tests: run a command, scan the lab office with it."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.lab.office import OFFICE, Office


def run(argv: Sequence[str], cwd: Path, timeout: float = 900,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `argv` outside the checkout (so nothing is imported from it); fail with its output."""
    clean = {k: v for k, v in (env or os.environ).items() if k != "PYTHONPATH"}
    proc = subprocess.run(list(argv), cwd=cwd, env=clean, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(argv)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def public_tmp(prefix: str) -> Path:
    """A folder in /tmp that `nobody` may enter (pytest's own tmp folders are root-only)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def scan_office(office: Office, program: Sequence[str], cwd: Path,
                unprivileged: bool = False) -> dict[str, Any]:
    """`program scan --json` inside the lab's scanner namespace; every office device found."""
    lab = office.lab
    env = dict(os.environ, IOT_HYGIENE_QUIET="1")
    for name in ("IOT_HYGIENE_DATA_DIR", "IOT_HYGIENE_LOG_DIR", "PYTHONPATH"):
        if unprivileged:
            env.pop(name, None)
    argv = [*program, "scan", "--interface", "eth0", "--json", "--timeout", "4"]
    proc = subprocess.run(lab.scanner_command(argv, unprivileged), capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd, check=False)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    found = {d["mac"] for d in doc["devices"]}
    missing = [spec.name for spec in OFFICE if spec.mac not in found]
    assert not missing, f"not found: {missing}"
    return doc
