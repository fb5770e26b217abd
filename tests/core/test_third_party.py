"""THIRD_PARTY.md lists every runtime dependency and its licence, as the venv says today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_third_party_md_is_current_against_the_venv() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "licences.py"), "--check"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr + "\n(run: .venv/bin/python scripts/licences.py)"


def test_the_licensing_decision_is_written_down() -> None:
    text = (ROOT / "THIRD_PARTY.md").read_text(encoding="utf-8")
    assert "| scapy | GPL-2.0-only |" in text
    assert "separate program" in text and "GPL** option" in text
