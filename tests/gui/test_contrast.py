"""WCAG AA contrast of every hand-set colour in the platform's light and dark palettes."""

# The palettes are Qt's own (Fusion) for the scheme a desktop portal reports: see palette_probe.

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _probe(scheme: str) -> dict[str, object]:
    runner = shutil.which("dbus-run-session")
    if runner is None:
        why = "dbus-run-session (package dbus-daemon) is needed to set the desktop colour scheme"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"cannot run in CI: {why}")  # scripts/setup.sh installs it
        pytest.skip(why)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([runner, "--", sys.executable, "-m", "tests.gui.palette_probe",
                           "--scheme", scheme], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_hand_set_colour_is_readable(scheme: str) -> None:
    found = _probe(scheme)
    assert str(found["scheme"]).lower() == scheme, "Qt took the scheme from the platform"
    window = str(found["window"])
    assert (_luminance(window) < 0.18) == (scheme == "dark"), f"a {scheme} window: {window}"
    pairs = found["pairs"]
    assert isinstance(pairs, list) and len(pairs) > 20
    failing = [f"{what}: {fg} on {bg} is {_ratio(fg, bg):.2f}:1, needs {needed}:1"
               for what, fg, bg, needed in pairs if _ratio(fg, bg) < needed]
    assert failing == []
